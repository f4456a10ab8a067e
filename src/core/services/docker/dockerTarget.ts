// The `docker` target: the same detached host and port-owning proxy as the local target, whose instances are
// containers (src/serviceHost/containerInstance.ts). On top of the local target this checks that an engine
// answers before anything starts, builds the generation's image in the foreground (so the build streams as
// progress and fails with its own output), and removes the service's containers and images on delete.
import { appendFile } from 'node:fs/promises';
import { sleep } from '../../async/sleep';
import { containersWithLabelCommand, removeContainersCommand, serviceLabel, versionCommand, type DockerRunner } from '../../docker/dockerCommand';
import { EngineUnreachableError } from '../../docker/dockerErrors';
import { extraBuildArgs } from '../../docker/engineArgs';
import { ensureServiceImage, removeServiceImages } from '../../docker/serviceImage';
import { errorMessage } from '../../errors';
import type { ModelRegistry } from '../../registry/modelRegistry';
import { LocalProcessTarget, type LocalRuntime } from '../local/localProcessTarget';
import type { ServiceStore, StoredRecord } from '../serviceStore';
import type { DeploymentTarget, StartedService, TargetStatus } from '../target';
import type { LifecycleOptions } from '../types';

export class DockerTarget implements DeploymentTarget {
  readonly computeType = 'docker' as const;
  private readonly host: LocalProcessTarget;

  constructor(
    private readonly store: ServiceStore,
    private readonly runtime: LocalRuntime,
    private readonly registry: Pick<ModelRegistry, 'get'>,
    private readonly runner: DockerRunner,
  ) {
    this.host = new LocalProcessTarget(store, runtime, 'docker');
  }

  /** Fails fast, with how to start one, when no engine answers. */
  async checkEngine(): Promise<string> {
    const version = await this.runner.run(versionCommand());
    if (!version.Server) throw new EngineUnreachableError('the docker CLI answered, but no engine did');
    return version.Server.Version;
  }

  private async buildImage(record: StoredRecord, options: LifecycleOptions): Promise<void> {
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

  async start(record: StoredRecord, options: LifecycleOptions): Promise<StartedService> {
    await this.buildImage(record, options);
    return this.host.start(record, options);
  }

  status(record: StoredRecord): Promise<TargetStatus> {
    return this.host.status(record);
  }

  isRunning(record: StoredRecord): Promise<boolean> {
    return this.host.isRunning(record);
  }

  async reload(record: StoredRecord, options: LifecycleOptions): Promise<void> {
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

  async stop(record: StoredRecord, options: LifecycleOptions): Promise<void> {
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
