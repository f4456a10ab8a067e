// The service lifecycle over a workspace: deploy, update in place, inspect, read logs, delete, and manage
// credentials. Records, models and keys are handled here once; where and how a service runs is its target's job,
// and the targets are the ones the composition root registered (src/core/services/target.ts).
import { randomBytes } from 'node:crypto';
import { generateKey, signToken, tokenLifetimeMs } from '../auth/credentials';
import { loadDeploymentConfig, loadInferenceConfig } from '../config/loadConfig';
import { deploymentDefaults, type DeploymentConfig } from '../config/deploymentConfig';
import { BadRequestError, ConfigError, ConflictError, errorMessage } from '../errors';
import { isProcessAlive } from '../fs/processAlive';
import type { ModelRegistry } from '../registry/modelRegistry';
import { isPythonEntryScript, preparePython } from '../python/preparePython';
import { workerCountOf } from './runtimeEnv';
import { refuseUnservableModels } from './servableModels';
import type { ServiceRecord, TargetKind } from './serviceRecord';
import { ServiceExistsError, ServiceStore, publicKeys, servicesUsing, validateServiceName, type StoredKeys } from './serviceStore';
import type { DeploymentTarget, ScaleRequest, TargetContext, TargetFactories, TargetRequest, TargetStatus } from './target';
import type {
  ComputeType,
  DeployRequest,
  KeyName,
  LifecycleOptions,
  LogOptions,
  ServiceKeys,
  ServiceLifecycle,
  ServiceStatus,
  ServiceToken,
} from './types';

/** The record's fields every target shares, as a request resolves them. */
interface CommonSettings {
  computeType: ComputeType;
  entryScript: string | undefined;
  sourceDir: string | undefined;
  authMode: ServiceRecord['authMode'];
  corsOrigins: string[];
  timeoutMs: number;
  configKeys: { primaryKey?: string; secondaryKey?: string };
  debug: boolean;
  batching: ServiceRecord['batching'];
  environment: ServiceRecord['environment'];
  python: ServiceRecord['python'];
  tls: ServiceRecord['tls'];
  limits: ServiceRecord['limits'];
  workers: ServiceRecord['workers'];
}

/** The target settings with the image that serves, for a target that records one (the record was written before its push). */
function withServingImage(target: ServiceRecord['target'], image: string | undefined): ServiceRecord['target'] {
  return image !== undefined && (target.kind === 'aci' || target.kind === 'kubernetes') ? { ...target, imageReference: image } : target;
}

/** An update still pending after this long was abandoned, whatever its pid says. */
const abandonedAfterMs = 60 * 60 * 1000;

/** How long a listing waits for one target's answer about one service. */
const defaultStatusTimeoutMs = 10_000;

export class ServiceManager implements ServiceLifecycle {
  private readonly store: ServiceStore;
  private readonly context: TargetContext;
  private readonly loaded = new Map<string, Promise<DeploymentTarget>>();

  constructor(
    workspaceDir: string,
    registry: ModelRegistry,
    private readonly factories: TargetFactories,
    private readonly options: { statusTimeoutMs?: number } = {},
  ) {
    this.store = new ServiceStore(workspaceDir);
    this.context = { store: this.store, registry };
  }

  /** The target of that kind, built on first use (its module and SDK load then, not before). */
  private target(kind: ComputeType | TargetKind): Promise<DeploymentTarget> {
    const factory = (this.factories as Readonly<Record<string, ((c: TargetContext) => Promise<DeploymentTarget>) | undefined>>)[kind];
    if (!factory) {
      const offered = Object.keys(this.factories).map((k) => `'${k}'`).join(' or ');
      return Promise.reject(new ConfigError(`The '${kind}' target is not available in this version of Modelport. Deploy with computeType ${offered}.`));
    }
    let target = this.loaded.get(kind);
    if (!target) {
      target = factory(this.context);
      target.catch(() => this.loaded.delete(kind));
      this.loaded.set(kind, target);
    }
    return target;
  }

  private async resolveModels(refs: readonly string[]): Promise<string[]> {
    const resolved: string[] = [];
    for (const ref of refs) {
      const m = await this.context.registry.get(ref);
      resolved.push(`${m.name}:${m.version}`);
    }
    return resolved;
  }

