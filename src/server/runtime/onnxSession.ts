// One onnxruntime session per model, opened once at start-up, with its signature read from the session. Runs go
// through a dynamic batcher when the model's first dimension is dynamic and batching is on; otherwise straight to
// onnxruntime, with nothing in between.
import type * as OrtModule from 'onnxruntime-node';
import type { InferenceSession, Tensor } from 'onnxruntime-node';
import { ConfigError, errorMessage } from '../../core/errors';
import type { Dim, ModelSignature, OnnxElementType, TensorSpec } from '../../core/onnx/signature';
import type { TensorValue } from '../../core/onnx/tensorData';
import { DynamicBatcher, rowsOf, unbatchableReason, type BatchObserver, type Feeds, type RunFn } from './dynamicBatcher';
import { LoopHoldWatch, watchLoopHold } from './inferencePlacement';
import { SessionWorkers, type WorkerSessionOptions } from './sessionWorkers';
import type { RuntimeOptions } from './sessionOptions';

const supportedTypes: ReadonlySet<string> = new Set<OnnxElementType>([
  'float32', 'float64', 'float16', 'int8', 'int16', 'int32', 'int64', 'uint8', 'uint16', 'uint32', 'uint64', 'bool', 'string',
]);

export type Ort = typeof OrtModule;
let ortModule: Ort | undefined;

/** Loaded on first use: onnxruntime's native module is large and the CLI's other verbs never need it. */
export async function loadOrt(): Promise<Ort> {
  ortModule ??= await import('onnxruntime-node');
  return ortModule;
}

function ort(): Ort {
  if (!ortModule) throw new Error('onnxruntime is used before loadOrt() finished.');
  return ortModule;
}

function toDim(d: number | string): Dim {
  if (typeof d === 'string') return d === '' ? null : d;
  return d < 0 ? null : d;
}

function toSpecs(file: string, meta: readonly InferenceSession.ValueMetadata[]): TensorSpec[] {
  return meta.map((m) => {
    if (!m.isTensor) throw new ConfigError(`Model ${file}: '${m.name}' is not a tensor; only tensor inputs and outputs can be served.`, file);
    if (!supportedTypes.has(m.type)) throw new ConfigError(`Model ${file}: '${m.name}' has element type ${m.type}, which Modelport cannot serve yet.`, file);
    return { name: m.name, type: m.type as OnnxElementType, shape: m.shape.map(toDim) };
  });
}

export interface SessionLog {
  info(message: string): void;
  warn(message: string): void;
}

export class OnnxSession {
  private readonly batcher: DynamicBatcher | undefined;
  private execute: RunFn;
  private log: SessionLog | undefined;
  /** Told how many worker threads run the model, now and whenever that changes (/metrics). */
  private threads: ((count: number) => void) | undefined;
  /** Set while runs are on the main thread and may still move to workers ('auto'). */
  private watch: LoopHoldWatch | undefined;
  /** Workers being started for a model that moved; close() waits for them so none is left behind. */
  private moving: Promise<void> | undefined;
  private closed = false;
  /** Why this model's runs are not batched (batching off, or no dynamic first dimension), for the log. */
  readonly unbatchedBecause: string | undefined;

  private constructor(
    readonly file: string,
    private readonly session: InferenceSession,
    readonly signature: ModelSignature,
    private readonly options: RuntimeOptions,
    private readonly sessionOptions: WorkerSessionOptions,
    private workers: SessionWorkers | undefined,
  ) {
    if (workers) {
      this.execute = (feeds, names, owned) => workers.run(feeds, names, owned);
    } else if (options.workers === 'auto') {
      this.watch = new LoopHoldWatch(options.heavyRunMs);
      // Watched until it moves (or is judged for good); meanwhile, and while workers start, it runs here.
      this.execute = (feeds, names) => (this.watch ? watchLoopHold(() => this.runHere(feeds, names), (ms) => this.held(ms, rowsOf(feeds))) : this.runHere(feeds, names));
    } else {
      this.execute = (feeds, names) => this.runHere(feeds, names);
    }
    const reason = options.batching.maxBatchSize <= 1 ? 'batching is off' : unbatchableReason(signature);
    this.unbatchedBecause = reason;
    if (reason === undefined) {
      // On the main thread one batch runs at a time and the next gathers meanwhile; with workers, one per worker.
      this.batcher = new DynamicBatcher((feeds, names, owned) => this.execute(feeds, names, owned), options.batching, workers?.size ?? 1, { warn: (m) => this.log?.warn(`${file}: ${m}`) });
    }
  }

  /** Worker threads running this model now; 0 while it runs on the main thread. */
  get inferenceWorkers(): number {
    return this.workers?.size ?? 0;
  }

