// Isolated Python environments for services, one per environment file's content (and base interpreter), created
// once under the workspace and reused: with conda / mamba / micromamba when one is installed and the file is a
// conda file, otherwise a venv of the system Python with the conda packages mapped to pip names. pip runs with
// its own configuration (indexes, find-links, certificates), so a machine with only a local index works.
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError } from '../errors';
import type { PythonEnvironmentSpec } from './environmentFile';
import { probeInterpreter, type InterpreterInfo } from './interpreter';
import { planPipInstall } from './pipMapping';
import { findOnPath, runLines } from './processLines';

export interface EnvironmentContext {
  workspaceDir: string;
  /** The interpreter a venv is made from (`--python`, MODELPORT_PYTHON, else python3). */
  basePython: string;
  onProgress?: (line: string) => void;
  signal?: AbortSignal;
  env?: NodeJS.ProcessEnv;
}

export interface BuiltEnvironment {
  dir: string;
  python: string;
  tool: 'venv' | 'conda' | 'mamba' | 'micromamba';
  reused: boolean;
  info: InterpreterInfo;
}

const markerFile = 'modelport-environment.json';
/** Bumped when the way environments are made changes, so older ones are not reused. */
const builderVersion = 1;

/** Where environments live: MODELPORT_ENV_CACHE (shared between workspaces), else <workspace>/environments. */
export function environmentsDir(workspaceDir: string, env: NodeJS.ProcessEnv = process.env): string {
  return env.MODELPORT_ENV_CACHE || join(workspaceDir, 'environments');
}

async function condaTool(spec: PythonEnvironmentSpec, env: NodeJS.ProcessEnv): Promise<{ tool: 'conda' | 'mamba' | 'micromamba'; path: string } | undefined> {
  if (spec.kind !== 'conda' || env.MODELPORT_NO_CONDA === '1') return undefined;
  for (const tool of ['micromamba', 'mamba', 'conda'] as const) {
    const path = await findOnPath([tool], env);
    if (path) return { tool, path };
  }
  return undefined;
}

/** A `pythonX.Y` for a conda file's `python=X.Y` when the base interpreter is another version. */
async function baseFor(spec: PythonEnvironmentSpec, base: InterpreterInfo, ctx: EnvironmentContext, env: NodeJS.ProcessEnv): Promise<InterpreterInfo> {
  const wanted = spec.pythonVersion?.split('.').slice(0, 2).join('.');
  if (!wanted || base.version.startsWith(`${wanted}.`) || base.version === wanted) return base;
  const other = await findOnPath([`python${wanted}`], env);
  if (other) {
    ctx.onProgress?.(`${spec.file} asks for python=${spec.pythonVersion}: using ${other}`);
    return probeInterpreter(other, env);
  }
  ctx.onProgress?.(`WARNING ${spec.file} asks for python=${spec.pythonVersion}, but neither conda nor python${wanted} is installed here: the environment uses Python ${base.version} (${base.executable}).`);
  return base;
}