  /** Files first, then the request's shortcuts on top, as a CLI user expects flags to win. */
  private async settings(req: Partial<DeployRequest> & { name: string }, base: CommonSettings): Promise<{ common: CommonSettings; target: TargetRequest }> {
    const s: CommonSettings = { ...base };
    let baseImage: string | undefined;
    let config: DeploymentConfig | undefined;
    if (req.inferenceConfigPath) {
      const ic = await loadInferenceConfig(req.inferenceConfigPath);
      s.entryScript = ic.entryScript;
      s.sourceDir = ic.sourceDirectory;
      s.environment = ic.environment ? { dependencies: ic.environment.dependencies, variables: ic.environment.variables } : undefined;
      // Azure's inference server reads WORKER_COUNT from the environment (ACI and AKS have no other worker setting).
      s.workers = workerCountOf(ic.environment?.variables, req.inferenceConfigPath);
      baseImage = ic.baseImage;
      if (ic.runtime === 'python') {
        s.python = { ...s.python, environmentFile: ic.pythonEnvironmentFile, interpreter: ic.pythonInterpreter };
      }
    }
    if (req.deploymentConfigPath) {
      config = await loadDeploymentConfig(req.deploymentConfigPath);
      s.computeType = config.computeType;
      s.authMode = config.auth;
      s.corsOrigins = config.corsOrigins;
      s.timeoutMs = config.scoringTimeoutMs;
      s.configKeys = config.keys;
      s.batching = config.batching;
      s.tls = config.sslEnabled && config.sslCertificate && config.sslKey ? { certificate: config.sslCertificate, key: config.sslKey } : undefined;
      s.limits = Object.keys(config.limits).length > 0 ? config.limits : undefined;
    }
    if (req.debug !== undefined) s.debug = req.debug;
    if (req.computeType) s.computeType = req.computeType;
    if (req.entryScript !== undefined) s.entryScript = req.entryScript;
    if (req.sourceDir !== undefined) s.sourceDir = req.sourceDir;
    if (req.authMode) s.authMode = req.authMode;
    if (req.corsOrigins) s.corsOrigins = req.corsOrigins;
    if (req.timeoutMs !== undefined) s.timeoutMs = req.timeoutMs;
    if (req.environmentFile !== undefined) s.python = { ...s.python, environmentFile: req.environmentFile };
    if (req.python !== undefined) s.python = { ...s.python, interpreter: req.python };
    if (req.workers !== undefined) s.workers = req.workers;
    if (!isPythonEntryScript(s.entryScript)) s.python = undefined;
    const target: TargetRequest = {
      name: req.name,
      config,
      baseImage,
      ...(req.port !== undefined ? { port: req.port } : {}),
      ...(req.dockerRunArgs !== undefined ? { dockerRunArgs: req.dockerRunArgs } : {}),
      ...(req.azure !== undefined ? { azure: req.azure } : {}),
      ...(req.kubernetes !== undefined ? { kubernetes: req.kubernetes } : {}),
    };
    return { common: s, target };
  }

  /** A score.py's interpreter (or image wheels) prepared, and its imports checked, before anything starts. */
  private async pythonFor(kind: string, common: CommonSettings, options: LifecycleOptions): Promise<ServiceRecord['python']> {
    if (!common.entryScript || !isPythonEntryScript(common.entryScript)) return undefined;
    return preparePython({ kind }, { entryScript: common.entryScript, sourceDir: common.sourceDir, python: common.python }, {
      workspaceDir: this.context.registry.workspaceDir,
      onProgress: options.onProgress,
      signal: options.signal,
    });
  }

  private newKeys(configKeys: CommonSettings['configKeys']): StoredKeys {
    return {
      primaryKey: configKeys.primaryKey ?? generateKey(),
      secondaryKey: configKeys.secondaryKey ?? generateKey(),
      tokenSecret: randomBytes(32).toString('base64url'),
    };
  }

