// One scoring instance in a container on the local engine (the `docker` target): the service's image for its generation (built if the engine lacks it),
// run with its port published on a free loopback port, credentials passed through an owner-only env file that
// is deleted once the container exists, logs followed into the service log. The host treats it exactly like a
// process Instance: `ready` resolves with the port once the container answers GET /, `exited` when it stops.
import type { ChildProcess } from 'node:child_process';
import { startReaper } from './containerReaper';
import { InFlight } from './inFlight';
import { batchingEnv, limitsEnv, workersEnv } from '../core/services/runtimeEnv';
import { extraBuildArgs, extraRunArgs } from '../core/docker/engineArgs';
import { ModelRegistry } from '../core/registry/modelRegistry';
import type { ServiceRecord } from '../core/services/serviceRecord';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { containerPort, inspectorPort, serveCommand } from '../core/docker/buildContext';
import {
  containerInspectCommand,
  logsCommand,
  removeContainersCommand,
  runCommand,
  stopCommand,
  waitCommand,
  type DockerRunner,
} from '../core/docker/dockerCommand';
import { ContainerExitedError, DockerCommandError, isPortInUse } from '../core/docker/dockerErrors';
import { ensureServiceImage, serviceLabels } from '../core/docker/serviceImage';
import type { StoredKeys } from '../core/services/serviceStore';
import type { InstanceFactory, ScoringInstance } from './scoringInstance';

export interface DockerContainerSpec {
  /** Where the host answers for the service, for the container's "listening" line. */
  publicUrl?: string;
  record: ServiceRecord;
  keys: StoredKeys | undefined;
  registry: Pick<ModelRegistry, 'get'>;
  cliPath: string;
  runner: DockerRunner;
  extraRunArgs: readonly string[];
  extraBuildArgs: readonly string[];
}

const healthPollMs = 250;
const logTailLines = 20;

