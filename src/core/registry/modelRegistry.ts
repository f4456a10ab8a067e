// The model registry: named, versioned copies of model files inside the workspace, the local counterpart
// of Azure ML's `Model.register` / `Model(ws, name, version)` / `Model.get_model_path`.
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, rmdir, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { copyFileHashed } from '../fs/copyHashed';
import { BadRequestError, CancelledError, ConfigError, ConflictError, NotFoundError } from '../errors';
import { readSignature, UnsupportedSignatureError } from '../onnx/readSignature';
import type { ModelSignature } from '../onnx/signature';
import { formatModelRef, parseModelRef, validateModelName } from './modelRef';
import { META_FILE, META_SCHEMA_VERSION, readModelMeta } from './modelMeta';
import type { ModelMeta, RegisteredModel } from './modelMeta';
import { collectSource, pickModelFile } from './modelSource';
import { listVersionNumbers, publishVersion } from './publish';
import { createStagingDir, removeStaleStaging, STAGING_DIR } from './staging';

export interface RegisterProgress {
  file: string;
  bytesDone: number;
  bytesTotal: number;
}

export interface RegisterOptions {
  /** A model file, or a folder whose files are all registered together. */
  source: string;
  name: string;
  description?: string;
  tags?: Record<string, string>;
  properties?: Record<string, string>;
  signal?: AbortSignal;
  /** Called as bytes are copied, for progress display. */
  onProgress?: (progress: RegisterProgress) => void;
}

export interface RegistryProblem {
  file: string;
  message: string;
}

export interface ListResult {
  models: RegisteredModel[];
  /** Version folders that could not be read; every other model is still listed. */
  problems: RegistryProblem[];
}

export interface DeleteOptions {
  /** Names of the services using `name:version`; a non-empty answer refuses the delete. */
  inUseBy?: (ref: string) => Promise<string[]>;
}

export class ModelRegistry {
  readonly workspaceDir: string;
  readonly modelsDir: string;

  constructor(workspaceDir: string) {
    this.workspaceDir = resolve(workspaceDir);
    this.modelsDir = join(this.workspaceDir, 'models');
  }

  async register(options: RegisterOptions): Promise<RegisteredModel> {
    const name = validateModelName(options.name);
    const { signal } = options;
    signal?.throwIfAborted();
    // Everything that can be checked without writing is checked first: a bad source touches nothing.
    const source = await collectSource(resolve(options.source));
    await removeStaleStaging(this.modelsDir);
    const staging = await createStagingDir(this.modelsDir);
    try {
      const bytesTotal = (await Promise.all(source.files.map((f) => stat(f.from)))).reduce((n, s) => n + s.size, 0);
      let bytesBefore = 0;
      const files: ModelMeta['files'] = [];
      for (const file of source.files) {
        signal?.throwIfAborted();
        const to = join(staging, ...file.path.split('/'));
        await mkdir(dirname(to), { recursive: true });
        const copied = await copyFileHashed(file.from, to, {
          signal,
          onProgress: (bytes) => options.onProgress?.({ file: file.path, bytesDone: bytesBefore + bytes, bytesTotal }),
        });
        bytesBefore += copied.size;
        files.push({ path: file.path, ...copied });
      }
      const modelFile = pickModelFile(files.map((f) => f.path));
      const modelSource = source.files.find((f) => f.path === modelFile);
      const signature = modelFile && modelSource ? await readStagedSignature(join(staging, ...modelFile.split('/')), modelSource.from) : undefined;
      signal?.throwIfAborted();
      const { meta, dir } = await publishVersion(staging, join(this.modelsDir, name), {
        schemaVersion: META_SCHEMA_VERSION,
        name,
        ...(options.description !== undefined ? { description: options.description } : {}),
        tags: { ...options.tags },
        properties: { ...options.properties },
        framework: modelFile ? 'onnx' : 'custom',
        files,
        sha256: source.kind === 'file' && files[0] ? files[0].sha256 : manifestHash(files),
        size: files.reduce((n, f) => n + f.size, 0),
        createdTime: new Date().toISOString(),
        ...(modelFile ? { modelFile } : {}),
        ...signature,
        source: { kind: source.kind, name: basename(resolve(options.source)) },
      });
      return toRegistered(meta, dir);
    } catch (err) {
      await rm(staging, { recursive: true, force: true });
      if (signal?.aborted) throw new CancelledError(`Registration of model "${name}" was cancelled; nothing was registered.`);
      throw err;
    }
  }

  async list(options: { name?: string } = {}): Promise<ListResult> {
    const names = options.name !== undefined ? [validateModelName(options.name)] : await this.modelNames();
    const models: RegisteredModel[] = [];
    const problems: RegistryProblem[] = [];
    const perName = await Promise.all(
      names.map(async (name) => {
        const versions = await listVersionNumbers(join(this.modelsDir, name));
        return Promise.all(versions.map((v) => this.readVersion(name, v).then((m) => ({ m }), (e: unknown) => ({ e }))));
      }),
    );
    for (const result of perName.flat()) {
      if ('m' in result) models.push(result.m);
      else if (result.e instanceof ConfigError) problems.push({ file: result.e.file ?? '', message: result.e.message });
      else throw result.e;
    }
    return { models, problems };
  }

  /** `name` or `name:latest` is the highest version; `name:N` is version N. */
  async get(ref: string): Promise<RegisteredModel> {
    const { name, version } = await this.resolve(ref);
    return this.readVersion(name, version);
  }

