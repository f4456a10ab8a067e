// The service lifecycle over a workspace: deploy, update in place, inspect, read logs, delete, and manage
// credentials. Records, models and keys are handled here once; where a service runs is its target's job.
import { randomBytes } from 'node:crypto';
import { generateKey, signToken, tokenLifetimeMs } from '../auth/credentials';
import { loadDeploymentConfig, loadInferenceConfig } from '../config/loadConfig';
import { deploymentDefaults } from '../config/deploymentConfig';
import { DockerCliRunner } from '../docker/dockerCliRunner';
import type { DockerRunner } from '../docker/dockerCommand';
import { dockerSettingsFrom } from '../docker/dockerSettings';
import { BadRequestError, ConfigError, ConflictError, errorMessage } from '../errors';
import type { ModelRegistry } from '../registry/modelRegistry';
import { followLines, tailLines } from './logFile';
import { DockerTarget } from './docker/dockerTarget';
import { LocalProcessTarget, type LocalRuntime } from './local/localProcessTarget';
import { ServiceStore, publicKeys, servicesUsing, validateServiceName, type StoredKeys, type StoredRecord } from './serviceStore';
import type { DeploymentTarget } from './target';
import type {
  ComputeType,
  DeployRequest,
  KeyName,
  LifecycleOptions,
  ServiceKeys,
  ServiceLifecycle,
  ServiceRecord,
  ServiceStatus,
  ServiceToken,
} from './types';

interface Settings {
  computeType: ComputeType;
  entryScript: string | undefined;
  sourceDir: string | undefined;
  authMode: ServiceRecord['authMode'];
  port: number;
  corsOrigins: string[];
  timeoutMs: number;
  configKeys: { primaryKey?: string; secondaryKey?: string };
  debug: boolean;
  batching: ServiceRecord['batching'];
  environment: ServiceRecord['environment'];
  docker: ServiceRecord['docker'];
}

function toRecord(stored: StoredRecord): ServiceRecord {
  return { ...stored, entryScript: stored.entryScript, sourceDir: stored.sourceDir };
}

export class ServiceManager implements ServiceLifecycle {
  private readonly store: ServiceStore;
  private readonly targets: Map<ComputeType, DeploymentTarget>;

  constructor(
    workspaceDir: string,
    private readonly registry: ModelRegistry,
    runtime: LocalRuntime,
    dockerRunner: DockerRunner = new DockerCliRunner(),
  ) {
    this.store = new ServiceStore(workspaceDir);
    this.targets = new Map<ComputeType, DeploymentTarget>([
      ['local', new LocalProcessTarget(this.store, runtime)],
      ['docker', new DockerTarget(this.store, runtime, registry, dockerRunner)],
    ]);
  }

  private target(computeType: ComputeType): DeploymentTarget {
    const t = this.targets.get(computeType);
    if (!t) {
      throw new ConfigError(`The '${computeType}' target is not available in this version of Modelport. Deploy with computeType 'local' or 'docker'.`);
    }
    return t;
  }

  private async resolveModels(refs: readonly string[]): Promise<string[]> {
    const resolved: string[] = [];
    for (const ref of refs) {
      const m = await this.registry.get(ref);
      resolved.push(`${m.name}:${m.version}`);
    }
    return resolved;
  }

  /** Files first, then the request's shortcuts on top, as a CLI user expects flags to win. */
  private async settings(req: Partial<DeployRequest>, base: Settings | undefined): Promise<Settings> {
    const s: Settings = base
      ? { ...base }
      : {
          computeType: 'local',
          entryScript: undefined,
          sourceDir: undefined,
          authMode: 'none',
          port: 0,
          corsOrigins: [],
          timeoutMs: deploymentDefaults.scoringTimeoutMs,
          configKeys: {},
          debug: false,
          batching: undefined,
          environment: undefined,
          docker: undefined,
        };
    if (req.inferenceConfigPath) {
      const ic = await loadInferenceConfig(req.inferenceConfigPath);
      s.entryScript = ic.entryScript;
      s.sourceDir = ic.sourceDirectory;
      s.environment = ic.environment ? { dependencies: ic.environment.dependencies, variables: ic.environment.variables } : undefined;
      if (ic.baseImage) s.docker = { buildArgs: {}, runArgs: [], ...s.docker, baseImage: ic.baseImage };
    }
    if (req.deploymentConfigPath) {
      const dc = await loadDeploymentConfig(req.deploymentConfigPath);
      s.computeType = dc.computeType;
      s.authMode = dc.auth;
      s.corsOrigins = dc.corsOrigins;
      s.timeoutMs = dc.scoringTimeoutMs;
      s.configKeys = dc.keys;
      s.batching = dc.batching;
      if ((dc.computeType === 'local' || dc.computeType === 'docker') && dc.port !== undefined) s.port = dc.port;
      const docker = dockerSettingsFrom(dc);
      if (docker) s.docker = { ...docker, baseImage: docker.baseImage ?? s.docker?.baseImage };
    }
    if (req.debug !== undefined) s.debug = req.debug;
    if (req.computeType) s.computeType = req.computeType;
    if (req.entryScript !== undefined) s.entryScript = req.entryScript;
    if (req.sourceDir !== undefined) s.sourceDir = req.sourceDir;
    if (req.authMode) s.authMode = req.authMode;
    if (req.port !== undefined) s.port = req.port;
    if (req.corsOrigins) s.corsOrigins = req.corsOrigins;
    if (req.timeoutMs !== undefined) s.timeoutMs = req.timeoutMs;
    return s;
  }

