// Dynamic batching over real loopback HTTP with real onnxruntime sessions. Batches are made deterministic with a
// very long queue delay: a batch then starts only when it is full, so the tests know which requests share a run
// without depending on timing. They check results, statuses and /metrics, never speed.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join, resolve } from 'node:path';
import { readFileSync, readdirSync } from 'node:fs';
import { onnx } from 'onnx-proto';
import { buildIdentityModel, createModelDir, encodeModel, valueInfo, type ModelDir } from '../helpers/onnxModels';
import { json, startService, type RunningService } from '../helpers/startService';
import type { RuntimeFlags } from '../../src/server/runtime/sessionOptions';

const root = resolve(__dirname, '../..');
const fashionDir = join(root, 'samples/fashion-mnist');
/** Long enough that no batch in these tests starts because of it: batches start when full. */
const forever = '600000';

let dir: ModelDir;
let identity: string;
let identityHW: string;
let gather: string;

/** `y = Gather([10, 20, 30], idx)`: an index past 2 makes onnxruntime fail the run, with a valid tensor. */
function buildGatherModel(): Uint8Array {
  return encodeModel({
    name: 'gather',
    initializer: [{ name: 'table', dataType: onnx.TensorProto.DataType.FLOAT, dims: [3], floatData: [10, 20, 30] }],
    node: [{ opType: 'Gather', input: ['table', 'idx'], output: ['y'], name: 'gather' }],
    input: [valueInfo('idx', 'int64', ['batch'])],
    output: [valueInfo('y', 'float32', ['batch'])],
  });
}

before(async () => {
  dir = await createModelDir('modelport-batching-');
  identity = await dir.write('identity.onnx', buildIdentityModel('float32'));
  identityHW = await dir.write('identity_hw.onnx', buildIdentityModel('float32', { shape: ['batch', 'w'] }));
  gather = await dir.write('gather.onnx', buildGatherModel());
});

after(async () => {
  await dir.remove();
});

async function serve(model: string, runtime: RuntimeFlags): Promise<RunningService> {
  return startService({ model: [model], runtime });
}

