// A service on this machine runs as a detached host process (`modelport service-host`) that owns a loopback port
// and runs the scoring instance: a child process (the `local` target) or a container on the local engine (the
// `docker` target). The host outlives the CLI or editor that deployed it and is found again through the pid it
// records in host.json. This controller starts, watches, reloads and stops such hosts for both targets.
import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { get as httpsGet } from 'node:https';
import { sleep } from '../../async/sleep';
import { isProcessAlive } from '../../fs/processAlive';
import { ConflictError, errorMessage } from '../../errors';
import { DeploymentFailedError } from '../deploymentFailedError';
import { followLines, tailLines } from '../logFile';
import { findServiceHost, listModelportProcesses, serviceDirEnv, stopModelportProcess, type ModelportProcess } from './modelportProcesses';
import type { ServiceRecord } from '../serviceRecord';
import type { HostState, ServiceStore } from '../serviceStore';
import type { StartedService, TargetRequest, TargetStatus } from '../target';
import type { LifecycleOptions, LogOptions } from '../types';

export interface LocalRuntime {
  /** The Node binary that runs the host (in VS Code: the extension host's, with ELECTRON_RUN_AS_NODE). */
  nodePath: string;
  /** The bundled `modelport` CLI (dist/cli.js). */
  cliPath: string;
}

const startTimeoutMs = 180_000;
const pollMs = 100;
const logTailLines = 30;

/**
 * The port rule of services on this machine: `--port` wins over the deployment config's `port`; 0 picks a free
 * port at the first start. An update keeps the scoring URI, so a port once chosen cannot change.
 */
export function hostPort(request: TargetRequest, current: { port: number } | undefined): number {
  const fromConfig = request.config && 'port' in request.config ? request.config.port : undefined;
  const port = request.port ?? fromConfig ?? current?.port ?? 0;
  if (current && current.port !== 0 && port !== current.port) {
    throw new ConflictError(`Service '${request.name}' answers on port ${current.port}; an update keeps its scoring URI, so the port cannot change. Deploy a new service for another port.`);
  }
  return port;
}

/** The port a service host owns, for the targets that run one. */
export function hostPortOf(record: ServiceRecord): number {
  const t = record.target;
  if (t.kind === 'local' || t.kind === 'docker') return t.port;
  throw new ConflictError(`Service '${record.name}' does not run on this machine: it has no host port.`);
}

function withHostPort(target: ServiceRecord['target'], port: number): ServiceRecord['target'] {
  return target.kind === 'local' || target.kind === 'docker' ? { ...target, port } : target;
}

/** Where a host on `port` answers: HTTPS when the record asks for TLS. */
export function endpointOf(record: ServiceRecord, port: number): StartedService {
  const origin = `${record.tls ? 'https' : 'http'}://127.0.0.1:${port}`;
  return { scoringUri: `${origin}/score`, swaggerUri: `${origin}/swagger.json`, target: withHostPort(record.target, port) };
}

/** GET / on the host's port (over TLS with the service's own certificate as the only trusted one). */
async function healthCheck(record: ServiceRecord, port: number): Promise<number> {
  if (!record.tls) {
    const res = await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(2000) });
    await res.arrayBuffer();
    return res.status;
  }
  const ca = await readFile(record.tls.certificate);
  return new Promise((resolve, reject) => {
    const req = httpsGet({ host: '127.0.0.1', port, path: '/', ca, checkServerIdentity: () => undefined, timeout: 2000 }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', reject);
  });
}

export class ServiceHostController {
  constructor(
    private readonly store: ServiceStore,
    private readonly runtime: LocalRuntime,
  ) {}

  private async hostAlive(name: string): Promise<HostState | undefined> {
    const host = await this.store.readHostState(name);
    return host && host.state !== 'Stopped' && isProcessAlive(host.pid) ? host : undefined;
  }

  /** Whether a host was started for this service within the start timeout (only then is the process table read). */
  private async startedRecently(name: string): Promise<boolean> {
    const touched = await stat(this.store.hostStartingFile(name)).then((s) => s.mtimeMs, () => undefined);
    return touched !== undefined && Date.now() - touched < startTimeoutMs;
  }

  /** A host started moments ago that has not written host.json yet, if any. */
  private async startingHost(name: string): Promise<ModelportProcess | undefined> {
    return (await this.startedRecently(name)) ? findServiceHost(this.store.dir(name)) : undefined;
  }

  /** Running, or starting: start and update must not start a second host beside one that has not reported yet. */
  async isRunning(record: ServiceRecord): Promise<boolean> {
    return (await this.hostAlive(record.name)) !== undefined || (await this.startingHost(record.name)) !== undefined;
  }

  /** The running host; one still starting is waited for until it has written host.json (it then takes signals). */
  private async hostToSignal(name: string, options: LifecycleOptions): Promise<HostState | undefined> {
    const deadline = Date.now() + startTimeoutMs;
    for (;;) {
      const host = await this.hostAlive(name);
      if (host || Date.now() > deadline || !(await this.startingHost(name))) return host;
      await sleep(pollMs, options.signal);
    }
  }

