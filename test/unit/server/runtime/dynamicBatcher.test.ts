// The batcher with a fake model run: which requests share a run, how outputs are split, what happens when a run
// fails or a model's first dimension turns out not to be a batch dimension. No timing is asserted.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DynamicBatcher, unbatchableReason, type Feeds } from '../../../../src/server/runtime/dynamicBatcher';
import { resolveRuntimeOptions } from '../../../../src/server/runtime/sessionOptions';
import { ConfigError } from '../../../../src/core/errors';

const forever = 600_000;

function rows(values: number[][]): Feeds {
  return { x: { type: 'float32', dims: [values.length, values[0]?.length ?? 0], data: Float32Array.from(values.flat()) } };
}

function plain(out: Feeds): number[] {
  return Array.from(out.y?.data as Float32Array);
}

/** A model that doubles its input, recording the number of rows of each run; throws on a negative value. */
function doubler(): { runs: number[]; run: (feeds: Feeds) => Promise<Feeds> } {
  const runs: number[] = [];
  return {
    runs,
    run: async (feeds) => {
      const x = feeds.x!;
      runs.push(x.dims[0]!);
      const data = x.data as Float32Array;
      if (data.some((v) => v < 0)) throw new Error('negative input');
      return { y: { type: 'float32', dims: [...x.dims], data: data.map((v) => v * 2) } };
    },
  };
}

const quiet = { warn: () => undefined };

test('a full batch runs once and each request gets its own rows', async () => {
  const model = doubler();
  const b = new DynamicBatcher((f) => model.run(f), { maxBatchSize: 4, maxDelayMs: forever }, 1, quiet);
  const out = await Promise.all([b.run(rows([[1, 2]]), undefined), b.run(rows([[3, 4], [5, 6]]), undefined), b.run(rows([[7, 8]]), undefined)]);
  assert.deepEqual(model.runs, [4]);
  assert.deepEqual(out.map(plain), [[2, 4], [6, 8, 10, 12], [14, 16]]);
  assert.deepEqual(out.map((o) => o.y?.dims), [[1, 2], [2, 2], [1, 2]]);
});

test('a request is never split: one that does not fit waits for the next batch', async () => {
  const model = doubler();
  const b = new DynamicBatcher((f) => model.run(f), { maxBatchSize: 3, maxDelayMs: forever }, 1, quiet);
  const out = await Promise.all([
    b.run(rows([[1], [2]]), undefined),
    b.run(rows([[3], [4]]), undefined),
    b.run(rows([[5]]), undefined),
  ]);
  assert.deepEqual(model.runs, [2, 3]);
  assert.deepEqual(out.map(plain), [[2, 4], [6, 8], [10]]);
});

test('a failed batch is retried request by request, so only the bad one fails', async () => {
  const model = doubler();
  const b = new DynamicBatcher((f) => model.run(f), { maxBatchSize: 3, maxDelayMs: forever }, 1, quiet);
  const out = await Promise.allSettled([b.run(rows([[1]]), undefined), b.run(rows([[-1]]), undefined), b.run(rows([[3]]), undefined)]);
  assert.deepEqual(model.runs, [3, 1, 1, 1]);
  assert.equal(out[0]?.status, 'fulfilled');
  assert.equal(out[1]?.status, 'rejected');
  assert.equal(out[2]?.status, 'fulfilled');
  assert.deepEqual(plain((out[2] as PromiseFulfilledResult<Feeds>).value), [6]);
});

test('different outputs asked for, or different other dimensions, never share a run', async () => {
  const model = doubler();
  const b = new DynamicBatcher((f) => model.run(f), { maxBatchSize: 2, maxDelayMs: forever }, 1, quiet);
  const out = await Promise.all([
    b.run(rows([[1, 1]]), ['y']),
    b.run(rows([[2, 2, 2]]), ['y']),
    b.run(rows([[3, 3]]), undefined),
    b.run(rows([[4, 4]]), ['y']),
    b.run(rows([[5, 5, 5]]), ['y']),
    b.run(rows([[6, 6]]), undefined),
  ]);
  assert.deepEqual(model.runs, [2, 2, 2]);
  assert.deepEqual(out.map(plain), [[2, 2], [4, 4, 4], [6, 6], [8, 8], [10, 10, 10], [12, 12]]);
});

test('with no delay a lone request runs at once, and requests arriving meanwhile form the next batch', async () => {
  const model = doubler();
  const b = new DynamicBatcher((f) => model.run(f), { maxBatchSize: 8, maxDelayMs: 0 }, 1, quiet);
  const first = b.run(rows([[1]]), undefined);
  const rest = [b.run(rows([[2]]), undefined), b.run(rows([[3]]), undefined)];
  await Promise.all([first, ...rest]);
  assert.deepEqual(model.runs, [1, 2]);
});

