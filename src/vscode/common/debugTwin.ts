// Debug in Docker / Debug Locally: deploys (or updates) the service's debug twin `<name>-debug` with the
// same models, entry script, source folder and auth under the Node inspector, then attaches VS Code's
// JavaScript debugger with the configuration the core builds. The service itself is left as it is.
import { attachConfiguration, type AttachConfiguration } from '../../core/docker/debugConfig';
import { pythonAttachConfiguration, type PythonAttachConfiguration } from '../../core/python/debugConfig';
import { canImport } from '../../core/python/interpreter';
import { isPythonEntryScript, requestedInterpreter } from '../../core/python/preparePython';
import { ConflictError } from '../../core/errors';
import { debugTargetOf } from '../../core/docker/debugTarget';
import { EngineUnreachableError } from '../../core/docker/dockerErrors';
import { ModelportError, NotFoundError } from '../../core/errors';
import type { DeployRequest, ServiceStatus } from '../../core/services/types';
import { sleep } from '../../core/async/sleep';
import type { CommandDeps } from './deps';
import { dockerRunArgsFor } from './dockerRunArgs';
import { serviceFor } from './serviceArg';

export type DebugComputeType = 'local' | 'docker';

export interface DebugSession {
  /** The service that runs under the inspector (the twin, or the service itself when it already does). */
  service: ServiceStatus;
  configuration: AttachConfiguration | PythonAttachConfiguration;
}

const suffix = '-debug';
/** Where a user learns to start a container engine (the message itself says how, too). */
export const engineDocsUrl = 'https://docs.docker.com/get-started/get-docker/';

/** `<name>-debug`, shortened so it stays a valid service name (at most 32 characters). */
export function debugTwinName(name: string): string {
  return name.endsWith(suffix) ? name : `${name.slice(0, 32 - suffix.length).replace(/-+$/, '')}${suffix}`;
}

function twinSettings(service: ServiceStatus, computeType: DebugComputeType): Omit<DeployRequest, 'name'> {
  return {
    models: service.models,
    computeType,
    authMode: service.authMode,
    corsOrigins: service.corsOrigins,
    timeoutMs: service.timeoutMs,
    debug: true,
    ...(service.entryScript !== undefined ? { entryScript: service.entryScript } : {}),
    ...(service.sourceDir !== undefined ? { sourceDir: service.sourceDir } : {}),
    // A score.py's twin runs in the same Python environment.
    ...(service.python?.environmentFile !== undefined ? { environmentFile: service.python.environmentFile } : {}),
    ...(service.python?.interpreter !== undefined ? { python: service.python.interpreter } : {}),
  };
}

/** The twin as it runs now: deployed, updated in place, or (on another target) replaced. */
async function runTwin(deps: CommandDeps, service: ServiceStatus, computeType: DebugComputeType): Promise<ServiceStatus> {
  // A service that already runs under the inspector on that target is debugged as it is.
  if (service.debug === true && service.computeType === computeType && service.state === 'Healthy') return service;
  const services = deps.workspace().services;
  const name = debugTwinName(service.name);
  const settings = { ...twinSettings(service, computeType), ...dockerRunArgsFor(computeType, deps.settings()) };
  const existing = await services.get(name).catch((err: unknown) => {
    if (err instanceof NotFoundError) return undefined;
    throw err;
  });
  const where = computeType === 'docker' ? 'in Docker' : 'locally';
  deps.log.info(`Debugging ${service.name} ${where}: ${existing ? 'updating' : 'deploying'} ${name}`);
  return deps.ui.progress(`Starting ${name} under the debugger ${where}`, async (progress, signal) => {
    const options = {
      signal,
      onProgress: (line: string): void => {
        deps.log.info(`[${name}] ${line}`);
        progress.report(line);
      },
    };
    if (existing && existing.computeType !== computeType) {
      options.onProgress(`Removing ${name} (${existing.computeType}) to run it ${where}`);
      await services.delete(name, options);
    } else if (existing) {
      return services.update(name, settings, options);
    }
    return services.deploy({ name, ...settings }, options);
  });
}