  async deploy(req: DeployRequest, options: LifecycleOptions = {}): Promise<ServiceStatus> {
    const name = validateServiceName(req.name);
    const { common, target: targetRequest } = await this.settings(req, {
      computeType: 'local',
      entryScript: undefined,
      sourceDir: undefined,
      authMode: 'none',
      corsOrigins: [],
      timeoutMs: deploymentDefaults.scoringTimeoutMs,
      configKeys: {},
      debug: false,
      batching: undefined,
      environment: undefined,
      python: undefined,
      tls: undefined,
      limits: undefined,
      workers: undefined,
    });
    const target = await this.target(common.computeType);
    const targetSettings = target.settings(targetRequest, undefined);
    const models = await this.resolveModels(req.models);
    if (models.length === 0 && !common.entryScript) {
      throw new BadRequestError('Nothing to deploy: name at least one registered model, or an entry script (inference config).');
    }
    if (!req.overwrite && (await this.store.exists(name))) throw new ServiceExistsError(name);
    if (!common.entryScript) await refuseUnservableModels(this.context.registry, models);
    const python = await this.pythonFor(target.kind, common, options);
    const now = new Date().toISOString();
    const record: ServiceRecord = {
      name,
      models,
      entryScript: common.entryScript,
      sourceDir: common.sourceDir,
      authMode: common.authMode,
      corsOrigins: common.corsOrigins,
      timeoutMs: common.timeoutMs,
      scoringUri: '',
      swaggerUri: '',
      createdTime: now,
      updatedTime: now,
      generation: 1,
      ...(common.debug ? { debug: true } : {}),
      ...(common.batching ? { batching: common.batching } : {}),
      ...(common.environment ? { environment: common.environment } : {}),
      ...(python ? { python } : {}),
      ...(common.tls ? { tls: common.tls } : {}),
      ...(common.limits ? { limits: common.limits } : {}),
      ...(common.workers !== undefined ? { workers: common.workers } : {}),
      target: targetSettings,
    };
    await target.preflight?.(record);
    if (req.overwrite && (await this.store.exists(name))) {
      options.onProgress?.(`Replacing service '${name}': stopping and removing the one deployed now`);
      await this.delete(name, options);
    }
    await this.store.create(name);
    const keys = this.newKeys(common.configKeys);
    try {
      await this.store.writeKeys(name, keys);
      await this.store.writeRecord(record);
    } catch (err) {
      await this.store.remove(name);
      throw err;
    }
    options.onProgress?.(`Created service '${name}' (${target.kind}, auth ${common.authMode})`);
    const started = await target.start(record, keys, options);
    await this.store.writeRecord({ ...record, scoringUri: started.scoringUri, swaggerUri: started.swaggerUri, target: started.target ?? record.target });
    return this.get(name);
  }

  async update(name: string, changes: Partial<Omit<DeployRequest, 'name'>>, options: LifecycleOptions = {}): Promise<ServiceStatus> {
    const current = await this.repair(await this.store.readRecord(name));
    const inProgress = await this.store.readPending(name);
    if (inProgress) throw new ConflictError(`Service '${name}' is being updated to generation ${inProgress.record.generation} (process ${inProgress.writerPid}). Wait for it to finish.`);
    const { common, target: targetRequest } = await this.settings({ ...changes, name }, {
      computeType: current.target.kind,
      entryScript: current.entryScript,
      sourceDir: current.sourceDir,
      authMode: current.authMode,
      corsOrigins: current.corsOrigins,
      timeoutMs: current.timeoutMs,
      configKeys: {},
      debug: current.debug ?? false,
      batching: current.batching,
      environment: current.environment,
      python: current.python,
      tls: current.tls,
      limits: current.limits,
      workers: current.workers ?? current.python?.workers,
    });
    if (common.computeType !== current.target.kind) {
      throw new ConflictError(`Service '${name}' runs on '${current.target.kind}'; an update cannot move it to '${common.computeType}'. Deploy a new service instead.`);
    }
    const target = await this.target(current.target.kind);
    const models = changes.models ? await this.resolveModels(changes.models) : current.models;
    if (!common.entryScript) await refuseUnservableModels(this.context.registry, models);
    const python = await this.pythonFor(target.kind, common, options);
    const next: ServiceRecord = {
      ...current,
      models,
      entryScript: common.entryScript,
      sourceDir: common.sourceDir,
      authMode: common.authMode,
      corsOrigins: common.corsOrigins,
      timeoutMs: common.timeoutMs,
      debug: common.debug || undefined,
      batching: common.batching,
      environment: common.environment,
      python,
      tls: common.tls,
      limits: common.limits,
      workers: common.workers,
      target: target.settings(targetRequest, current.target),
      updatedTime: new Date().toISOString(),
      generation: current.generation + 1,
    };
    const keys = await this.store.readKeys(name);
    // The record describes what serves: the next generation waits beside it (service.pending.json) until it
    // serves, so an update that fails, or a CLI killed at any point, never leaves the record ahead of the service.
    await this.store.writePending({ writerPid: process.pid, startedTime: new Date().toISOString(), record: next });
    let done: ServiceRecord;
    try {
      if (await target.isRunning(current)) {
        const reloaded = await target.reload(next, keys, options);
        done = reloaded?.target ? { ...next, target: reloaded.target } : next;
      } else {
        options.onProgress?.(`Service '${name}' is not running: starting it`);
        const started = await target.start(next, keys, options);
        done = { ...next, scoringUri: started.scoringUri, swaggerUri: started.swaggerUri, target: started.target ?? next.target };
      }
    } catch (err) {
      await this.store.removePending(name, next.generation);
      throw err;
    }
    await this.store.writeRecord(done);
    await this.store.removePending(name, next.generation);
    return this.get(name);
  }