  private async logTail(name: string): Promise<string[]> {
    return (await tailLines(this.store.logFile(name), logTailLines)).lines;
  }

  /** Streams the service log to onProgress from `offset` while `wait` runs. */
  private async withLogStream<T>(name: string, offset: number, options: LifecycleOptions, wait: () => Promise<T>): Promise<T> {
    const stop = new AbortController();
    const pump = (async () => {
      if (!options.onProgress) return;
      for await (const line of followLines(this.store.logFile(name), offset, stop.signal, pollMs)) options.onProgress(line);
    })();
    try {
      return await wait();
    } finally {
      // Shown progress: the lines still on their way to the log (an instance's output relayed through the host,
      // a container's through `docker logs -f`) get a moment, and the pump reads the log once more after the abort.
      // Without progress to show (`-q`, `--json`) there is nothing to wait for.
      if (options.onProgress) await sleep(pollMs * 2);
      stop.abort();
      await pump;
    }
  }

  /** Starts the host; resolves once it reports Healthy, with the port it owns in the record's target settings. */
  /** Another running service on this machine that owns `port`. */
  private async portOwner(port: number, except: string): Promise<string | undefined> {
    for (const other of await this.store.names()) {
      if (other === except) continue;
      const host = await this.store.readHostState(other).catch(() => undefined);
      if (host && host.port === port && host.state !== 'Stopped' && isProcessAlive(host.pid)) return other;
    }
    return undefined;
  }

  /** Refuses a port another running service on this machine owns, naming it. */
  async checkPort(record: ServiceRecord): Promise<void> {
    const wanted = hostPortOf(record);
    const owner = wanted === 0 ? undefined : await this.portOwner(wanted, record.name);
    if (owner) {
      throw new ConflictError(`Port ${wanted} is in use by service '${owner}'. Deploy with another port, or stop that service first ('modelport service stop ${owner}').`);
    }
  }

  async start(record: ServiceRecord, options: LifecycleOptions): Promise<StartedService> {
    const name = record.name;
    await this.checkPort(record);
    const logFile = this.store.logFile(name);
    const offset = (await tailLines(logFile, 0)).size;
    options.onProgress?.(`Starting local service '${name}' (${record.models.join(', ') || 'entry script only'})`);
    await writeFile(this.store.hostStartingFile(name), '', { mode: 0o600 });
    const fd = openSync(logFile, 'a', 0o600);
    let child;
    try {
      child = spawn(this.runtime.nodePath, [this.runtime.cliPath, 'service-host', this.store.dir(name)], {
        detached: true,
        stdio: ['ignore', fd, fd],
        // The marker of Modelport's processes: the host and its children carry their service folder.
        env: { ...process.env, ELECTRON_RUN_AS_NODE: '1', [serviceDirEnv]: this.store.dir(name) },
      });
    } finally {
      closeSync(fd);
    }
    child.unref();
    let exitCode: number | null | undefined;
    child.once('exit', (code) => (exitCode = code));
    const pid = child.pid;
    if (pid === undefined) throw new DeploymentFailedError(`Could not start the service host for '${name}'.`, [], { service: name });

    const host = await this.withLogStream(name, offset, options, async () => {
      const deadline = Date.now() + startTimeoutMs;
      while (Date.now() < deadline) {
        if (options.signal?.aborted) {
          process.kill(pid, 'SIGTERM');
          throw new DeploymentFailedError(`Deployment of '${name}' was cancelled.`, [], { service: name });
        }
        const state = await this.store.readHostState(name).catch(() => undefined);
        if (state?.pid === pid && (state.state === 'Healthy' || state.state === 'Failed')) return state;
        if (exitCode !== undefined) break;
        await sleep(pollMs, options.signal);
      }
      const state = await this.store.readHostState(name).catch(() => undefined);
      if (state?.pid === pid && state.state !== 'Transitioning') return state;
      if (exitCode === undefined) process.kill(pid, 'SIGTERM');
      return { ...(state ?? { pid, port: 0, generation: 0, updatedTime: new Date().toISOString() }), state: 'Failed' as const, detail: exitCode === undefined ? `The service was not Healthy after ${startTimeoutMs / 1000} s.` : `The service host exited with code ${exitCode}.` };
    });
    if (host.state !== 'Healthy') {
      throw new DeploymentFailedError(`Deployment of '${name}' failed: ${host.detail ?? 'unknown reason'}`, await this.logTail(name), { service: name });
    }
    const endpoint = endpointOf(record, host.port);
    options.onProgress?.(`Healthy: ${endpoint.scoringUri}`);
    return endpoint;
  }