export async function ensurePythonEnvironment(spec: PythonEnvironmentSpec, ctx: EnvironmentContext): Promise<BuiltEnvironment> {
  const env = ctx.env ?? process.env;
  const progress = ctx.onProgress ?? (() => undefined);
  const conda = await condaTool(spec, env);
  const base = conda ? undefined : await baseFor(spec, await probeInterpreter(ctx.basePython, env), ctx, env);
  const key = createHash('sha256')
    .update(JSON.stringify({ builderVersion, sha256: spec.sha256, kind: spec.kind, tool: conda?.tool ?? 'venv', base: base?.executable, version: base?.version }))
    .digest('hex')
    .slice(0, 16);
  const root = environmentsDir(ctx.workspaceDir, env);
  const dir = join(root, key);
  const python = join(dir, 'bin', 'python');
  const tool = conda?.tool ?? 'venv';
  try {
    JSON.parse(await readFile(join(dir, markerFile), 'utf8'));
    const info = await probeInterpreter(python, env);
    progress(`Python environment for ${spec.file}: reusing ${dir} (Python ${info.version})`);
    return { dir, python, tool, reused: true, info };
  } catch {
    // not built yet (or broken): build it
  }
  await mkdir(root, { recursive: true });
  // A venv is built aside and renamed into place (it holds no absolute path of its own that `python -m` needs); a
  // conda environment is not relocatable, so it is created where it stays.
  const staging = conda ? dir : join(root, `.${key}.building-${process.pid}-${Date.now()}`);
  await rm(staging, { recursive: true, force: true });
  const pipe = (prefix: string) => (line: string) => progress(`${prefix} | ${line}`);
  try {
    if (conda) {
      progress(`Creating the Python environment of ${spec.file} with ${conda.tool} (${conda.path}) in ${dir}`);
      const args = conda.tool === 'micromamba' ? ['create', '--yes', '--prefix', staging, '--file', spec.file] : ['env', 'create', '--yes', '--prefix', staging, '--file', spec.file];
      const r = await runLines(conda.path, args, { env, onLine: pipe(conda.tool), signal: ctx.signal });
      if (r.code !== 0) throw new ConfigError(`${conda.tool} could not create the environment of ${spec.file} (exit code ${r.code}):\n${r.tail.join('\n')}`, spec.file);
    } else {
      const b = base as InterpreterInfo;
      const plan = planPipInstall(spec);
      for (const w of plan.warnings) progress(`WARNING ${w}`);
      progress(`Creating the Python environment of ${spec.file}: a venv of Python ${b.version} (${b.executable}) in ${dir}, packages from pip's configured indexes`);
      const venv = await runLines(b.executable, ['-m', 'venv', staging], { env, onLine: pipe('venv'), signal: ctx.signal });
      if (venv.code !== 0) {
        const hint = venv.tail.some((l) => /ensurepip|python3-venv/.test(l)) ? ' On Debian or Ubuntu: apt-get install python3-venv.' : '';
        throw new ConfigError(`Could not create a venv with ${b.executable} (exit code ${venv.code}).${hint}\n${venv.tail.join('\n')}`);
      }
      const stagedPython = join(staging, 'bin', 'python');
      if (plan.requirements.length > 0) {
        const requirements = join(staging, 'modelport-requirements.txt');
        await writeFile(requirements, plan.requirements.join('\n') + '\n');
        progress(`pip install ${plan.requirements.join(' ')}`);
        const r = await runLines(stagedPython, ['-m', 'pip', 'install', '--no-input', '-r', requirements], { env, onLine: pipe('pip'), signal: ctx.signal });
        if (r.code !== 0) {
          throw new ConfigError(`pip could not install the packages of ${spec.file} (exit code ${r.code}). pip uses its own configuration (pip config list): check that its indexes have them.\n${r.tail.join('\n')}`, spec.file);
        }
      }
      for (const optional of plan.optional) {
        const r = await runLines(stagedPython, ['-m', 'pip', 'install', '--no-input', optional], { env, onLine: pipe('pip'), signal: ctx.signal });
        if (r.code !== 0) progress(`WARNING ${optional} could not be installed from pip's indexes: Modelport's own implementation of inference_schema serves the decorators.`);
      }
    }
    await writeFile(join(staging, markerFile), JSON.stringify({ file: spec.file, sha256: spec.sha256, tool, created: new Date().toISOString() }, null, 2) + '\n');
    try {
      if (staging !== dir) await rename(staging, dir);
    } catch (err) {
      // Another deployment built the same environment meanwhile: use theirs.
      if (!['ENOTEMPTY', 'EEXIST'].includes((err as NodeJS.ErrnoException).code ?? '')) throw err;
      await rm(staging, { recursive: true, force: true });
    }
  } catch (err) {
    await rm(staging, { recursive: true, force: true });
    throw err;
  }
  const info = await probeInterpreter(python, env);
  progress(`Python environment ready: ${dir} (Python ${info.version})`);
  return { dir, python, tool, reused: false, info };
}