  private held(ms: number, rows: number | undefined): void {
    if (!this.watch) return;
    // The bound stays as it is once the model moves, until the workers take over (they lift it).
    this.batcher?.limitRows(this.watch.rowLimit(ms, rows));
    const shortest = this.watch.record(ms);
    if (shortest === undefined || this.closed) return;
    this.watch = undefined;
    // Each worker runs intra-op threads of its own: together they must not outnumber this process's cores (spinning
    // onnxruntime threads on too few cores starve each other and the event loop: 4 threads on 2 cores ran the
    // PP-OCRv4 recogniser at a third of the rate of 2).
    const count = Math.max(1, Math.floor(this.options.autoWorkers / Math.max(1, this.options.intraOpThreads)));
    this.log?.info(
      `${this.file}: its runs hold the event loop for ${shortest.toFixed(1)} ms or more (each of the last 5), so health probes and other requests wait that long: moving its runs to ${count} worker thread(s) (--inference-workers N or 0 sets this).`,
    );
    this.moving = SessionWorkers.start(this.file, count, this.sessionOptions).then(
      async (workers) => {
        if (this.closed) return workers.close();
        this.workers = workers;
        this.execute = (feeds, names, owned) => workers.run(feeds, names, owned);
        this.batcher?.limitRows(undefined);
        this.batcher?.setCapacity(workers.size);
        this.threads?.(workers.size);
        this.log?.info(`${this.file}: runs now go to ${workers.size} worker thread(s).`);
      },
      (err: unknown) => {
        // The main thread still serves it (with the watch gone, execute runs here unwatched): slower under load,
        // but nothing is lost.
        this.log?.warn(`${this.file}: its runs stay on the main thread, the worker threads could not start: ${errorMessage(err)}`);
      },
    );
  }

  /** Where batch sizes and queue delays go (the service's metrics), and where the batcher's warnings go. */
  instrument(observer: BatchObserver, log: SessionLog, threads?: (count: number) => void): void {
    this.log = log;
    this.threads = threads;
    threads?.(this.inferenceWorkers);
    this.batcher?.observe(observer);
  }

  static async open(file: string, options: RuntimeOptions): Promise<OnnxSession> {
    const sessionOptions = {
      intraOpNumThreads: options.intraOpThreads,
      interOpNumThreads: 1,
      graphOptimizationLevel: options.graphOptimizationLevel,
      executionMode: 'sequential' as const,
    } satisfies WorkerSessionOptions;
    let session: InferenceSession;
    try {
      session = await (await loadOrt()).InferenceSession.create(file, sessionOptions);
    } catch (err) {
      throw new ConfigError(`Model ${file} could not be loaded by onnxruntime: ${errorMessage(err)}`, file, undefined, { cause: err });
    }
    const signature = { inputs: toSpecs(file, session.inputMetadata), outputs: toSpecs(file, session.outputMetadata) };
    let workers: SessionWorkers | undefined;
    if (options.workers !== 'auto' && options.workers > 0) {
      try {
        workers = await SessionWorkers.start(file, options.workers, sessionOptions);
      } catch (err) {
        await session.release();
        throw new ConfigError(errorMessage(err), file, undefined, { cause: err });
      }
    }
    return new OnnxSession(file, session, signature, options, sessionOptions, workers);
  }

  /** The raw session, for entry scripts that want onnxruntime's own API. */
  get inferenceSession(): InferenceSession {
    return this.session;
  }

  /** Feeds must already fit the signature: a request that fails validation never reaches a batch. */
  run(feeds: Feeds, outputNames?: readonly string[]): Promise<Feeds> {
    return this.batcher ? this.batcher.run(feeds, outputNames) : this.execute(feeds, outputNames);
  }

  /**
   * One run that skips the batcher: start-up warm-up must not wait for a batch to fill, nor count in its metrics.
   * It pays onnxruntime's lazy start-up, so it is not a run to judge the model's cost by either.
   */
  async warmUp(feeds: Feeds): Promise<void> {
    await (this.workers ? this.execute(feeds, undefined) : this.runHere(feeds, undefined));
  }

  private async runHere(feeds: Feeds, outputNames: readonly string[] | undefined): Promise<Feeds> {
    const Tensor = ort().Tensor;
    const ortFeeds: Record<string, Tensor> = {};
    for (const [name, v] of Object.entries(feeds)) {
      ortFeeds[name] = new Tensor(v.type, v.data as Tensor.DataType, v.dims);
    }
    const results = outputNames ? await this.session.run(ortFeeds, outputNames) : await this.session.run(ortFeeds);
    const out: Feeds = {};
    for (const [name, t] of Object.entries(results)) {
      out[name] = { type: t.type as OnnxElementType, dims: [...t.dims], data: t.data as TensorValue['data'] };
      t.dispose();
    }
    return out;
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.moving;
    await this.workers?.close();
    await this.session.release();
  }
}
