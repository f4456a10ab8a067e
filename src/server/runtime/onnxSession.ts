// One onnxruntime session per model, opened once at start-up, with its signature read from the session.
import type * as OrtModule from 'onnxruntime-node';
import type { InferenceSession, Tensor } from 'onnxruntime-node';
import { ConfigError, errorMessage } from '../../core/errors';
import type { Dim, ModelSignature, OnnxElementType, TensorSpec } from '../../core/onnx/signature';
import type { TensorValue } from '../../core/onnx/tensorData';
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

export class OnnxSession {
  private constructor(
    readonly file: string,
    private readonly session: InferenceSession,
    readonly signature: ModelSignature,
  ) {}

  static async open(file: string, options: RuntimeOptions): Promise<OnnxSession> {
    let session: InferenceSession;
    try {
      session = await (await loadOrt()).InferenceSession.create(file, {
        intraOpNumThreads: options.intraOpThreads,
        interOpNumThreads: 1,
        graphOptimizationLevel: options.graphOptimizationLevel,
        executionMode: 'sequential',
      });
    } catch (err) {
      throw new ConfigError(`Model ${file} could not be loaded by onnxruntime: ${errorMessage(err)}`, file, undefined, { cause: err });
    }
    const signature = { inputs: toSpecs(file, session.inputMetadata), outputs: toSpecs(file, session.outputMetadata) };
    return new OnnxSession(file, session, signature);
  }

  /** The raw session, for entry scripts that want onnxruntime's own API. */
  get inferenceSession(): InferenceSession {
    return this.session;
  }

  async run(feeds: Record<string, TensorValue>, outputNames?: readonly string[]): Promise<Record<string, TensorValue>> {
    const Tensor = ort().Tensor;
    const ortFeeds: Record<string, Tensor> = {};
    for (const [name, v] of Object.entries(feeds)) {
      ortFeeds[name] = new Tensor(v.type, v.data as Tensor.DataType, v.dims);
    }
    const results = outputNames ? await this.session.run(ortFeeds, outputNames) : await this.session.run(ortFeeds);
    const out: Record<string, TensorValue> = {};
    for (const [name, t] of Object.entries(results)) {
      out[name] = { type: t.type as OnnxElementType, dims: [...t.dims], data: t.data as TensorValue['data'] };
      t.dispose();
    }
    return out;
  }

  async close(): Promise<void> {
    await this.session.release();
  }
}
