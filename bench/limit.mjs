/* global performance */
// The limit: onnxruntime-node running a model in process, back to back, no HTTP. For each batch size, runs for
// `ms` milliseconds after a warm-up and reports samples per second. Prints one JSON line.
// Usage: node bench/limit.mjs <model.onnx> <threads> <ms> <batch sizes comma-separated> [row shape, e.g. 3,48,192] [concurrent runs] [worker threads]
// With concurrent runs k > 1, k session.run calls are kept in flight on the one session, the way a server with
// several requests at once would use it (onnxruntime-node runs each synchronously in a setImmediate callback, so on
// one thread they take turns). With worker threads w > 0, w threads of this process each open their own session and
// run back to back at the same time: the other way one process can use several cores.
import { createRequire } from 'node:module';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';

const require = createRequire(import.meta.url);
const ort = require('onnxruntime-node');

const [file, threadsArg, msArg, sizesArg, rowShapeArg, concurrentArg, workersArg] = isMainThread ? process.argv.slice(2) : workerData.argv;
const concurrent = Number(concurrentArg ?? 1);
const workers = Number(workersArg ?? 0);
const threads = Number(threadsArg ?? 1);
const ms = Number(msArg ?? 400);
const sizes = (sizesArg ?? '1,8,32').split(',').map(Number);

if (isMainThread && workers > 0) {
  // w copies of this script, one per worker thread, measured over the same window; their rows/s add up.
  const started = Array.from({ length: workers }, () => new Worker(new URL(import.meta.url), { workerData: { argv: [file, threadsArg, msArg, sizesArg, rowShapeArg, concurrentArg, '0'] } }));
  const all = await Promise.all(started.map((w) => new Promise((resolve, reject) => {
    w.once('message', resolve);
    w.once('error', reject);
  })));
  const results = all[0].results.map((r, i) => ({ batch: r.batch, msPerRun: r.msPerRun, samplesPerSecond: all.reduce((a, x) => a + x.results[i].samplesPerSecond, 0) }));
  process.stdout.write(JSON.stringify({ file, threads: Number(threadsArg ?? 1), concurrent, workers, results }) + '\n');
  process.exit(0);
}

const session = await ort.InferenceSession.create(file, {
  intraOpNumThreads: threads,
  interOpNumThreads: 1,
  executionMode: 'sequential',
  graphOptimizationLevel: 'all',
});
const meta = session.inputMetadata[0];
const rowShape = rowShapeArg && rowShapeArg !== '-' ? rowShapeArg.split(',').map(Number) : meta.shape.slice(1);
const perRow = rowShape.reduce((a, d) => a * d, 1);
const results = [];
for (const batch of sizes) {
  const data = new Float32Array(batch * perRow);
  for (let i = 0; i < data.length; i++) data[i] = (i % 97) / 97;
  const tensor = new ort.Tensor('float32', data, [batch, ...rowShape]);
  const feeds = { [meta.name]: tensor };
  const warmUntil = performance.now() + Math.min(150, ms / 2);
  while (performance.now() < warmUntil) await session.run(feeds);
  let runs = 0;
  const t0 = performance.now();
  const lane = async () => {
    while (performance.now() - t0 < ms) {
      await session.run(feeds);
      runs += 1;
    }
  };
  await Promise.all(Array.from({ length: concurrent }, lane));
  const elapsed = performance.now() - t0;
  results.push({ batch, msPerRun: elapsed / runs, samplesPerSecond: (batch * runs * 1000) / elapsed });
}
await session.release();
if (isMainThread) process.stdout.write(JSON.stringify({ file, threads, concurrent, results }) + '\n');
else parentPort.postMessage({ results });
