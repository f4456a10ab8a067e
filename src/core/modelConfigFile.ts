// Reads the optional model config beside a model (preprocess, postprocess, labels), with errors that name the file.
import { readFile, stat } from 'node:fs/promises';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { ConfigError, errorMessage } from './errors';
import { modelConfigSchema, type ModelConfig } from './modelConfig';
import { loadLabels } from './labels';

export interface ModelConfigWithLabels {
  config: ModelConfig;
  labels: string[] | undefined;
}

/**
 * Where a model's config is (it may not exist): `model.json` inside a model folder, `<stem>.model.json` beside a
 * single model file. The one rule the server, the registry's users and the editor share.
 */
export function modelConfigPath(modelPath: string, isDirectory: boolean): string {
  if (isDirectory) return join(modelPath, 'model.json');
  return join(dirname(modelPath), `${basename(modelPath, extname(modelPath))}.model.json`);
}

/** The config of the model at `modelPath` (a folder or a file), found by modelConfigPath. */
export async function readModelConfigOf(modelPath: string): Promise<ModelConfigWithLabels> {
  return readModelConfig(modelConfigPath(modelPath, (await stat(modelPath)).isDirectory()));
}

async function readOptional(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

export async function readModelConfig(file: string): Promise<ModelConfigWithLabels> {
  const text = await readOptional(file);
  if (text === undefined) return { config: {}, labels: undefined };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new ConfigError(`Model config ${file} is not valid JSON: ${errorMessage(err)}`, file);
  }
  const parsed = modelConfigSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue && issue.path.length > 0 ? `/${issue.path.join('/')}` : '(root)';
    throw new ConfigError(`Model config ${file} is invalid at ${where}: ${issue?.message ?? 'invalid'}`, file, where);
  }
  const config = parsed.data;
  const labelsFile = config.postprocess?.labels;
  if (labelsFile === undefined) return { config, labels: undefined };
  const labelsPath = resolve(dirname(file), labelsFile);
  const labelsText = await readOptional(labelsPath);
  if (labelsText === undefined) throw new ConfigError(`Labels file ${labelsPath} named in ${file} does not exist.`, file, '/postprocess/labels');
  return { config, labels: loadLabels(labelsText) };
}