  /**
   * Finishes what an interrupted command left, from what the target says serves: a pending update whose process
   * is gone becomes the record if its generation serves, and is dropped otherwise; a record that a killed deploy
   * left without its endpoint gets it. Returns the record as it now is.
   */
  private async repair(record: ServiceRecord, known?: TargetStatus): Promise<ServiceRecord> {
    const pending = await this.store.readPending(record.name);
    // An update's process is gone (or so old that its pid may belong to another process now).
    const abandoned = pending !== undefined && (!isProcessAlive(pending.writerPid) || Date.now() - Date.parse(pending.startedTime) > abandonedAfterMs);
    if (!abandoned && record.scoringUri !== '') return record;
    const status = known ?? (await (await this.target(record.target.kind)).status(record));
    let repaired = record;
    // Transitioning: the target is still moving (a host finishing an update its CLI no longer waits for).
    if (pending && abandoned && status.state !== 'Transitioning') {
      if (status.servingGeneration === pending.record.generation) {
        const target = withServingImage(pending.record.target, status.servingImage);
        repaired = { ...pending.record, target, scoringUri: pending.record.scoringUri || record.scoringUri, swaggerUri: pending.record.swaggerUri || record.swaggerUri };
      }
      await this.store.removePending(record.name, pending.record.generation);
    }
    if (repaired.scoringUri === '' && status.endpoint && status.state === 'Healthy') {
      repaired = { ...repaired, scoringUri: status.endpoint.scoringUri, swaggerUri: status.endpoint.swaggerUri, target: status.endpoint.target ?? repaired.target };
    }
    if (repaired !== record) await this.store.writeRecord(repaired);
    return repaired;
  }

  private async statusOf(stored: ServiceRecord, timeoutMs?: number): Promise<ServiceStatus> {
    let record = stored;
    const target = await this.target(record.target.kind);
    let status: TargetStatus;
    if (timeoutMs === undefined) {
      status = await target.status(record);
    } else {
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<TargetStatus>((resolve) => {
        timer = setTimeout(() => resolve({ state: 'Unknown', detail: `The ${record.target.kind} target did not answer within ${timeoutMs / 1000} s.` }), timeoutMs);
      });
      status = await Promise.race([target.status(record), late]).finally(() => clearTimeout(timer));
    }
    record = await this.repair(record, status);
    const pending = await this.store.readPending(record.name);
    if (pending && status.state === 'Healthy') status = { ...status, state: 'Transitioning', detail: `Updating to generation ${pending.record.generation}; generation ${record.generation} serves meanwhile.` };
    return {
      ...record,
      computeType: record.target.kind,
      state: status.state,
      detail: status.detail,
      updateStrategy: target.updateStrategy,
      ...(status.debugPort !== undefined ? { debugPort: status.debugPort } : {}),
      ...(status.targetDetail !== undefined ? { targetDetail: status.targetDetail } : {}),
      ...(status.replicas !== undefined ? { replicas: status.replicas } : {}),
    };
  }