/** debugPort is read from the host's state once Healthy: give it a moment when it lags. */
async function withInspector(deps: CommandDeps, status: ServiceStatus): Promise<ServiceStatus> {
  let current = status;
  for (let i = 0; current.debugPort === undefined && current.state !== 'Failed' && i < 40; i++) {
    await sleep(250);
    current = await deps.workspace().services.get(status.name);
  }
  return current;
}

export async function debugService(deps: CommandDeps, target: unknown, computeType: DebugComputeType): Promise<DebugSession | undefined> {
  const title = computeType === 'docker' ? 'Debug in Docker' : 'Debug Locally';
  const service = await serviceFor(deps, target, `${title}: which service?`);
  const python = isPythonEntryScript(service.entryScript);
  if (python && !(await pythonDebuggable(deps, service, computeType))) return undefined;
  let twin: ServiceStatus;
  try {
    twin = await withInspector(deps, await runTwin(deps, service, computeType));
  } catch (err) {
    if (!(err instanceof EngineUnreachableError || (err instanceof Error && err.name === 'EngineUnreachableError'))) throw err;
    // One actionable notification: the core's message says how to start an engine; the button shows more.
    deps.log.warn(`${title}: ${err.message}`);
    void deps.ui.error(err.message, 'Get Docker').then((button) => {
      if (button === 'Get Docker') void deps.ui.openExternal(engineDocsUrl);
    });
    return undefined;
  } finally {
    deps.refresh();
  }
  const debugTarget = debugTargetOf(twin);
  const configuration = python ? pythonAttachConfiguration(twin.name, debugTarget.inspectorPort, debugTarget.sourceDir) : attachConfiguration(debugTarget);
  deps.log.info(`Attaching the ${python ? 'Python ' : ''}debugger to ${twin.name} on 127.0.0.1:${debugTarget.inspectorPort}`);
  if (!(await deps.ui.startDebugging(configuration))) {
    const which = python ? 'the Python Debugger extension (ms-python.debugpy) installed and enabled' : 'the JavaScript debugger (ms-vscode.js-debug) enabled';
    throw new ModelportError('unavailable', `The debugger could not attach to ${twin.name} (127.0.0.1:${debugTarget.inspectorPort}). Is ${which}?`);
  }
  const script = twin.entryScript ? twin.entryScript.split(/[\\/]/).pop() : 'the entry script';
  void deps.ui
    .info(`Debugging ${twin.name}: a request to ${twin.scoringUri} stops at breakpoints in ${script}.`, 'Test Endpoint', 'Copy Scoring URI')
    .then((button) => {
      if (button === 'Test Endpoint') void deps.runCommand('modelport.service.test', twin.name);
      if (button === 'Copy Scoring URI') void deps.runCommand('modelport.service.copyScoringUri', twin.name);
    });
  return { service: twin, configuration };
}

/**
 * A score.py is debugged locally with debugpy in its first worker: Docker is refused with the way to go, and an
 * environment without debugpy gets one message saying how to add it (nothing is deployed then).
 */
async function pythonDebuggable(deps: CommandDeps, service: ServiceStatus, computeType: DebugComputeType): Promise<boolean> {
  if (computeType === 'docker') {
    throw new ConflictError(`${service.name} runs a Python score.py: Debug in Docker attaches the Node inspector to JavaScript entry scripts. Use Debug Locally, which attaches VS Code's Python debugger (debugpy) to the script's worker.`);
  }
  const python = service.python?.executable ?? requestedInterpreter(service.python, process.env);
  if (await canImport(python, 'debugpy')) return true;
  const envFile = service.python?.environmentFile;
  const how = envFile ? `Add debugpy to the pip: list of ${envFile}` : `Install it: ${python} -m pip install debugpy`;
  const message = `debugpy is not installed in the Python environment of ${service.name} (${python}), so VS Code's Python debugger cannot attach. ${how}, then run Debug Locally again.`;
  deps.log.warn(message);
  void deps.ui.error(message, ...(envFile ? ['Open Environment File'] : [])).then((button) => {
    if (button === 'Open Environment File' && envFile) void deps.ui.openFile(envFile);
  });
  return false;
}
