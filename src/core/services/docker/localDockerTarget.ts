// The `docker` target: the same detached host and port-owning proxy as the local target, whose instances are
// containers on the local engine (src/serviceHost/dockerContainerInstance.ts). On top of the host this checks
// that an engine answers before anything starts, builds the generation's image in the foreground (so the build
// streams as progress and fails with its own output), and removes the service's containers and images on delete.
import { appendFile } from 'node:fs/promises';
import { sleep } from '../../async/sleep';
import { deploymentDefaults } from '../../config/deploymentConfig';
import { DockerCliRunner } from '../../docker/dockerCliRunner';
import { containersWithLabelCommand, removeContainersCommand, serviceLabel, versionCommand, type DockerRunner } from '../../docker/dockerCommand';
import { EngineUnreachableError } from '../../docker/dockerErrors';
import { extraBuildArgs } from '../../docker/engineArgs';
import { ensureServiceImage, removeServiceImages } from '../../docker/serviceImage';
import { errorMessage } from '../../errors';
import type { ModelRegistry } from '../../registry/modelRegistry';
import { loopbackPortInUse } from '../host/portProbe';
import { ServiceHostController, hostPort, hostPortOf, type LocalRuntime } from '../host/serviceHostController';
import type { ServiceRecord, TargetSettingsOf } from '../serviceRecord';
import type { ServiceStore, StoredKeys } from '../serviceStore';
import type { DeploymentTarget, StartedService, TargetContext, TargetRequest, TargetStatus } from '../target';
import type { LifecycleOptions, LogOptions } from '../types';

type DockerSettings = TargetSettingsOf<'docker'>;

/**
 * How long an engine's answer to `docker version` is taken as still true. A deploy asks in its preflight and again
 * before its build, seconds apart; Podman takes seconds to answer (it asks the package manager for its components'
 * versions), so the second question is answered from the first. An engine that stops meanwhile still fails the
 * build itself, with the same EngineUnreachableError.
 */
const engineCheckReuseMs = 60_000;

/**
 * The container's settings from the deployment config. `--cpus` and `--memory` are hard limits, so they come from
 * cpuLimit / memoryInGBLimit, else from cpu / memoryInGB. Azure's defaults for those two (0.1 CPU, 0.5 GB: sized
 * for a cloud scheduler) are not imposed on a local container: a file that does not set them gets no limit.
 */
export function dockerSettings(request: TargetRequest, current: DockerSettings | undefined): DockerSettings {
  const config = request.config?.computeType === 'docker' ? request.config : undefined;
  const baseImage = config?.docker.baseImage ?? request.baseImage ?? current?.image.baseImage;
  const editorRunArgs = request.dockerRunArgs ?? current?.editorRunArgs;
  const settings: DockerSettings = {
    kind: 'docker',
    port: hostPort(request, current),
    image: { ...(baseImage !== undefined ? { baseImage } : {}), buildArgs: config ? { ...config.docker.buildArgs } : { ...current?.image.buildArgs } },
    runArgs: config ? [...config.docker.runArgs] : [...(current?.runArgs ?? [])],
    ...(editorRunArgs !== undefined && editorRunArgs.length > 0 ? { editorRunArgs: [...editorRunArgs] } : {}),
  };
  if (!config) return { ...settings, ...(current?.cpus !== undefined ? { cpus: current.cpus } : {}), ...(current?.memoryInGB !== undefined ? { memoryInGB: current.memoryInGB } : {}) };
  const r = config.containerResourceRequirements;
  const d = deploymentDefaults.containerResourceRequirements;
  const cpus = r.cpuLimit ?? (r.cpu !== d.cpu ? r.cpu : undefined);
  const memoryInGB = r.memoryInGBLimit ?? (r.memoryInGB !== d.memoryInGB ? r.memoryInGB : undefined);
  return { ...settings, ...(cpus !== undefined ? { cpus } : {}), ...(memoryInGB !== undefined ? { memoryInGB } : {}) };
}

export class LocalDockerTarget implements DeploymentTarget<'docker'> {
  readonly kind = 'docker';
  readonly updateStrategy = 'swap';
  private readonly host: ServiceHostController;
  private readonly store: ServiceStore;
  private readonly registry: Pick<ModelRegistry, 'get'>;
  private engineChecked: { version: string; at: number } | undefined;

  constructor(
    context: TargetContext,
    private readonly runtime: LocalRuntime,
    /** The engine, through the docker CLI (Docker or Podman) unless a test gives another runner. */
    private readonly runner: DockerRunner = new DockerCliRunner(),
  ) {
    this.store = context.store;
    this.registry = context.registry;
    this.host = new ServiceHostController(context.store, runtime);
  }