test('outputs whose first dimension does not follow the rows turn batching off for the model', async () => {
  const warnings: string[] = [];
  let calls = 0;
  const summing = async (feeds: Feeds): Promise<Feeds> => {
    calls += 1;
    const data = feeds.x!.data as Float32Array;
    return { y: { type: 'float32', dims: [1], data: Float32Array.of(data.reduce((a, v) => a + v, 0)) } };
  };
  const b = new DynamicBatcher(summing, { maxBatchSize: 2, maxDelayMs: forever }, 1, { warn: (m) => warnings.push(m) });
  const out = await Promise.all([b.run(rows([[1]]), undefined), b.run(rows([[2]]), undefined)]);
  assert.deepEqual(out.map(plain), [[1], [2]]);
  assert.equal(calls, 3);
  assert.match(warnings[0] ?? '', /not a batch dimension/);
  // From now on every request runs alone, at once.
  assert.deepEqual(plain(await b.run(rows([[5]]), undefined)), [5]);
});

test('observer sees rows per run and one queue wait per batched request', async () => {
  const model = doubler();
  const seen: Array<[number, number]> = [];
  let waits = 0;
  const b = new DynamicBatcher((f) => model.run(f), { maxBatchSize: 2, maxDelayMs: forever }, 1, quiet, {
    batch: (r, n) => seen.push([r, n]),
    queued: () => (waits += 1),
  });
  await Promise.all([b.run(rows([[1]]), undefined), b.run(rows([[2]]), undefined), b.run(rows([[3], [4], [5]]), undefined)]);
  // The 3-row request runs as a 2-row chunk and a 1-row chunk, each queued like any request.
  assert.deepEqual(seen.sort(), [[1, 1], [2, 1], [2, 2]]);
  assert.equal(waits, 4);
});

test('a row limit below maxBatchSize bounds every run: batches gather no more, a larger request runs in chunks; lifting it restores full batches', async () => {
  const model = doubler();
  let release: () => void = () => undefined;
  const gate = new Promise<void>((r) => (release = r));
  // The first run waits on the gate, so that the requests behind it queue up together.
  const b = new DynamicBatcher(async (f) => (model.runs.length === 0 ? (await gate, model.run(f)) : model.run(f)), { maxBatchSize: 8, maxDelayMs: 0 }, 1, quiet);
  const first = b.run(rows([[0]]), undefined);
  b.limitRows(2);
  const queued = [1, 2, 3, 4, 5].map((v) => b.run(rows([[v]]), undefined));
  const big = b.run(rows([[6], [7], [8]]), undefined);
  release();
  const out = await Promise.all([first, ...queued, big]);
  assert.deepEqual(model.runs, [1, 2, 2, 1, 2, 1], 'batches of at most 2 rows; the 3-row request in chunks of 2 and 1');
  assert.deepEqual(out.map(plain), [[0], [2], [4], [6], [8], [10], [12, 14, 16]]);

  model.runs.length = 0;
  let release2: () => void = () => undefined;
  const gate2 = new Promise<void>((r) => (release2 = r));
  const b2 = new DynamicBatcher(async (f) => (model.runs.length === 0 ? (await gate2, model.run(f)) : model.run(f)), { maxBatchSize: 8, maxDelayMs: 0 }, 1, quiet);
  b2.limitRows(1);
  const head = b2.run(rows([[0]]), undefined);
  const rest = [1, 2, 3, 4].map((v) => b2.run(rows([[v]]), undefined));
  b2.limitRows(undefined);
  release2();
  await Promise.all([head, ...rest]);
  assert.deepEqual(model.runs, [1, 4], 'with the limit lifted, the queue forms one batch again');
});

test('a group that was full under a lower row limit still runs within maxDelayMs once the limit is raised', async () => {
  const model = doubler();
  let release: () => void = () => undefined;
  const gate = new Promise<void>((r) => (release = r));
  const b = new DynamicBatcher(async (f) => (model.runs.length === 0 ? (await gate, model.run(f)) : model.run(f)), { maxBatchSize: 8, maxDelayMs: 20 }, 1, quiet);
  b.limitRows(1);
  const first = b.run(rows([[1]]), undefined); // full at once under a limit of 1: it runs, and holds the runner
  const second = b.run(rows([[2]]), undefined); // full too, but the runner is busy: queued with no timer
  b.limitRows(4); // now it waits for company, at most maxDelayMs
  release();
  await first;
  const out = await Promise.race([second, new Promise<'stranded'>((r) => setTimeout(() => r('stranded'), 5_000).unref())]);
  assert.notEqual(out, 'stranded', 'the queued request ran');
  assert.deepEqual(model.runs, [1, 1]);
});