  async status(record: ServiceRecord): Promise<TargetStatus> {
    const host = await this.store.readHostState(record.name).catch((err: unknown) => {
      return { state: 'Failed' as const, detail: errorMessage(err), pid: -1, debugPort: undefined };
    });
    if (host && !('generation' in host)) return { state: host.state, detail: host.detail };
    if (!host || !isProcessAlive(host.pid)) {
      // A host just spawned has not written host.json yet (or the file names the one before it).
      const starting = await this.startingHost(record.name);
      if (starting) return { state: 'Transitioning', detail: `The service host (pid ${starting.pid}) is starting.` };
    }
    if (!host) return { state: 'Stopped', detail: 'The service has never started.' };
    if (!isProcessAlive(host.pid)) {
      if (host.state === 'Failed') return { state: 'Failed', detail: host.detail };
      if (host.state === 'Stopped') return { state: 'Stopped', detail: `${host.detail ?? 'Stopped.'} Start it again with 'modelport service start ${record.name}'.` };
      return { state: 'Stopped', detail: `The service is not running (stopped, or the machine restarted). Start it again with 'modelport service start ${record.name}'.` };
    }
    const known = { servingGeneration: host.generation, ...(host.port > 0 ? { endpoint: endpointOf(record, host.port) } : {}) };
    if (host.state !== 'Healthy') return { state: host.state, detail: host.detail, ...known };
    if (host.updating !== undefined) return { state: 'Transitioning', detail: `Starting generation ${host.updating} beside generation ${host.generation}, which serves meanwhile.`, ...known };
    // The host says Healthy: ask the service itself, briefly.
    const debugPort = record.debug ? host.debugPort : undefined;
    try {
      const status = await healthCheck(record, host.port);
      if (status === 200) return { state: 'Healthy', detail: undefined, ...known, ...(debugPort !== undefined ? { debugPort } : {}) };
      return { state: 'Unhealthy', detail: `The health check answered ${status}.`, ...known };
    } catch (err) {
      return { state: 'Unhealthy', detail: `The health check failed: ${errorMessage(err)}`, ...known };
    }
  }

  /** Tells the host to start the record's generation beside the current instance and switch to it. */
  async reload(record: ServiceRecord, options: LifecycleOptions): Promise<void> {
    const host = await this.hostToSignal(record.name, options);
    if (!host) throw new DeploymentFailedError(`Service '${record.name}' is not running.`, [], { service: record.name });
    const offset = (await tailLines(this.store.logFile(record.name), 0)).size;
    options.onProgress?.(`Updating '${record.name}' to generation ${record.generation}: starting a new instance beside the current one`);
    process.kill(host.pid, 'SIGHUP');
    const outcome = await this.withLogStream(record.name, offset, options, async () => {
      const deadline = Date.now() + startTimeoutMs;
      while (Date.now() < deadline) {
        const state = await this.store.readHostState(record.name);
        if (state?.lastUpdate && state.lastUpdate.generation >= record.generation) return state.lastUpdate;
        if (!isProcessAlive(host.pid)) return { generation: record.generation, outcome: 'failed' as const };
        await sleep(pollMs, options.signal);
      }
      return { generation: record.generation, outcome: 'failed' as const, reason: `The new instance was not Healthy after ${startTimeoutMs / 1000} s.` };
    });
    if (outcome.outcome !== 'succeeded') {
      if (!isProcessAlive(host.pid)) {
        throw new DeploymentFailedError(`Update of '${record.name}' failed: the service host stopped during the update, so nothing serves. Start it with 'modelport service start ${record.name}'.`, await this.logTail(record.name), { service: record.name });
      }
      throw new DeploymentFailedError(`Update of '${record.name}' failed; the previous version keeps serving. ${outcome.reason ?? ''}`.trim(), await this.logTail(record.name), { service: record.name, previousServing: true });
    }
    options.onProgress?.(`Healthy: generation ${record.generation} is serving at http://127.0.0.1:${host.port}/score`);
  }

  async stop(record: ServiceRecord, options: LifecycleOptions): Promise<void> {
    const host = await this.hostAlive(record.name);
    if (host) {
      options.onProgress?.(`Stopping '${record.name}' (pid ${host.pid}): draining in-flight requests`);
      process.kill(host.pid, 'SIGTERM');
      const deadline = Date.now() + 20_000;
      while (isProcessAlive(host.pid) && Date.now() < deadline) await sleep(pollMs);
      if (isProcessAlive(host.pid)) {
        process.kill(host.pid, 'SIGKILL');
        if (host.instancePid && isProcessAlive(host.instancePid)) process.kill(host.instancePid, 'SIGKILL');
      }
    }
    // Whatever else still runs for this service (a host its record lost track of, an instance whose host was
    // killed): found by the marker in its environment, stopped by pid.
    const dir = this.store.dir(record.name);
    for (const p of (await listModelportProcesses()).filter((q) => q.serviceDir === dir)) {
      options.onProgress?.(`Stopping a stray ${p.role} process of '${record.name}' (pid ${p.pid})`);
      await stopModelportProcess(p);
    }
  }

  /** The service log the host writes: the host's lines, the instance's, one per request. */
  async *logs(record: ServiceRecord, options: LogOptions): AsyncIterable<string> {
    const file = this.store.logFile(record.name);
    const { lines, size } = await tailLines(file, options.tail ?? Infinity);
    yield* lines;
    if (options.follow) yield* followLines(file, size, options.signal);
  }
}
