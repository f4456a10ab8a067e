// What `register` will copy: the files of a source file or folder, checked before anything is written so
// that a bad source leaves the workspace untouched.
import { lstat, readdir, stat } from 'node:fs/promises';
import { basename, join, relative, sep } from 'node:path';
import { BadRequestError, NotFoundError } from '../errors';
import { META_FILE } from './modelMeta';

export interface SourceFile {
  /** Absolute path to read from. */
  from: string;
  /** Path inside the version folder, '/'-separated. */
  path: string;
}

export interface ModelSource {
  kind: 'file' | 'folder';
  files: SourceFile[];
}

export async function collectSource(source: string): Promise<ModelSource> {
  let info;
  try {
    info = await stat(source);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new NotFoundError(`Model source ${source} does not exist. Pass the path of a model file (such as model.onnx) or of a folder holding the model's files.`);
    }
    throw err;
  }
  if (info.isFile()) {
    const path = basename(source);
    if (path === META_FILE) throw reserved(source);
    return { kind: 'file', files: [{ from: source, path }] };
  }
  if (!info.isDirectory()) throw new BadRequestError(`Model source ${source} is neither a file nor a folder.`);
  const files: SourceFile[] = [];
  await walk(source, source, files);
  if (files.length === 0) throw new BadRequestError(`Model source folder ${source} contains no files.`);
  if (files.some((f) => f.path === META_FILE)) throw reserved(join(source, META_FILE));
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { kind: 'folder', files };
}

async function walk(root: string, dir: string, out: SourceFile[]): Promise<void> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) {
      await walk(root, full, out);
      continue;
    }
    // Symlinked files are copied by content; symlinked folders are refused because they can form cycles
    // and silently pull in far more than the user meant to register.
    const target = entry.isSymbolicLink() ? await stat(full) : await lstat(full);
    if (!target.isFile()) {
      throw new BadRequestError(`Model source ${full} is not a regular file (a symlinked folder, socket or pipe). Copy what you need into the folder instead.`);
    }
    out.push({ from: full, path: relative(root, full).split(sep).join('/') });
  }
}

function reserved(file: string): BadRequestError {
  return new BadRequestError(`Model source ${file}: ${META_FILE} is the name Modelport uses for its own record. Rename that file.`);
}

/** The ONNX file a version serves: the only .onnx file, or a top-level model.onnx when there are several. */
export function pickModelFile(paths: readonly string[]): string | undefined {
  const onnxFiles = paths.filter((p) => p.toLowerCase().endsWith('.onnx'));
  if (onnxFiles.length === 1) return onnxFiles[0];
  return onnxFiles.find((p) => p === 'model.onnx');
}