  private newKeys(configKeys: Settings['configKeys']): StoredKeys {
    return {
      primaryKey: configKeys.primaryKey ?? generateKey(),
      secondaryKey: configKeys.secondaryKey ?? generateKey(),
      tokenSecret: randomBytes(32).toString('base64url'),
    };
  }

  async deploy(req: DeployRequest, options: LifecycleOptions = {}): Promise<ServiceStatus> {
    const name = validateServiceName(req.name);
    const settings = await this.settings(req, undefined);
    const target = this.target(settings.computeType);
    const models = await this.resolveModels(req.models);
    if (models.length === 0 && !settings.entryScript) {
      throw new BadRequestError('Nothing to deploy: name at least one registered model, or an entry script (inference config).');
    }
    await this.store.create(name);
    const now = new Date().toISOString();
    const record: StoredRecord = {
      name,
      computeType: settings.computeType,
      models,
      entryScript: settings.entryScript,
      sourceDir: settings.sourceDir,
      authMode: settings.authMode,
      port: settings.port,
      corsOrigins: settings.corsOrigins,
      timeoutMs: settings.timeoutMs,
      scoringUri: '',
      swaggerUri: '',
      createdTime: now,
      updatedTime: now,
      generation: 1,
      ...(settings.debug ? { debug: true } : {}),
      ...(settings.batching ? { batching: settings.batching } : {}),
      ...(settings.environment ? { environment: settings.environment } : {}),
      ...(settings.docker ? { docker: settings.docker } : {}),
    };
    try {
      await this.store.writeKeys(name, this.newKeys(settings.configKeys));
      await this.store.writeRecord(record);
    } catch (err) {
      await this.store.remove(name);
      throw err;
    }
    options.onProgress?.(`Created service '${name}' (${settings.computeType}, auth ${settings.authMode})`);
    const started = await target.start(record, options);
    await this.store.writeRecord({ ...record, port: started.port, scoringUri: started.scoringUri, swaggerUri: started.swaggerUri });
    return this.get(name);
  }

  async update(name: string, changes: Partial<Omit<DeployRequest, 'name'>>, options: LifecycleOptions = {}): Promise<ServiceStatus> {
    const current = await this.store.readRecord(name);
    const base: Settings = {
      computeType: current.computeType,
      entryScript: current.entryScript,
      sourceDir: current.sourceDir,
      authMode: current.authMode,
      port: current.port,
      corsOrigins: current.corsOrigins,
      timeoutMs: current.timeoutMs,
      configKeys: {},
      debug: current.debug ?? false,
      batching: current.batching,
      environment: current.environment,
      docker: current.docker,
    };
    const settings = await this.settings(changes, base);
    if (settings.computeType !== current.computeType) {
      throw new ConflictError(`Service '${name}' runs on '${current.computeType}'; an update cannot move it to '${settings.computeType}'. Deploy a new service instead.`);
    }
    if (settings.port !== current.port && current.port !== 0) {
      throw new ConflictError(`Service '${name}' answers on port ${current.port}; an update keeps its scoring URI, so the port cannot change. Deploy a new service for another port.`);
    }
    const models = changes.models ? await this.resolveModels(changes.models) : current.models;
    const next: StoredRecord = {
      ...current,
      models,
      entryScript: settings.entryScript,
      sourceDir: settings.sourceDir,
      authMode: settings.authMode,
      corsOrigins: settings.corsOrigins,
      timeoutMs: settings.timeoutMs,
      debug: settings.debug || undefined,
      batching: settings.batching,
      environment: settings.environment,
      docker: settings.docker,
      updatedTime: new Date().toISOString(),
      generation: current.generation + 1,
    };
    const target = this.target(current.computeType);
    await this.store.writeRecord(next);
    try {
      if (await target.isRunning(current)) {
        await target.reload(next, options);
      } else {
        options.onProgress?.(`Service '${name}' is not running: starting it`);
        const started = await target.start(next, options);
        await this.store.writeRecord({ ...next, port: started.port, scoringUri: started.scoringUri, swaggerUri: started.swaggerUri });
      }
    } catch (err) {
      // The record describes what runs: an update that did not take leaves the previous record.
      await this.store.writeRecord({ ...current, generation: next.generation });
      throw err;
    }
    return this.get(name);
  }

