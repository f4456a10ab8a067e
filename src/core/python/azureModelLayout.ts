// Registered models laid out as Azure ML lays them out inside a service: <app root>/azureml-models/<name>/<version>/
// holding exactly the registered file or folder under its original name (a registered folder `model/` stays
// `model/`). AZUREML_MODEL_DIR is the version folder for one model and azureml-models for several. Used by the
// service host (hard links, or copies across file systems) and by the docker build context (copies).
import { copyFile, link, mkdir, rm } from 'node:fs/promises';
import { dirname, join, posix } from 'node:path';
import type { RegisteredModel } from '../registry/modelMeta';

export interface LayoutFile {
  /** '/'-separated, relative to the app root: azureml-models/<name>/<version>/<original name>[/…]. */
  path: string;
  source: string;
}

/** The name a version's content had when it was registered (older records: the file's name, or the model's). */
export function registeredName(model: Pick<RegisteredModel, 'name' | 'files' | 'source'>): { kind: 'file' | 'folder'; name: string } {
  if (model.source) return model.source;
  const only = model.files.length === 1 ? model.files[0] : undefined;
  if (only && !only.path.includes('/')) return { kind: 'file', name: only.path };
  return { kind: 'folder', name: model.name };
}

export function planAzureModelFiles(models: ReadonlyArray<Pick<RegisteredModel, 'name' | 'version' | 'files' | 'source' | 'path'>>): LayoutFile[] {
  const out: LayoutFile[] = [];
  for (const m of models) {
    const base = posix.join('azureml-models', m.name, String(m.version));
    const { kind, name } = registeredName(m);
    for (const f of m.files) {
      const inside = kind === 'file' ? name : posix.join(name, f.path);
      out.push({ path: posix.join(base, inside), source: join(m.path, ...f.path.split('/')) });
    }
  }
  return out;
}

/** AZUREML_MODEL_DIR for these models under `appRoot` ('/'-joined when `appRoot` is a path inside an image). */
export function azureModelDir(appRoot: string, models: ReadonlyArray<{ name: string; version: number }>): string | undefined {
  const only = models.length === 1 ? models[0] : undefined;
  if (models.length === 0) return undefined;
  return only ? posix.join(appRoot, 'azureml-models', only.name, String(only.version)) : posix.join(appRoot, 'azureml-models');
}

/** Writes the layout under `appRoot` (emptied first): hard links where the file system allows, copies otherwise. */
export async function materializeAzureLayout(appRoot: string, files: readonly LayoutFile[]): Promise<void> {
  await rm(join(appRoot, 'azureml-models'), { recursive: true, force: true });
  for (const f of files) {
    const to = join(appRoot, ...f.path.split('/'));
    await mkdir(dirname(to), { recursive: true });
    try {
      await link(f.source, to);
    } catch {
      await copyFile(f.source, to);
    }
  }
}