  /** Deletes one version; `name:latest` is allowed, a bare name is refused as too easy to mistype. */
  async delete(ref: string, options: DeleteOptions = {}): Promise<{ name: string; version: number }> {
    if (!ref.includes(':')) {
      throw new BadRequestError(`Say which version of "${ref}" to delete: "${ref}:<version>" or "${ref}:latest".`);
    }
    // Resolved without reading the meta, so that a version with a corrupt meta file can still be deleted.
    const { name, version } = await this.resolve(ref);
    const id = formatModelRef(name, version);
    const users = (await options.inUseBy?.(id)) ?? [];
    if (users.length > 0) {
      throw new ConflictError(`Model ${id} is used by service${users.length > 1 ? 's' : ''} ${users.join(', ')}. Delete those services or update them to another version first.`);
    }
    // Move it out of sight in one rename, then remove: a delete killed half-way leaves no half-deleted version.
    const nameDir = join(this.modelsDir, name);
    const trash = await createStagingDir(this.modelsDir);
    await rename(join(nameDir, String(version)), join(trash, 'deleted'));
    await rm(trash, { recursive: true, force: true });
    await rmdir(nameDir).catch(() => undefined); // only succeeds once the last version is gone
    return { name, version };
  }

  /**
   * Copies a version's files into `destDir`, checking each against its recorded sha256. Refuses to replace
   * existing files unless `overwrite`. Returns the absolute paths written.
   */
  async download(ref: string, destDir: string, options: { overwrite?: boolean; signal?: AbortSignal } = {}): Promise<string[]> {
    const model = await this.get(ref);
    const dest = resolve(destDir);
    const targets = model.files.map((f) => ({ ...f, from: join(model.path, ...f.path.split('/')), to: join(dest, ...f.path.split('/')) }));
    if (!options.overwrite) {
      const clashes = (await Promise.all(targets.map(async (t) => ((await pathExists(t.to)) ? t.to : undefined)))).filter((t) => t !== undefined);
      if (clashes.length > 0) throw new ConflictError(`Not downloading ${model.id}: ${clashes.join(', ')} already exist${clashes.length > 1 ? '' : 's'}. Choose an empty folder or pass overwrite.`);
    }
    for (const t of targets) {
      await mkdir(dirname(t.to), { recursive: true });
      const tmp = `${t.to}.modelport-download`;
      await rm(tmp, { force: true });
      try {
        const copied = await copyFileHashed(t.from, tmp, { signal: options.signal });
        if (copied.sha256 !== t.sha256) {
          throw new ConfigError(`${t.from} no longer matches the sha256 recorded in ${join(model.path, META_FILE)}; the registered model was modified or damaged. Register it again.`, t.from);
        }
        await rename(tmp, t.to);
      } catch (err) {
        await rm(tmp, { force: true });
        throw err;
      }
    }
    return targets.map((t) => t.to);
  }

  /** Absolute path of a version folder (latest when `version` is omitted), like Azure's `Model.get_model_path`. */
  async modelPath(name: string, version?: number): Promise<string> {
    return (await this.get(version === undefined ? name : formatModelRef(name, version))).path;
  }

  private async modelNames(): Promise<string[]> {
    let entries;
    try {
      entries = await readdir(this.modelsDir, { withFileTypes: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    // Dot-folders (.staging) are ours; names cannot start with a dot, so they never hide a model.
    return entries.filter((e) => e.isDirectory() && e.name !== STAGING_DIR && !e.name.startsWith('.')).map((e) => e.name).sort();
  }

  private async resolve(ref: string): Promise<{ name: string; version: number }> {
    const parsed = parseModelRef(ref);
    const versions = await listVersionNumbers(join(this.modelsDir, parsed.name));
    const latest = versions.at(-1);
    if (latest === undefined) {
      const known = await this.modelNames();
      const hint = known.length > 0 ? `Registered models: ${known.join(', ')}.` : `No models are registered in ${this.workspaceDir} yet.`;
      throw new NotFoundError(`Model "${parsed.name}" is not registered. ${hint}`);
    }
    if (parsed.version === 'latest') return { name: parsed.name, version: latest };
    if (!versions.includes(parsed.version)) {
      throw new NotFoundError(`Model "${parsed.name}" has no version ${parsed.version}. Known versions: ${versions.join(', ')}.`);
    }
    return { name: parsed.name, version: parsed.version };
  }

  private async readVersion(name: string, version: number): Promise<RegisteredModel> {
    const dir = join(this.modelsDir, name, String(version));
    const file = join(dir, META_FILE);
    const meta = await readModelMeta(file);
    if (meta.name !== name || meta.version !== version) {
      throw new ConfigError(`Model metadata ${file} says ${formatModelRef(meta.name, meta.version)} but sits in the folder of ${formatModelRef(name, version)}. Move the folder back or delete it.`, file);
    }
    return toRegistered(meta, dir);
  }
}

function toRegistered(meta: ModelMeta, dir: string): RegisteredModel {
  return { ...meta, id: formatModelRef(meta.name, meta.version), path: dir };
}

/** A folder's hash: sha256 over "sha256  path\n" lines (sha256sum's format) of its files sorted by path. */
export function manifestHash(files: ReadonlyArray<{ path: string; sha256: string }>): string {
  const sorted = [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return createHash('sha256').update(sorted.map((f) => `${f.sha256}  ${f.path}\n`).join('')).digest('hex');
}

async function readStagedSignature(stagedFile: string, sourceLabel: string): Promise<{ signature?: ModelSignature; signatureProblem?: string }> {
  try {
    return { signature: readSignature(await readFile(stagedFile), sourceLabel) };
  } catch (err) {
    // A valid model whose types the signature cannot express still registers; a file that is not ONNX does not.
    if (err instanceof UnsupportedSignatureError) return { signatureProblem: err.message };
    throw err;
  }
}

async function pathExists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}
