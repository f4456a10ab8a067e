// A Python environment file as Azure ML users write them: a conda env.yml (name, channels, `python=X.Y`, conda
// packages, a `pip:` list) or a pip requirements.txt. Parsed into one shape, with located errors.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { parseDocument } from 'yaml';
import { ConfigError } from '../errors';

export interface PythonEnvironmentSpec {
  file: string;
  kind: 'conda' | 'requirements';
  name: string;
  channels: string[];
  /** `python=3.11` of a conda file: the X.Y (or X.Y.Z) asked for. */
  pythonVersion: string | undefined;
  /** Conda packages as written (`numpy=1.26`, `scikit-learn>=1.3`), python and pip excluded. */
  condaPackages: string[];
  /** pip requirement lines as written (the conda file's `pip:` list, or requirements.txt). */
  pipPackages: string[];
  /** sha256 of the file's bytes: environments are created once per content hash. */
  sha256: string;
}

export function isCondaFile(file: string): boolean {
  return ['.yml', '.yaml'].includes(extname(file).toLowerCase());
}

function parseCondaText(text: string, file: string): Omit<PythonEnvironmentSpec, 'file' | 'kind' | 'sha256'> {
  const doc = parseDocument(text, { prettyErrors: false });
  if (doc.errors.length > 0) {
    const e = doc.errors[0];
    const offset = e?.pos[0] ?? 0;
    const before = text.slice(0, offset).split('\n');
    const where = `:${before.length}:${(before.at(-1)?.length ?? 0) + 1}`;
    throw new ConfigError(`${file}${where}: not valid YAML: ${e?.message.split('\n')[0] ?? 'parse error'}`, file);
  }
  const value = doc.toJS() as unknown;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ConfigError(`${file}: a conda environment file is a YAML mapping with name, channels and dependencies.`, file);
  const root = value as Record<string, unknown>;
  const deps = root.dependencies ?? [];
  if (!Array.isArray(deps)) throw new ConfigError(`${file}: dependencies must be a list (of conda packages, and a "pip:" list).`, file);
  const channels = Array.isArray(root.channels) ? root.channels.map(String) : [];
  let pythonVersion: string | undefined;
  const condaPackages: string[] = [];
  const pipPackages: string[] = [];
  for (const dep of deps) {
    if (typeof dep === 'string' || typeof dep === 'number') {
      const s = String(dep).trim();
      const m = /^python\s*(?:[=<>!~]=?\s*)?([\d.]+)?/.exec(s);
      if (m && /^python(\s|=|<|>|!|~|$)/.test(s)) {
        pythonVersion = m[1]?.replace(/\.\*$/, '');
        continue;
      }
      if (/^pip(\s|=|<|>|$)/.test(s)) continue;
      condaPackages.push(s);
    } else if (typeof dep === 'object' && dep !== null && 'pip' in dep) {
      const pip = (dep as { pip: unknown }).pip;
      if (!Array.isArray(pip)) throw new ConfigError(`${file}: "pip:" must be a list of pip requirements.`, file);
      pipPackages.push(...pip.map((p) => String(p).trim()).filter((p) => p.length > 0));
    } else {
      throw new ConfigError(`${file}: cannot read the dependency ${JSON.stringify(dep)}: write a conda package name or a "pip:" list.`, file);
    }
  }
  return { name: typeof root.name === 'string' ? root.name : basename(file, extname(file)), channels, pythonVersion, condaPackages, pipPackages };
}

function parseRequirementsText(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((l) => l.replace(/(^|\s)#.*$/, '').trim())
    .filter((l) => l.length > 0);
}

export function parsePythonEnvironment(text: string, file: string): PythonEnvironmentSpec {
  const sha256 = createHash('sha256').update(text).digest('hex');
  if (isCondaFile(file)) return { file, kind: 'conda', sha256, ...parseCondaText(text, file) };
  return { file, kind: 'requirements', name: basename(file, extname(file)), channels: [], pythonVersion: undefined, condaPackages: [], pipPackages: parseRequirementsText(text), sha256 };
}

export async function loadPythonEnvironment(file: string): Promise<PythonEnvironmentSpec> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new ConfigError(code === 'ENOENT' ? `Environment file ${file} does not exist.` : `Cannot read environment file ${file}: ${code ?? String(err)}`, file);
  }
  return parsePythonEnvironment(text, file);
}
