// Model runs on worker threads, each with its own onnxruntime session of the same model, so that a long run never
// holds up the event loop (health, metrics, request parsing). onnxruntime-node's `session.run` is synchronous on
// the calling thread, so on the main thread a 50 ms model means 50 ms without answers. The price: one more copy of
// the model in memory per worker, a start-up cost per worker, and a message round trip per run (structured clone
// of inputs and outputs), which is why the main thread stays the default for small models (see BENCHMARKS.md).
import { Worker } from 'node:worker_threads';
import { ModelportError, errorMessage } from '../../core/errors';
import type { Feeds } from './dynamicBatcher';

// Plain CommonJS evaluated by the worker: no bundler entry to keep in sync, and onnxruntime comes from the path
// the main thread resolved, so the bundled CLI and the TypeScript sources behave alike.
const workerSource = `
const { parentPort, workerData } = require('node:worker_threads');
const ort = require(workerData.ortPath);
// On Linux a thread's nice value is its own (setpriority on 'this process' means the calling thread), and the
// threads onnxruntime starts from here inherit it: the event loop, which answers health probes and parses
// requests, comes first when the cores are busy with runs. Raising one's own nice value needs no privilege.
if (workerData.nice > 0) {
  try { require('node:os').setPriority(0, workerData.nice); } catch {}
}
let session;
ort.InferenceSession.create(workerData.file, workerData.options).then(
  (s) => { session = s; parentPort.postMessage({ ready: true }); },
  (err) => parentPort.postMessage({ ready: false, error: String((err && err.message) || err) }),
);
let active = 0;
let closing = false;
// Ending the thread while its session and its runs' buffers are alive aborts the whole process once a run has
// happened (onnxruntime-node's native finalizers throw during the thread's teardown): the runs under way finish,
// the session is released, and the thread ends by itself.
async function finish() {
  try { await session.release(); } catch {}
  session = undefined;
  parentPort.close();
}
parentPort.on('message', async (m) => {
  if (m.close) {
    closing = true;
    if (active === 0) await finish();
    return;
  }
  active += 1;
  try {
    const feeds = {};
    for (const name of Object.keys(m.feeds)) {
      const v = m.feeds[name];
      feeds[name] = new ort.Tensor(v.type, v.data, v.dims);
    }
    const results = m.outputNames ? await session.run(feeds, m.outputNames) : await session.run(feeds);
    const outputs = {};
    const transfer = [];
    for (const name of Object.keys(results)) {
      const t = results[name];
      outputs[name] = { type: t.type, dims: Array.from(t.dims), data: t.data };
      const b = ArrayBuffer.isView(t.data) ? t.data.buffer : undefined;
      // Outputs are made for this run: their buffers move to the main thread instead of being copied (megabytes
      // per row for a text recogniser), unless a view does not cover its whole buffer.
      if (b && t.data.byteOffset === 0 && t.data.byteLength === b.byteLength && !transfer.includes(b)) transfer.push(b);
    }
    try {
      parentPort.postMessage({ id: m.id, outputs }, transfer);
    } catch {
      parentPort.postMessage({ id: m.id, outputs });
    }
  } catch (err) {
    parentPort.postMessage({ id: m.id, error: String((err && err.message) || err) });
  } finally {
    active -= 1;
    if (closing && active === 0) await finish();
  }
});
`;

/**
 * How much lower than the event loop the workers' threads run (Linux only; elsewhere the whole process would drop).
 * 5 weighs a busy worker thread at a third of the loop; on the PP-OCRv4 recogniser at c=8 the health probe's p99
 * went from 95 ms (0) to 52 ms (5) and 44 ms (10) with rows/s unchanged within the noise (one run each, BENCHMARKS.md);
 * 5 rather than 10 because the same weight also applies against other programs on a machine without cgroups.
 */
const workerNice = 5;

/** How long close() lets a worker finish its run and release its session before terminating it. */
const closeGraceMs = 5_000;

interface Call {
  resolve(outputs: Feeds): void;
  reject(err: Error): void;
}

interface Slot {
  worker: Worker;
  busy: number;
  calls: Map<number, Call>;
  exited: boolean;
}

export interface WorkerSessionOptions {
  intraOpNumThreads: number;
  interOpNumThreads: number;
  graphOptimizationLevel: string;
  executionMode: 'sequential' | 'parallel';
}

export class SessionWorkers {
  private nextId = 1;
  private closing = false;

  private constructor(private readonly slots: Slot[]) {}

  get size(): number {
    return this.slots.length;
  }