function v2(svc: RunningService, model: string, body: unknown): Promise<Response> {
  return fetch(`${svc.url}/v2/models/${model}/infer`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

function score(svc: RunningService, body: unknown): Promise<Response> {
  return fetch(`${svc.url}/score`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

function row(i: number): number[] {
  return [i, i + 0.25, -1 - i];
}

async function v2Data(res: Response): Promise<unknown> {
  const body = (await json(res)) as { outputs: Array<{ data: unknown; shape: number[] }> };
  return { data: body.outputs[0]?.data, shape: body.outputs[0]?.shape };
}

/** The batch-size histogram of a model, read from /metrics: runs, rows, and runs of at most `le` rows. */
async function batchMetrics(svc: RunningService, model: string, le = 1): Promise<{ runs: number; rows: number; atMost: number; present: boolean }> {
  const text = await (await fetch(`${svc.url}/metrics`)).text();
  const find = (re: RegExp): number | undefined => {
    const m = re.exec(text);
    return m ? Number(m[1]) : undefined;
  };
  const label = `model="${model}"`;
  const runs = find(new RegExp(`modelport_batch_size_count\\{${label}\\} (\\S+)`));
  return {
    present: runs !== undefined,
    runs: runs ?? 0,
    rows: find(new RegExp(`modelport_batch_size_sum\\{${label}\\} (\\S+)`)) ?? 0,
    atMost: find(new RegExp(`modelport_batch_size_bucket\\{le="${le}",${label}\\} (\\S+)`)) ?? 0,
  };
}

test('concurrent requests from both protocols share one run and each gets its own rows back', async () => {
  const svc = await serve(identity, { maxBatchSize: '8', maxBatchDelayMs: forever });
  try {
    // Eight single-row requests, half through /score and half through /v2: the batch is full only when all
    // eight have arrived, so they necessarily share one run.
    const answers = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        i % 2 === 0
          ? score(svc, { data: [row(i)] }).then(async (r) => ({ status: r.status, body: await json(r) }))
          : v2(svc, 'identity', { inputs: [{ name: 'x', shape: [1, 3], datatype: 'FP32', data: row(i) }] }).then(async (r) => ({ status: r.status, body: await v2Data(r) })),
      ),
    );
    answers.forEach((a, i) => {
      assert.equal(a.status, 200, `request ${i}`);
      if (i % 2 === 0) assert.deepEqual(a.body, { y: [row(i)] }, `request ${i}`);
      else assert.deepEqual(a.body, { data: row(i), shape: [1, 3] }, `request ${i}`);
    });
    const m = await batchMetrics(svc, 'identity:1', 8);
    assert.deepEqual({ runs: m.runs, rows: m.rows }, { runs: 1, rows: 8 });
  } finally {
    await svc.close();
  }
});

test('requests of several rows are split back by their row ranges', async () => {
  const svc = await serve(identity, { maxBatchSize: '6', maxBatchDelayMs: forever });
  try {
    const sizes = [1, 3, 2];
    let next = 0;
    const requests = sizes.map((n) => Array.from({ length: n }, () => row(next++)));
    const answers = await Promise.all(requests.map((rows) => score(svc, { data: rows }).then(async (r) => ({ status: r.status, body: await json(r) }))));
    answers.forEach((a, i) => assert.deepEqual(a, { status: 200, body: { y: requests[i] } }));
    assert.deepEqual(await batchMetrics(svc, 'identity:1', 8).then((m) => [m.runs, m.rows]), [1, 6]);
  } finally {
    await svc.close();
  }
});

test('bad requests get their 400 at once and never join a batch; the good ones get their answers', async () => {
  const svc = await serve(identity, { maxBatchSize: '3', maxBatchDelayMs: forever });
  try {
    // If a bad request joined the batch, it would be full before the three good rows and someone would get
    // the wrong answer; if bad requests waited in it, they would hang.
    const bad = [
      score(svc, { data: [[1, 2]] }),
      score(svc, { data: [[1, 'two', 3]] }),
      v2(svc, 'identity', { inputs: [{ name: 'x', shape: [1, 3], datatype: 'INT32', data: [1, 2, 3] }] }),
      v2(svc, 'identity', { inputs: [{ name: 'x', shape: [1, 3], datatype: 'FP32', data: [1, 2] }] }),
    ];
    const badAnswers = await Promise.all(bad.map(async (p) => (await p).status));
    assert.deepEqual(badAnswers, [400, 400, 400, 400]);
    const good = await Promise.all([0, 1, 2].map((i) => score(svc, { data: [row(i)] }).then(async (r) => ({ status: r.status, body: await json(r) }))));
    good.forEach((a, i) => assert.deepEqual(a, { status: 200, body: { y: [row(i)] } }));
    assert.deepEqual(await batchMetrics(svc, 'identity:1', 8).then((m) => [m.runs, m.rows]), [1, 3]);
  } finally {
    await svc.close();
  }
});

test('a model run that fails inside a batch fails only the request that caused it', async () => {
  const svc = await serve(gather, { maxBatchSize: '3', maxBatchDelayMs: forever });
  try {
    const ask = (idx: number): Promise<{ status: number; body: unknown }> =>
      v2(svc, 'gather', { inputs: [{ name: 'idx', shape: [1], datatype: 'INT64', data: [idx] }] }).then(async (r) => ({ status: r.status, body: await json(r) }));
    const [a, b, c] = await Promise.all([ask(0), ask(7), ask(2)]);
    assert.equal(a?.status, 200);
    assert.deepEqual((a?.body as { outputs: Array<{ data: number[] }> }).outputs[0]?.data, [10]);
    assert.equal(b?.status, 500);
    assert.ok('error' in (b?.body as object));
    assert.equal(c?.status, 200);
    assert.deepEqual((c?.body as { outputs: Array<{ data: number[] }> }).outputs[0]?.data, [30]);
    // The batch of three ran once and failed; then each request ran alone.
    const m = await batchMetrics(svc, 'gather:1', 1);
    assert.equal(m.runs, 1);
    assert.equal(m.rows, 3);
  } finally {
    await svc.close();
  }
});

test('a lone request is released by the queue delay', async () => {
  const svc = await serve(identity, { maxBatchSize: '64', maxBatchDelayMs: '20' });
  try {
    const res = await score(svc, { data: [row(5)] });
    assert.equal(res.status, 200);
    assert.deepEqual(await json(res), { y: [row(5)] });
    const text = await (await fetch(`${svc.url}/metrics`)).text();
    assert.match(text, /modelport_batch_queue_seconds_count\{model="identity:1"\} 1/);
  } finally {
    await svc.close();
  }
});

test('no run holds more rows than the maximum batch size', async () => {
  const svc = await serve(identity, { maxBatchSize: '4', maxBatchDelayMs: forever });
  try {
    const answers = await Promise.all(Array.from({ length: 12 }, (_, i) => score(svc, { data: [row(i)] }).then(async (r) => ({ status: r.status, body: await json(r) }))));
    answers.forEach((a, i) => assert.deepEqual(a, { status: 200, body: { y: [row(i)] } }));
    const m = await batchMetrics(svc, 'identity:1', 4);
    assert.equal(m.rows, 12);
    assert.equal(m.runs, 3);
    assert.equal(m.atMost, m.runs, 'every run held at most 4 rows');
    // A request larger than the limit is neither refused nor held: it runs as batch-sized chunks.
    const big = Array.from({ length: 6 }, (_, i) => row(i));
    const res = await score(svc, { data: big });
    assert.deepEqual(await json(res), { y: big });
  } finally {
    await svc.close();
  }
});

test('only requests that agree on the other dimensions share a run', async () => {
  const svc = await serve(identityHW, { maxBatchSize: '2', maxBatchDelayMs: forever });
  try {
    const ask = (values: number[]): Promise<unknown> =>
      v2(svc, 'identity_hw', { inputs: [{ name: 'x', shape: [1, values.length], datatype: 'FP32', data: values }] }).then(v2Data);
    const inputs = [[1, 2], [3, 4, 5], [6, 7], [8, 9, 10]];
    const answers = await Promise.all(inputs.map(ask));
    answers.forEach((a, i) => assert.deepEqual(a, { data: inputs[i], shape: [1, inputs[i]?.length] }));
    // Two runs of two rows each: the widths never mixed (a mixed batch could not even be built).
    assert.deepEqual(await batchMetrics(svc, 'identity_hw:1', 2).then((m) => [m.runs, m.rows, m.atMost]), [2, 4, 2]);
  } finally {
    await svc.close();
  }
});

test('with batching off every request runs alone and no batch series appears', async () => {
  const svc = await serve(identity, { batching: false, maxBatchSize: '8', maxBatchDelayMs: forever });
  try {
    const answers = await Promise.all(Array.from({ length: 6 }, (_, i) => score(svc, { data: [row(i)] }).then(async (r) => ({ status: r.status, body: await json(r) }))));
    answers.forEach((a, i) => assert.deepEqual(a, { status: 200, body: { y: [row(i)] } }));
    assert.equal((await batchMetrics(svc, 'identity:1')).present, false);
  } finally {
    await svc.close();
  }
});

test('image requests batch too, on a worker thread, and each gets its own label', async () => {
  const files = readdirSync(join(fashionDir, 'images')).filter((f) => f.endsWith('.png')).slice(0, 4);
  const expected = JSON.parse(readFileSync(join(fashionDir, 'images/expected.json'), 'utf8')) as Record<string, string>;
  const svc = await serve(fashionDir, { maxBatchSize: String(files.length), maxBatchDelayMs: forever, workers: '1' });
  try {
    const answers = await Promise.all(
      files.map(async (f) => {
        const res = await fetch(`${svc.url}/score`, { method: 'POST', headers: { 'content-type': 'image/png' }, body: readFileSync(join(fashionDir, 'images', f)) });
        return { status: res.status, body: (await json(res)) as { predictions: Array<Array<{ label: string }>> } };
      }),
    );
    answers.forEach((a, i) => {
      const file = files[i] as string;
      assert.equal(a.status, 200, file);
      assert.equal(a.body.predictions.length, 1, file);
      assert.equal(a.body.predictions[0]?.[0]?.label, expected[file], file);
    });
    assert.deepEqual(await batchMetrics(svc, 'fashion-mnist:1', 8).then((m) => [m.runs, m.rows]), [1, files.length]);
    // /metrics says where the model runs: one worker thread here.
    assert.match(await (await fetch(`${svc.url}/metrics`)).text(), /modelport_inference_threads\{model="fashion-mnist:1"\} 1\n/);
  } finally {
    await svc.close();
  }
});
