// What a deployment of a score.py prepares before anything starts: the interpreter that will run it (an
// environment built from its conda/pip file, or the Python named, or python3 on PATH), checked against the
// script's top-level imports; for a container image, the wheels of its environment. Progress streams as it goes.
import { dirname } from 'node:path';
import { ConfigError } from '../errors';
import type { ServiceRecord } from '../services/serviceRecord';
import { ensurePythonEnvironment } from './environmentBuilder';
import { loadPythonEnvironment } from './environmentFile';
import { missingImports, pipNameOf, probeInterpreter } from './interpreter';
import { ensureWheelhouse } from './wheelhouse';

export type PythonSettings = NonNullable<ServiceRecord['python']>;

export interface PrepareContext {
  workspaceDir: string;
  onProgress?: (line: string) => void;
  signal?: AbortSignal;
  env?: NodeJS.ProcessEnv;
}

export function isPythonEntryScript(file: string | undefined): boolean {
  return file !== undefined && /\.py$/i.test(file);
}

/** The Python named for this service, else MODELPORT_PYTHON, else python3 on PATH. */
export function requestedInterpreter(settings: PythonSettings | undefined, env: NodeJS.ProcessEnv): string {
  return settings?.interpreter ?? (env.MODELPORT_PYTHON || 'python3');
}

export async function preparePython(
  target: { kind: string },
  service: { entryScript: string; sourceDir: string | undefined; python: PythonSettings | undefined },
  ctx: PrepareContext,
): Promise<PythonSettings> {
  const env = ctx.env ?? process.env;
  const progress = ctx.onProgress ?? (() => undefined);
  const settings: PythonSettings = { ...service.python };
  delete settings.executable;
  delete settings.version;
  delete settings.wheelhouse;
  const base = requestedInterpreter(settings, env);
  const spec = settings.environmentFile ? await loadPythonEnvironment(settings.environmentFile) : undefined;
  if (target.kind === 'local') {
    const built = spec ? await ensurePythonEnvironment(spec, { workspaceDir: ctx.workspaceDir, basePython: base, onProgress: progress, signal: ctx.signal, env }) : undefined;
    const info = built?.info ?? (await probeInterpreter(base, env));
    progress(`Python ${info.version} (${info.executable})${built ? `, environment ${spec?.name ?? ''} from ${settings.environmentFile}` : settings.interpreter ? '' : ', the python3 on PATH (pass --python PATH or an environment file to choose)'}`);
    const sourceDir = service.sourceDir ?? dirname(service.entryScript);
    const missing = await missingImports(info.executable, service.entryScript, [sourceDir], env);
    if (missing.length > 0) {
      const packages = missing.map(pipNameOf).join(' ');
      const how = spec
        ? `Add ${missing.length > 1 ? 'them' : 'it'} to ${settings.environmentFile} (pip: ${packages}).`
        : `Name an environment file (--environment env.yml or requirements.txt; condaFile in inferenceconfig.json), or a Python that has ${missing.length > 1 ? 'them' : 'it'} (--python PATH), or install: ${info.executable} -m pip install ${packages}`;
      throw new ConfigError(`${service.entryScript} imports ${missing.join(', ')}, which Python ${info.version} (${info.executable}) cannot import. ${how}`, service.entryScript);
    }
    return { ...settings, executable: info.executable, version: info.version };
  }
  if (spec) {
    const wheels = await ensureWheelhouse(spec, { workspaceDir: ctx.workspaceDir, basePython: base, onProgress: progress, signal: ctx.signal, env });
    return { ...settings, wheelhouse: wheels.dir };
  }
  return settings;
}