  static async start(file: string, count: number, options: WorkerSessionOptions): Promise<SessionWorkers> {
    const ortPath = require.resolve('onnxruntime-node');
    const slots: Slot[] = [];
    try {
      for (let i = 0; i < count; i++) {
        const worker = new Worker(workerSource, { eval: true, workerData: { ortPath, file, options, nice: process.platform === 'linux' ? workerNice : 0 } });
        const slot: Slot = { worker, busy: 0, calls: new Map(), exited: false };
        slots.push(slot);
        await new Promise<void>((resolve, reject) => {
          worker.once('message', (m: { ready: boolean; error?: string }) => (m.ready ? resolve() : reject(new Error(m.error))));
          worker.once('error', reject);
        });
        worker.on('message', (m: { id: number; outputs?: Feeds; error?: string }) => {
          const call = slot.calls.get(m.id);
          if (!call) return;
          slot.calls.delete(m.id);
          slot.busy -= 1;
          if (slot.busy === 0) slot.worker.unref();
          if (m.outputs) call.resolve(m.outputs);
          else call.reject(new Error(m.error ?? 'the model run failed'));
        });
        worker.on('error', (err) => failAll(slot, err));
        worker.on('exit', (code) => {
          slot.exited = true;
          failAll(slot, new Error(`The inference worker stopped (exit code ${code}).`));
        });
        worker.unref();
      }
    } catch (err) {
      await Promise.all(slots.map((s) => s.worker.terminate()));
      throw new Error(`An inference worker could not open ${file}: ${errorMessage(err)}`, { cause: err });
    }
    return new SessionWorkers(slots);
  }

  /** Runs on the least busy worker. `owned` feeds (a batch's) move to it; others are copied, as they may be views on a request's body. */
  run(feeds: Feeds, outputNames: readonly string[] | undefined, owned = false): Promise<Feeds> {
    // After close() or with every worker gone, nothing would ever answer: the run fails now, so that no request
    // waits for its timeout. A stopping service closes its models only once every connection has ended, so the
    // requests still queued then are those whose clients left: a 503 (logged at debug), not an internal error.
    if (this.closing) return Promise.reject(new ModelportError('unavailable', 'The model is being unloaded (the service is stopping).'));
    const live = this.slots.filter((s) => !s.exited);
    if (live.length === 0) return Promise.reject(new Error('Every inference worker has stopped.'));
    let slot = live[0] as Slot;
    for (const s of live) if (s.busy < slot.busy) slot = s;
    const id = this.nextId++;
    // An idle worker must not keep the process alive, a busy one must: nothing else may be holding the event
    // loop open while a run is awaited (during start-up, before the server listens).
    if (slot.busy === 0) slot.worker.ref();
    slot.busy += 1;
    return new Promise<Feeds>((resolve, reject) => {
      slot.calls.set(id, { resolve, reject });
      slot.worker.postMessage({ id, feeds, outputNames }, owned ? wholeBuffers(feeds) : []);
    });
  }

  /**
   * Each worker releases its session and ends by itself; one that has not ended within `graceMs` (a run that never
   * returns) is terminated, which may abort the process (see the worker's close) but never leaves it hanging.
   */
  async close(graceMs = closeGraceMs): Promise<void> {
    this.closing = true;
    await Promise.all(
      this.slots.map(
        (s) =>
          new Promise<void>((resolve) => {
            if (s.exited) return resolve();
            const timer = setTimeout(() => void s.worker.terminate(), graceMs);
            s.worker.once('exit', () => {
              clearTimeout(timer);
              resolve();
            });
            // Kept alive until it has ended: nothing else may be holding the event loop open during a shutdown.
            s.worker.ref();
            s.worker.postMessage({ close: true });
          }),
      ),
    );
  }
}

/** The buffers that the feeds' typed arrays cover entirely: those can move to another thread without taking anything else along. */
function wholeBuffers(feeds: Feeds): ArrayBuffer[] {
  const out: ArrayBuffer[] = [];
  for (const v of Object.values(feeds)) {
    if (!ArrayBuffer.isView(v.data)) continue;
    const b = v.data.buffer;
    if (b instanceof ArrayBuffer && v.data.byteOffset === 0 && v.data.byteLength === b.byteLength && !out.includes(b)) out.push(b);
  }
  return out;
}

function failAll(slot: Slot, err: Error): void {
  for (const call of slot.calls.values()) call.reject(err);
  slot.calls.clear();
  slot.busy = 0;
  slot.worker.unref();
}
