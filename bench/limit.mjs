/* global performance */
// The limit: onnxruntime-node running a model in process, back to back, no HTTP. For each batch size, runs for
// `ms` milliseconds after a warm-up and reports samples per second. Prints one JSON line.
// Usage: node bench/limit.mjs <model.onnx> <threads> <ms> <batch sizes comma-separated> [row shape, e.g. 3,48,192]
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const ort = require('onnxruntime-node');

const [file, threadsArg, msArg, sizesArg, rowShapeArg] = process.argv.slice(2);
const threads = Number(threadsArg ?? 1);
const ms = Number(msArg ?? 400);
const sizes = (sizesArg ?? '1,8,32').split(',').map(Number);

const session = await ort.InferenceSession.create(file, {
  intraOpNumThreads: threads,
  interOpNumThreads: 1,
  executionMode: 'sequential',
  graphOptimizationLevel: 'all',
});
const meta = session.inputMetadata[0];
const rowShape = rowShapeArg ? rowShapeArg.split(',').map(Number) : meta.shape.slice(1);
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
  while (performance.now() - t0 < ms) {
    await session.run(feeds);
    runs += 1;
  }
  const elapsed = performance.now() - t0;
  results.push({ batch, msPerRun: elapsed / runs, samplesPerSecond: (batch * runs * 1000) / elapsed });
}
await session.release();
process.stdout.write(JSON.stringify({ file, threads, results }) + '\n');