  async get(name: string): Promise<ServiceStatus> {
    const record = await this.store.readRecord(name);
    const status = await this.target(record.computeType).status(record);
    const debugPort = record.debug && status.state === 'Healthy' ? (await this.store.readHostState(name).catch(() => undefined))?.debugPort : undefined;
    return { ...toRecord(record), state: status.state, detail: status.detail, ...(debugPort !== undefined ? { debugPort } : {}) };
  }

  async list(): Promise<{ services: ServiceStatus[]; problems: Array<{ file: string; message: string }> }> {
    const services: ServiceStatus[] = [];
    const problems: Array<{ file: string; message: string }> = [];
    for (const name of await this.store.names()) {
      try {
        services.push(await this.get(name));
      } catch (err) {
        problems.push({ file: err instanceof ConfigError && err.file ? err.file : this.store.recordFile(name), message: errorMessage(err) });
      }
    }
    return { services, problems };
  }

  async *logs(name: string, options: { tail?: number; follow?: boolean; signal?: AbortSignal } = {}): AsyncIterable<string> {
    await this.store.readRecord(name);
    const file = this.store.logFile(name);
    const { lines, size } = await tailLines(file, options.tail ?? Infinity);
    yield* lines;
    if (options.follow) yield* followLines(file, size, options.signal);
  }

  async delete(name: string, options: LifecycleOptions = {}): Promise<void> {
    const record = await this.store.readRecord(name).catch(async (err: unknown) => {
      // A corrupt record must not make a service undeletable.
      if (err instanceof ConfigError) return undefined;
      throw err;
    });
    if (record) await this.target(record.computeType).stop(record, options);
    await this.store.remove(name);
    options.onProgress?.(`Deleted service '${name}'`);
  }

  private async keysOf(name: string): Promise<{ record: StoredRecord; keys: StoredKeys }> {
    const record = await this.store.readRecord(name);
    return { record, keys: await this.store.readKeys(name) };
  }

  async keys(name: string): Promise<ServiceKeys> {
    const { record, keys } = await this.keysOf(name);
    if (record.authMode !== 'key') {
      throw new ConflictError(`Service '${name}' uses ${record.authMode === 'token' ? 'token auth: get a token with \'modelport service token\'' : 'no authentication'}; it has no keys.`);
    }
    return publicKeys(keys);
  }

  async regenerateKey(name: string, which: KeyName): Promise<ServiceKeys> {
    const { record, keys } = await this.keysOf(name);
    if (record.authMode !== 'key') throw new ConflictError(`Service '${name}' does not use key authentication.`);
    const next = { ...keys, [which === 'primary' ? 'primaryKey' : 'secondaryKey']: generateKey() };
    await this.store.writeKeys(name, next);
    // The instance reads its keys at start: roll to a new one, without failing a request.
    await this.update(name, {});
    return publicKeys(next);
  }

  async token(name: string): Promise<ServiceToken> {
    const { record, keys } = await this.keysOf(name);
    if (record.authMode !== 'token') {
      throw new ConflictError(`Service '${name}' uses ${record.authMode === 'key' ? 'key auth: read its keys with \'modelport service keys\'' : 'no authentication'}; tokens are for token auth.`);
    }
    const expiry = new Date(Date.now() + tokenLifetimeMs);
    return { accessToken: signToken(keys.tokenSecret, expiry), expiryOn: expiry.toISOString() };
  }

  servicesUsing(modelRef: string): Promise<string[]> {
    return servicesUsing(this.store, modelRef);
  }
}
