// Finds the models a service serves: the --model options, or AZUREML_MODEL_DIR in either of the layouts
// Azure ML uses (one model: its folder; several: <dir>/<name>/<version>/).
import { readdir, stat } from 'node:fs/promises';
import { basename, extname, join, resolve } from 'node:path';
import { ConfigError } from '../../core/errors';
import { isFileOrLinkToFile } from '../../core/fs/linkedFile';
import { modelConfigPath } from '../../core/modelConfigFile';
import type { ModelSource } from '../options';

export interface ResolvedModelSource {
  name: string;
  version: string;
  /** The file or folder as given. */
  path: string;
  /** The folder holding the model's files (the file's folder for a single-file model). */
  dir: string;
  /** The ONNX file to open, when the model has one. */
  onnxFile: string | undefined;
  /** Where a model config would be (it may not exist). */
  configFile: string;
}

async function isDirectory(p: string): Promise<boolean> {
  try {
    return (await stat(p)).isDirectory();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new ConfigError(`Model path not found: ${p}`, p);
    throw err;
  }
}

async function findOnnx(dir: string): Promise<string | undefined> {
  const entries = await readdir(dir, { withFileTypes: true });
  const candidates = entries.filter((e) => extname(e.name).toLowerCase() === '.onnx');
  // A model linked into the folder (DVC, git-annex and model caches do this) counts as the file it points to.
  const onnx = (await Promise.all(candidates.map(async (e) => ((await isFileOrLinkToFile(e, join(dir, e.name))) ? e.name : undefined))))
    .filter((n): n is string => n !== undefined)
    .sort();
  if (onnx.length > 1) {
    throw new ConfigError(`Model folder ${dir} holds several .onnx files (${onnx.join(', ')}); pass the one to serve with --model.`, dir);
  }
  return onnx[0] === undefined ? undefined : join(dir, onnx[0]);
}

function sanitizeName(raw: string): string {
  return raw.replace(/[^a-zA-Z0-9._-]/g, '-').replace(/^[^a-zA-Z0-9]+/, '') || 'model';
}

export async function resolveModelSource(source: ModelSource): Promise<ResolvedModelSource> {
  const path = resolve(source.path);
  if (await isDirectory(path)) {
    return {
      name: source.name ?? sanitizeName(basename(path)),
      version: source.version ?? '1',
      path,
      dir: path,
      onnxFile: await findOnnx(path),
      configFile: modelConfigPath(path, true),
    };
  }
  const ext = extname(path);
  const stem = basename(path, ext);
  const dir = resolve(path, '..');
  return {
    name: source.name ?? sanitizeName(stem),
    version: source.version ?? '1',
    path,
    dir,
    onnxFile: ext.toLowerCase() === '.onnx' ? path : undefined,
    configFile: modelConfigPath(path, false),
  };
}

/** One model's folder as Azure names it, `…/azureml-models/<name>/<version>`: its name and version come from the path. */
function oneModel(dir: string): ModelSource {
  const m = /[\\/]azureml-models[\\/]([^\\/]+)[\\/](\d+)[\\/]?$/.exec(dir);
  return m?.[1] && m[2] ? { path: dir, name: m[1], version: m[2] } : { path: dir };
}

/** `<dir>/<name>/<version>/` when every child is a folder of version folders; otherwise `dir` is one model. */
async function modelDirLayout(dir: string): Promise<ModelSource[]> {
  const children = await readdir(dir, { withFileTypes: true });
  if (children.length === 0 || children.some((c) => !c.isDirectory())) return [oneModel(dir)];
  const found: ModelSource[] = [];
  for (const child of children) {
    const versions = await readdir(join(dir, child.name), { withFileTypes: true });
    if (versions.length === 0 || versions.some((v) => !v.isDirectory() || !/^\d+$/.test(v.name))) return [oneModel(dir)];
    for (const v of versions) found.push({ path: join(dir, child.name, v.name), name: child.name, version: v.name });
  }
  return found;
}

export async function resolveModelSources(models: ModelSource[], modelDir: string | undefined): Promise<ResolvedModelSource[]> {
  const sources = models.length > 0 ? models : modelDir ? await modelDirLayout(resolve(modelDir)) : [];
  const resolved = await Promise.all(sources.map(resolveModelSource));
  const seen = new Set<string>();
  for (const m of resolved) {
    const key = `${m.name}:${m.version}`;
    if (seen.has(key)) throw new ConfigError(`Model ${key} is given twice; name them apart with --model NAME[:VERSION]=PATH.`);
    seen.add(key);
  }
  return resolved;
}