test('a request larger than a batch runs in batch-sized chunks, and a small request is answered before it', async () => {
  const model = doubler();
  const sizes: number[] = [];
  const b = new DynamicBatcher(async (f) => {
    sizes.push(f.x?.dims[0] ?? 0);
    await new Promise((r) => setImmediate(r));
    return model.run(f);
  }, { maxBatchSize: 2, maxDelayMs: 0 }, 1, quiet);
  const finished: string[] = [];
  const big = b.run(rows([[1], [2], [3], [4], [5], [6]]), undefined).then((out) => {
    finished.push('big');
    return out;
  });
  await new Promise((r) => setImmediate(r));
  const small = b.run(rows([[7]]), undefined).then(() => finished.push('small'));
  const [out] = await Promise.all([big, small]);
  assert.deepEqual(Array.from(out.y?.data as Float32Array), [2, 4, 6, 8, 10, 12], 'the chunks are put back together in order');
  assert.ok(sizes.every((n) => n <= 2), `no run holds more than a batch: ${sizes.join(',')}`);
  assert.deepEqual(finished, ['small', 'big']);
});

/** A model whose runs each wait until the test releases them, in any order; records the rows of each run. */
function heldModel(): { runs: number[]; release(index: number): void; run: (feeds: Feeds) => Promise<Feeds> } {
  const model = doubler();
  const releases: (() => void)[] = [];
  const runs: number[] = [];
  return {
    runs,
    release: (index) => releases[index]?.(),
    run: async (feeds) => {
      runs.push(feeds.x?.dims[0] ?? 0);
      await new Promise<void>((r) => releases.push(r));
      return model.run(feeds);
    },
  };
}

const settle = (): Promise<void> => new Promise((r) => setImmediate(r));

test('with two runners, the one that comes free takes its share of the queue, not all of it', async () => {
  const model = heldModel();
  const b = new DynamicBatcher((f) => model.run(f), { maxBatchSize: 8, maxDelayMs: 0 }, 2, quiet);
  const answers = [1, 2, 3, 4, 5, 6, 7, 8].map((v) => b.run(rows([[v]]), undefined));
  await settle();
  // The first two start at once, one row each; six wait.
  assert.deepEqual(model.runs, [1, 1]);
  model.release(0);
  await settle();
  // The first runner is free again while the second is busy: half the queue, the rest for whichever is free next.
  assert.deepEqual(model.runs, [1, 1, 3]);
  model.release(1);
  await settle();
  assert.deepEqual(model.runs, [1, 1, 3, 2]);
  model.release(2);
  await settle();
  assert.deepEqual(model.runs, [1, 1, 3, 2, 1]);
  model.release(3);
  model.release(4);
  const out = await Promise.all(answers);
  assert.deepEqual(out.map(plain), [[2], [4], [6], [8], [10], [12], [14], [16]], 'each request still gets its own rows');
});

test('runners that come free together split the queue between them, even when waiting for company', async () => {
  const model = heldModel();
  // A full group (maxBatchSize rows) is due at once, whatever maxDelayMs says: both runners take half.
  const b = new DynamicBatcher((f) => model.run(f), { maxBatchSize: 6, maxDelayMs: forever }, 2, quiet);
  const answers = [1, 2, 3, 4, 5, 6].map((v) => b.run(rows([[v]]), undefined));
  await settle();
  assert.deepEqual(model.runs, [3, 3]);
  model.release(0);
  model.release(1);
  assert.deepEqual((await Promise.all(answers)).map(plain), [[2], [4], [6], [8], [10], [12]]);
  // One runner (the main thread): the whole queue, as before.
  const alone = heldModel();
  const one = new DynamicBatcher((f) => alone.run(f), { maxBatchSize: 6, maxDelayMs: forever }, 1, quiet);
  const more = [1, 2, 3, 4, 5, 6].map((v) => one.run(rows([[v]]), undefined));
  await settle();
  assert.deepEqual(alone.runs, [6]);
  alone.release(0);
  await Promise.all(more);
});

