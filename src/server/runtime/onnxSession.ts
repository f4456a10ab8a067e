// One onnxruntime session per model, opened once at start-up, with its signature read from the session. Runs go
// through a dynamic batcher when the model's first dimension is dynamic and batching is on; otherwise straight to
// onnxruntime, with nothing in between.
import type * as OrtModule from 'onnxruntime-node';
import type { InferenceSession, Tensor } from 'onnxruntime-node';
import { ConfigError, errorMessage } from '../../core/errors';
import type { Dim, ModelSignature, OnnxElementType, TensorSpec } from '../../core/onnx/signature';
import type { TensorValue } from '../../core/onnx/tensorData';
import { DynamicBatcher, unbatchableReason, type BatchObserver, type Feeds, type RunFn } from './dynamicBatcher';
import { SessionWorkers } from './sessionWorkers';
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
  private readonly execute: RunFn;
  private log: SessionLog | undefined;
  /** Why this model's runs are not batched (batching off, or no dynamic first dimension), for the log. */
  readonly unbatchedBecause: string | undefined;

  private constructor(
    readonly file: string,
    private readonly session: InferenceSession,
    readonly signature: ModelSignature,
    options: RuntimeOptions,
    private readonly workers: SessionWorkers | undefined,
  ) {
    this.execute = workers ? (feeds, names) => workers.run(feeds, names) : (feeds, names) => this.runHere(feeds, names);
    const reason = options.batching.maxBatchSize <= 1 ? 'batching is off' : unbatchableReason(signature);
    this.unbatchedBecause = reason;
    if (reason === undefined) {
      // On the main thread one batch runs at a time and the next gathers meanwhile; with workers, one per worker.
      this.batcher = new DynamicBatcher(this.execute, options.batching, workers?.size ?? 1, { warn: (m) => this.log?.warn(`${file}: ${m}`) });
    }
  }

  /** Where batch sizes and queue delays go (the service's metrics), and where the batcher's warnings go. */
  instrument(observer: BatchObserver, log: SessionLog): void {
    this.log = log;
    this.batcher?.observe(observer);
  }

  static async open(file: string, options: RuntimeOptions): Promise<OnnxSession> {
    const sessionOptions = {
      intraOpNumThreads: options.intraOpThreads,
      interOpNumThreads: 1,
      graphOptimizationLevel: options.graphOptimizationLevel,
      executionMode: 'sequential' as const,
    };
    let session: InferenceSession;
    try {
      session = await (await loadOrt()).InferenceSession.create(file, sessionOptions);
    } catch (err) {
      throw new ConfigError(`Model ${file} could not be loaded by onnxruntime: ${errorMessage(err)}`, file, undefined, { cause: err });
    }
    const signature = { inputs: toSpecs(file, session.inputMetadata), outputs: toSpecs(file, session.outputMetadata) };
    let workers: SessionWorkers | undefined;
    if (options.workers > 0) {
      try {
        workers = await SessionWorkers.start(file, options.workers, sessionOptions);
      } catch (err) {
        await session.release();
        throw new ConfigError(errorMessage(err), file, undefined, { cause: err });
      }
    }
    return new OnnxSession(file, session, signature, options, workers);
  }

  /** The raw session, for entry scripts that want onnxruntime's own API. */
  get inferenceSession(): InferenceSession {
    return this.session;
  }

  /** Feeds must already fit the signature: a request that fails validation never reaches a batch. */
  run(feeds: Feeds, outputNames?: readonly string[]): Promise<Feeds> {
    return this.batcher ? this.batcher.run(feeds, outputNames) : this.execute(feeds, outputNames);
  }

  /** One run that skips the batcher: start-up warm-up must not wait for a batch to fill, nor count in its metrics. */
  async warmUp(feeds: Feeds): Promise<void> {
    await this.execute(feeds, undefined);
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
    await this.workers?.close();
    await this.session.release();
  }
}