  /** `service scale`: a new replica count or autoscaler bounds, on targets that have replicas. */
  async scale(name: string, request: ScaleRequest, options: LifecycleOptions = {}): Promise<ServiceStatus> {
    const record = await this.store.readRecord(name);
    const target = await this.target(record.target.kind);
    if (!target.scale) throw new ConflictError(`Service '${name}' runs on '${record.target.kind}', which has one instance: only Kubernetes services scale.`);
    const settings = await target.scale(record, request, options);
    await this.store.writeRecord({ ...record, target: settings, updatedTime: new Date().toISOString() });
    return this.get(name);
  }

  async get(name: string): Promise<ServiceStatus> {
    return this.statusOf(await this.store.readRecord(name));
  }

  /** Every service, its targets asked concurrently, each answer bounded in time. */
  async list(): Promise<{ services: ServiceStatus[]; problems: Array<{ file: string; message: string }> }> {
    const names = await this.store.names();
    const outcomes = await Promise.all(
      names.map(async (name) => {
        try {
          return { status: await this.statusOf(await this.store.readRecord(name), this.options.statusTimeoutMs ?? defaultStatusTimeoutMs) };
        } catch (err) {
          return { problem: { file: err instanceof ConfigError && err.file ? err.file : this.store.recordFile(name), message: errorMessage(err) } };
        }
      }),
    );
    return {
      services: outcomes.flatMap((o) => (o.status ? [o.status] : [])),
      problems: outcomes.flatMap((o) => (o.problem ? [o.problem] : [])),
    };
  }

  async *logs(name: string, options: LogOptions = {}): AsyncIterable<string> {
    const record = await this.store.readRecord(name);
    yield* (await this.target(record.target.kind)).logs(record, options);
  }

  async delete(name: string, options: LifecycleOptions = {}): Promise<void> {
    const record = await this.store.readRecord(name).catch(async (err: unknown) => {
      // A corrupt record must not make a service undeletable.
      if (err instanceof ConfigError) return undefined;
      throw err;
    });
    if (record) await (await this.target(record.target.kind)).stop(record, options);
    await this.store.remove(name);
  }

  async stop(name: string, options: LifecycleOptions = {}): Promise<ServiceStatus> {
    const record = await this.store.readRecord(name);
    const target = await this.target(record.target.kind);
    if (!(await target.isRunning(record))) options.onProgress?.(`Service '${name}' is not running`);
    else if (target.pause) await target.pause(record, options);
    else await target.stop(record, options);
    return this.get(name);
  }

  async start(name: string, options: LifecycleOptions = {}): Promise<ServiceStatus> {
    const record = await this.store.readRecord(name);
    const target = await this.target(record.target.kind);
    // A target that pauses keeps what it runs: resume it when its status says it is stopped.
    const paused = target.resume !== undefined && (await target.status(record)).state === 'Stopped';
    if (!paused && (await target.isRunning(record))) {
      options.onProgress?.(`Service '${name}' is already running`);
      return this.get(name);
    }
    const keys = await this.store.readKeys(name);
    const started = paused && target.resume ? await target.resume(record, keys, options) : await target.start(record, keys, options);
    await this.store.writeRecord({ ...record, scoringUri: started.scoringUri, swaggerUri: started.swaggerUri, target: started.target ?? record.target });
    return this.get(name);
  }

  private async keysOf(name: string): Promise<{ record: ServiceRecord; keys: StoredKeys }> {
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

  async regenerateKey(name: string, which: KeyName, options: LifecycleOptions = {}): Promise<ServiceKeys> {
    const { record, keys } = await this.keysOf(name);
    if (record.authMode !== 'key') throw new ConflictError(`Service '${name}' does not use key authentication.`);
    const next = { ...keys, [which === 'primary' ? 'primaryKey' : 'secondaryKey']: generateKey() };
    await this.store.writeKeys(name, next);
    // The instance reads its keys at start: roll to a new one, without failing a request.
    await this.update(name, {}, options);
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