/** A free loopback port (the engine binds it next; a race with another process is retried by the caller). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function credentialLines(record: ServiceRecord, keys: StoredKeys | undefined): string {
  const lines: string[] = [];
  if (record.authMode === 'key' && keys) lines.push(`MODELPORT_PRIMARY_KEY=${keys.primaryKey}`, `MODELPORT_SECONDARY_KEY=${keys.secondaryKey}`);
  if (record.authMode === 'token' && keys) lines.push(`MODELPORT_TOKEN_SECRET=${keys.tokenSecret}`);
  return lines.map((l) => l + '\n').join('');
}

export class DockerContainerInstance implements ScoringInstance {
  readonly generation: number;
  readonly ready: Promise<number>;
  readonly exited: Promise<number | null>;
  port: number | undefined;
  debugPort: number | undefined;
  containerId: string | undefined;
  readonly inFlight = new InFlight();
  private readonly follow = new AbortController();
  private readonly lastLines: string[] = [];
  private resolveExited!: (code: number | null) => void;
  private stopping = false;
  private reaper: ChildProcess | undefined;

  constructor(
    private readonly spec: DockerContainerSpec,
    private readonly log: (line: string) => void,
  ) {
    this.generation = spec.record.generation;
    this.exited = new Promise((resolve) => (this.resolveExited = resolve));
    this.ready = this.start();
    this.ready.catch(() => undefined);
  }

  /** Containers have no pid on this machine's process table. */
  get pid(): number | undefined {
    return undefined;
  }

  private remember(line: string): void {
    this.lastLines.push(line);
    if (this.lastLines.length > logTailLines) this.lastLines.shift();
    this.log(line);
  }

  private async start(): Promise<number> {
    const { record, runner } = this.spec;
    try {
      const image = await ensureServiceImage(record, {
        registry: this.spec.registry,
        cliPath: this.spec.cliPath,
        runner,
        extraBuildArgs: this.spec.extraBuildArgs,
        onLine: (line) => this.log(`build | ${line}`),
      });
      if (image.built) this.log(`built image ${image.tag}`);
      this.containerId = await this.run(image.tag);
      this.log(`started container ${this.containerId.slice(0, 12)} from ${image.tag} on 127.0.0.1:${this.port}${this.debugPort ? `, inspector on 127.0.0.1:${this.debugPort}` : ''}`);
    } catch (err) {
      this.resolveExited(null);
      throw err;
    }
    const id = this.containerId;
    this.reaper = startReaper(this.spec.cliPath, id);
    void runner.run(logsCommand(id, { follow: true }), { onLine: (line) => this.remember(line), signal: this.follow.signal }).catch(() => undefined);
    void runner.run(waitCommand(id)).then(
      (code) => this.resolveExited(Number.isNaN(code) ? null : code),
      () => this.resolveExited(null),
    );
    return this.waitHealthy(id);
  }

  /** `docker run`, retried on another port if one was taken between choosing it and binding it. */
  private async run(image: string): Promise<string> {
    const { record, runner } = this.spec;
    const envDir = await mkdtemp(join(tmpdir(), 'modelport-env-'));
    const envFile = join(envDir, 'credentials.env');
    try {
      await writeFile(envFile, credentialLines(record, this.spec.keys), { mode: 0o600 });
      for (let attempt = 1; ; attempt++) {
        this.port = await freePort();
        this.debugPort = record.debug ? await freePort() : undefined;
        const name = `modelport-${record.name}-${record.generation}-${randomBytes(3).toString('hex')}`;
        const ports = [{ host: this.port, container: containerPort }];
        if (this.debugPort) ports.push({ host: this.debugPort, container: inspectorPort });
        const target = record.target.kind === 'docker' ? record.target : undefined;
        const memory = target?.memoryInGB;
        try {
          return await runner.run(
            runCommand({
              name,
              image,
              labels: serviceLabels(record.name, record.generation),
              ports,
              envFile,
              env: { ...batchingEnv(record.batching), ...limitsEnv(record.limits), ...workersEnv(record), ...(this.spec.publicUrl ? { MODELPORT_PUBLIC_URL: this.spec.publicUrl } : {}) },
              cpus: target?.cpus,
              memoryBytes: memory === undefined ? undefined : memory * 1024 ** 3,
              // The config's, then the engine's own (MODELPORT_DOCKER_RUN_ARGS), then the editor's setting.
              extraArgs: [...(target?.runArgs ?? []), ...this.spec.extraRunArgs, ...(target?.editorRunArgs ?? [])],
              command: record.debug ? serveCommand(true) : undefined,
            }),
          );
        } catch (err) {
          if (err instanceof DockerCommandError && isPortInUse(err.stderr) && attempt < 3) {
            await runner.run(removeContainersCommand([name])).catch(() => undefined);
            continue;
          }
          throw err;
        }
      }
    } finally {
      await rm(envDir, { recursive: true, force: true });
    }
  }

  private async waitHealthy(id: string): Promise<number> {
    let exitCode: number | null | undefined;
    void this.exited.then((code) => (exitCode = code));
    for (;;) {
      if (exitCode !== undefined || this.stopping) {
        const state = await this.spec.runner.run(containerInspectCommand(id)).catch(() => undefined);
        await new Promise((r) => setTimeout(r, 200)); // the last lines of `docker logs -f`
        throw new ContainerExitedError(id.slice(0, 12), state?.[0]?.State.ExitCode ?? exitCode ?? null, [...this.lastLines]);
      }
      try {
        const res = await fetch(`http://127.0.0.1:${this.port}/`, { signal: AbortSignal.timeout(2000) });
        await res.arrayBuffer();
        if (res.status === 200) return this.port as number;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, healthPollMs));
    }
  }
  /** `docker stop` (SIGTERM through --init, so in-flight requests drain), then the container is removed. */
  async stop(graceMs = 10_000): Promise<void> {
    this.stopping = true;
    const id = this.containerId;
    if (!id) {
      await this.ready.catch(() => undefined);
      if (!this.containerId) return;
      return this.stop(graceMs);
    }
    const runner = this.spec.runner;
    await runner.run(stopCommand(id, Math.ceil(graceMs / 1000))).catch(() => undefined);
    this.follow.abort();
    await runner.run(removeContainersCommand([id])).catch(() => undefined);
    this.reaper?.stdin?.end();
    this.resolveExited(await this.exitCodeOr(null));
  }

  private async exitCodeOr(fallback: number | null): Promise<number | null> {
    return Promise.race([this.exited, new Promise<number | null>((r) => setTimeout(() => r(fallback), 1000))]);
  }
}

/** A container per instance, on the engine the docker CLI reaches (DOCKER_HOST), from the service's image. */
export function dockerContainerInstances(cliPath: string, runner: DockerRunner): InstanceFactory {
  return {
    noun: 'container',
    // A container instance may build its image first (when the deploying CLI did not).
    readyTimeoutMs: 900_000,
    create: async (record, keys, { workspaceDir, publicUrl, log }) =>
      new DockerContainerInstance({ record, keys, registry: new ModelRegistry(workspaceDir), cliPath, runner, extraRunArgs: extraRunArgs(), extraBuildArgs: extraBuildArgs(), publicUrl }, log),
  };
}