test('the rest of a shared queue runs as soon as a runner is free, even after its timer has fired', async () => {
  const model = heldModel();
  // Waiting for company (maxDelayMs) with both runners busy: the group's timer fires while there is no room.
  const b = new DynamicBatcher((f) => model.run(f), { maxBatchSize: 8, maxDelayMs: 30 }, 2, quiet);
  const first = [b.run(rows([[1]]), undefined, true), b.run(rows([[2]]), undefined, true)];
  await settle();
  assert.deepEqual(model.runs, [1, 1], 'both runners busy');
  const queued = [b.run(rows([[3]]), undefined)];
  await new Promise((r) => setTimeout(r, 15));
  queued.push(b.run(rows([[4]]), undefined), b.run(rows([[5]]), undefined));
  await new Promise((r) => setTimeout(r, 20));
  assert.deepEqual(model.runs, [1, 1], 'no room when the timer fired');
  model.release(0);
  model.release(1);
  await settle();
  // The first runner to come free took its share (2 of 3); the rest went to the other at once, not once its own
  // request had waited maxDelayMs (no timer is armed, and no other request comes to start a pump).
  assert.deepEqual(model.runs, [1, 1, 2, 1]);
  model.release(2);
  model.release(3);
  assert.deepEqual((await Promise.all([...first, ...queued])).map(plain), [[2], [4], [6], [8], [10]]);
});

test('which signatures can be batched', () => {
  const t = (name: string, shape: Array<number | string | null>): { name: string; type: 'float32'; shape: Array<number | string | null> } => ({ name, type: 'float32', shape });
  assert.equal(unbatchableReason({ inputs: [t('x', ['batch', 3])], outputs: [t('y', ['n', 2])] }), undefined);
  assert.equal(unbatchableReason({ inputs: [t('x', [null, 3])], outputs: [t('y', [null])] }), undefined);
  assert.match(unbatchableReason({ inputs: [t('x', [1, 3])], outputs: [t('y', ['n', 2])] }) ?? '', /'x' has no dynamic first dimension/);
  assert.match(unbatchableReason({ inputs: [t('x', ['batch', 3])], outputs: [t('y', [2])] }) ?? '', /'y'/);
  assert.match(unbatchableReason({ inputs: [t('a', ['n', 3]), t('b', ['m', 3])], outputs: [t('y', ['n'])] }) ?? '', /share one named first dimension/);
  assert.equal(unbatchableReason({ inputs: [t('a', ['n', 3]), t('b', ['n', 3])], outputs: [t('y', ['n'])] }), undefined);
});

test('runtime options: flags win over the environment, and the off switch', () => {
  const share = { cores: 4, processes: 1 };
  const defaults = resolveRuntimeOptions({}, {}, share);
  assert.deepEqual(defaults, { intraOpThreads: 1, graphOptimizationLevel: 'all', batching: { maxBatchSize: 32, maxDelayMs: 0 }, workers: 'auto', autoWorkers: 4 });
  const env = { MODELPORT_MAX_BATCH_SIZE: '16', MODELPORT_MAX_BATCH_DELAY_MS: '2', MODELPORT_INTRA_OP_THREADS: '2', MODELPORT_INFERENCE_WORKERS: '1', MODELPORT_GRAPH_OPTIMIZATION: 'basic' };
  assert.deepEqual(resolveRuntimeOptions({}, env, share), { intraOpThreads: 2, graphOptimizationLevel: 'basic', batching: { maxBatchSize: 16, maxDelayMs: 2 }, workers: 1, autoWorkers: 4 });
  // Server processes share the cores: 'auto' gives each its share, never less than one thread.
  assert.equal(resolveRuntimeOptions({}, {}, { cores: 4, processes: 2 }).autoWorkers, 2);
  assert.equal(resolveRuntimeOptions({}, {}, { cores: 2, processes: 4 }).autoWorkers, 1);
  assert.equal(resolveRuntimeOptions({ workers: 'auto' }, { MODELPORT_INFERENCE_WORKERS: '2' }, share).workers, 'auto');
  assert.equal(resolveRuntimeOptions({ workers: '0' }, {}, share).workers, 0);
  assert.throws(() => resolveRuntimeOptions({ workers: 'some' }, {}, share), (e: unknown) => e instanceof ConfigError && /--inference-workers/.test(e.message));
  assert.equal(resolveRuntimeOptions({ maxBatchSize: '64' }, env).batching.maxBatchSize, 64);
  assert.equal(resolveRuntimeOptions({ batching: false }, env).batching.maxBatchSize, 1);
  assert.equal(resolveRuntimeOptions({}, { MODELPORT_BATCHING: 'off' }).batching.maxBatchSize, 1);
  assert.throws(() => resolveRuntimeOptions({ maxBatchSize: '0' }, {}), (e: unknown) => e instanceof ConfigError && /--max-batch-size/.test(e.message));
  assert.throws(() => resolveRuntimeOptions({}, { MODELPORT_GRAPH_OPTIMIZATION: 'max' }), ConfigError);
});