  settings(request: TargetRequest, current: DockerSettings | undefined): DockerSettings {
    return dockerSettings(request, current);
  }

  /** Fails fast, with how to start one, when no engine answers. */
  async checkEngine(): Promise<string> {
    if (this.engineChecked && Date.now() - this.engineChecked.at < engineCheckReuseMs) return this.engineChecked.version;
    this.engineChecked = undefined;
    const version = await this.runner.run(versionCommand());
    if (!version.Server) throw new EngineUnreachableError('the docker CLI answered, but no engine did');
    this.engineChecked = { version: version.Server.Version, at: Date.now() };
    return version.Server.Version;
  }

  private async buildImage(record: ServiceRecord, options: LifecycleOptions): Promise<void> {
    const engine = await this.checkEngine();
    const logFile = this.store.logFile(record.name);
    const lines: string[] = [];
    const flush = async (): Promise<void> => {
      const text = lines.splice(0).map((l) => `${new Date().toISOString()} BUILD ${l}\n`).join('');
      if (text) await appendFile(logFile, text, { mode: 0o600 }).catch(() => undefined);
    };
    options.onProgress?.(`Building image modelport/${record.name}:${record.generation} (engine ${engine})`);
    try {
      const image = await ensureServiceImage(record, {
        registry: this.registry,
        cliPath: this.runtime.cliPath,
        runner: this.runner,
        extraBuildArgs: extraBuildArgs(),
        signal: options.signal,
        onLine: (line) => {
          lines.push(line);
          options.onProgress?.(`build | ${line}`);
        },
      });
      if (!image.built) options.onProgress?.(`Image ${image.tag} is already built`);
    } finally {
      await flush();
    }
  }

  async preflight(record: ServiceRecord): Promise<void> {
    await this.checkEngine();
    await this.host.checkPort(record);
  }

  // The host reads the credentials from the service's owner-only keys file and hands them to the container.
  async start(record: ServiceRecord, _credentials: StoredKeys, options: LifecycleOptions): Promise<StartedService> {
    // A port another process holds fails the host before it needs the image (with the same message and Failed
    // state): no build for nothing. Should the port be free again by then, the host builds the image itself.
    if (!(await loopbackPortInUse(hostPortOf(record)))) await this.buildImage(record, options);
    return this.host.start(record, options);
  }

  status(record: ServiceRecord): Promise<TargetStatus> {
    return this.host.status(record);
  }

  isRunning(record: ServiceRecord): Promise<boolean> {
    return this.host.isRunning(record);
  }

  logs(record: ServiceRecord, options: LogOptions): AsyncIterable<string> {
    return this.host.logs(record, options);
  }

  async reload(record: ServiceRecord, _credentials: StoredKeys, options: LifecycleOptions): Promise<void> {
    await this.buildImage(record, options);
    try {
      await this.host.reload(record, options);
    } finally {
      // Keep only the image of the generation that serves (the new one, or the old one after a failed update).
      const serving = (await this.store.readHostState(record.name).catch(() => undefined))?.generation;
      if (serving !== undefined) {
        await this.waitForRetired(record.name);
        await removeServiceImages(this.runner, record.name, serving).catch(() => undefined);
      }
    }
  }

  /** The host retires the previous container once its last request is answered: wait for it (bounded). */
  private async waitForRetired(name: string): Promise<void> {
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      const ids = await this.runner.run(containersWithLabelCommand(serviceLabel, name)).catch(() => []);
      if (ids.length <= 1) return;
      await sleep(250);
    }
  }

  async stop(record: ServiceRecord, options: LifecycleOptions): Promise<void> {
    await this.host.stop(record, options);
    // Whatever is left (a host killed before it could stop its container): the labels find it.
    try {
      const leftovers = await this.runner.run(containersWithLabelCommand(serviceLabel, record.name));
      if (leftovers.length > 0) {
        options.onProgress?.(`Removing ${leftovers.length} container(s) of '${record.name}'`);
        await this.runner.run(removeContainersCommand(leftovers));
      }
      const images = await removeServiceImages(this.runner, record.name);
      if (images.length > 0) options.onProgress?.(`Removed image(s) ${images.join(', ')}`);
    } catch (err) {
      options.onProgress?.(`Could not clean up the containers and images of '${record.name}': ${errorMessage(err)}`);
    }
  }
}
