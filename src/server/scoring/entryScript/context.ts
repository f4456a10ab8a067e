// What an entry script's init() and run() receive: the model directory, Model.get_model_path's twin,
// ready-made ONNX sessions, a logger tagged with the request id, and a way to shape a raw response.
import type { InferenceSession } from 'onnxruntime-node';
import type { ModelSignature } from '../../../core/onnx/signature';
import type { Logger } from '../../logger';
import type { ModelSet } from '../../models/modelSet';
import { loadOrt, type Ort } from '../../runtime/onnxSession';

export interface ResponseInit {
  status?: number;
  headers?: Record<string, string>;
}

/** A response a raw run() shapes itself; plain return values become a JSON 200. */
export class EntryScriptResponse {
  constructor(
    readonly body: unknown,
    readonly status: number,
    readonly headers: Record<string, string>,
  ) {}
}

export interface ModelInfo {
  name: string;
  version: string;
  dir: string;
  signature: ModelSignature | undefined;
}

export interface InitContext {
  modelDir: string | undefined;
  modelPath(name?: string, version?: string): string;
  models: ModelInfo[];
  /** Sessions by `name` (its highest version) and by `name:version`. */
  sessions: Record<string, InferenceSession>;
  ort: Ort;
  logger: Logger;
  response(body: unknown, init?: ResponseInit): EntryScriptResponse;
}

export interface RunContext extends InitContext {
  requestId: string;
}

export async function createInitContext(models: ModelSet, modelDir: string | undefined, logger: Logger): Promise<InitContext> {
  const ort = await loadOrt();
  const sessions: Record<string, InferenceSession> = {};
  for (const m of models.models) {
    if (!m.session) continue;
    sessions[`${m.name}:${m.version}`] = m.session.inferenceSession;
    if (models.find(m.name) === m) sessions[m.name] = m.session.inferenceSession;
  }
  return {
    modelDir,
    modelPath(name?: string, version?: string): string {
      if (name === undefined) {
        const only = models.models.length === 1 ? models.models[0] : undefined;
        if (!only) throw new Error(`modelPath() needs a model name when the service has ${models.models.length} models.`);
        return only.dir;
      }
      return models.modelPath(name, version);
    },
    models: models.models.map((m) => ({ name: m.name, version: m.version, dir: m.dir, signature: m.session?.signature })),
    sessions,
    ort,
    logger,
    response: (body, init) => new EntryScriptResponse(body, init?.status ?? 200, init?.headers ?? {}),
  };
}

export function runContextFor(init: InitContext, requestId: string, logger: Logger): RunContext {
  return { ...init, requestId, logger };
}
