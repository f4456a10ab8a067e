// The models a service serves, opened once at start-up and released on close.
import { NotFoundError } from '../../core/errors';
import type { ModelConfig } from '../../core/modelConfig';
import type { ModelSignature } from '../../core/onnx/signature';
import type { Logger } from '../logger';
import { OnnxSession } from '../runtime/onnxSession';
import type { RuntimeOptions } from '../runtime/sessionOptions';
import { readModelConfig } from '../../core/modelConfigFile';
import type { ResolvedModelSource } from './modelSources';

export interface LoadedModel {
  name: string;
  version: string;
  /** The folder holding the model's files. */
  dir: string;
  /** The path the model was given as (file or folder). */
  path: string;
  session: OnnxSession | undefined;
  config: ModelConfig;
  labels: string[] | undefined;
}

export function signatureOf(model: LoadedModel): ModelSignature | undefined {
  return model.session?.signature;
}

export class ModelSet {
  private constructor(readonly models: readonly LoadedModel[]) {}

  static async load(sources: readonly ResolvedModelSource[], runtime: RuntimeOptions, logger: Logger): Promise<ModelSet> {
    const models: LoadedModel[] = [];
    try {
      for (const s of sources) {
        const { config, labels } = await readModelConfig(s.configFile);
        const session = s.onnxFile ? await OnnxSession.open(s.onnxFile, runtime) : undefined;
        models.push({ name: s.name, version: s.version, dir: s.dir, path: s.path, session, config, labels });
        logger.info(`Loaded model ${s.name}:${s.version} from ${s.onnxFile ?? s.path}`);
      }
    } catch (err) {
      await Promise.all(models.map((m) => m.session?.close()));
      throw err;
    }
    return new ModelSet(models);
  }

  get first(): LoadedModel | undefined {
    return this.models[0];
  }

  /** The model `name`, at `version` or at its highest version. */
  find(name: string, version?: string): LoadedModel {
    const named = this.models.filter((m) => m.name === name);
    if (named.length === 0) {
      const known = this.models.map((m) => m.name);
      throw new NotFoundError(`Model '${name}' is not served here. Served models: ${known.length > 0 ? known.join(', ') : 'none'}.`);
    }
    if (version === undefined) {
      return named.reduce((a, b) => (compareVersions(a.version, b.version) >= 0 ? a : b));
    }
    const hit = named.find((m) => m.version === version);
    if (!hit) {
      throw new NotFoundError(`Model '${name}' has no version '${version}' here. Served versions: ${named.map((m) => m.version).join(', ')}.`);
    }
    return hit;
  }

  /** Mirrors Azure's `Model.get_model_path(name, version)`: the folder of that model version. */
  modelPath(name: string, version?: string): string {
    return this.find(name, version).dir;
  }

  async close(): Promise<void> {
    await Promise.all(this.models.map((m) => m.session?.close()));
  }
}

function compareVersions(a: string, b: string): number {
  const na = Number(a);
  const nb = Number(b);
  if (Number.isFinite(na) && Number.isFinite(nb)) return na - nb;
  return a.localeCompare(b);
}
