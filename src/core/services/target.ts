// A deployment target runs a service somewhere: a host process on this machine, a container on the local engine,
// Azure Container Instances, a Kubernetes cluster. The service manager owns records, models and credentials; a
// target turns a request into its part of the record, and starts, inspects, reloads, reads the logs of and stops
// what a record describes. Each composition root (CLI, extension) registers the targets it offers as factories,
// so a target's SDK loads only when a service of that kind is used.
import type { DeploymentConfig } from '../config/deploymentConfig';
import type { ModelRegistry } from '../registry/modelRegistry';
import type { ServiceRecord, TargetKind, TargetSettingsOf } from './serviceRecord';
import type { ServiceStore, StoredKeys } from './serviceStore';
import type { KubernetesRequest, LifecycleOptions, LogOptions, ServiceState } from './types';

export interface TargetStatus {
  state: ServiceState;
  detail: string | undefined;
  /** What the target reports beside the state (a cloud resource's provisioning state, restart count…). */
  targetDetail?: string;
  /** The loopback port of the serving instance's Node inspector (services deployed with debug). */
  debugPort?: number;
  /** Targets with replicas: how many are ready of how many wanted. */
  replicas?: { ready: number; desired: number };
  /** The record generation that is serving, when the target can tell: lets a later command finish an interrupted update. */
  servingGeneration?: number;
  /**
   * The image reference that serves (targets that push one): an interrupted update's record was written before its
   * push, with the image before it, so the record it becomes takes this one.
   */
  servingImage?: string;
  /** Where the running service answers, when the target can tell: lets a later command finish an interrupted deploy. */
  endpoint?: StartedService;
}

export interface StartedService {
  scoringUri: string;
  swaggerUri: string;
  /** The target's settings as they turned out (a port picked at start, a generated DNS label…). */
  target?: ServiceRecord['target'];
}

export interface ReloadedService {
  /** The target's settings as they turned out. */
  target?: ServiceRecord['target'];
}

/**
 * How an update reaches a running service: `swap` starts the new instance beside the old one and moves traffic
 * between two requests; `rolling` replaces replicas behind readiness checks; `restart` stops and restarts the
 * service, which is unavailable meanwhile. Callers warn before a `restart`.
 */
export type UpdateStrategy = 'swap' | 'rolling' | 'restart';

/** What a deploy or an update says about where the service runs; the target turns it into its part of the record. */
export interface TargetRequest {
  /** The service's name (for messages). */
  name: string;
  /** The deployment config, when the request names one. */
  config: DeploymentConfig | undefined;
  /** The inference config's base image (container targets). */
  baseImage: string | undefined;
  /** `--port`: the port of a service on this machine. */
  port?: number;
  /** The editor's modelport.docker.runArgs setting (docker target). */
  dockerRunArgs?: string[];
  /** Where in Azure (aci target): flags and environment, winning over the deployment config. */
  azure?: AzurePlacement;
  /** Flags for the kubernetes target (context, namespace, registry, service type, replicas). */
  kubernetes?: KubernetesRequest;
}

/** `--subscription`, `--resource-group`, `--location`, `--registry` (or their environment variables). */
export interface AzurePlacement {
  subscriptionId?: string;
  resourceGroup?: string;
  location?: string;
  /** A container registry's login server (`myregistry.azurecr.io`). */
  registry?: string;
}

/** A new replica count, or new autoscaler bounds (`service scale`). */
export interface ScaleRequest {
  replicas?: number;
  minReplicas?: number;
  maxReplicas?: number;
}

export interface DeploymentTarget<K extends TargetKind = TargetKind> {
  readonly kind: K;
  readonly updateStrategy: UpdateStrategy;
  /**
   * The target's part of a new record (`current` undefined) or of an updated one. Refuses with a ConflictError
   * what an update cannot change on this target (the port of a running local service…).
   */
  settings(request: TargetRequest, current: TargetSettingsOf<K> | undefined): TargetSettingsOf<K>;
  /**
   * What can be checked before anything is created or changed (a free port, an engine that answers, a sign-in):
   * a deploy that would fail there fails before it leaves a record behind.
   */
  preflight?(record: ServiceRecord): Promise<void>;
  /** Starts the service and resolves once it is Healthy; rejects with the reason and the log tail. */
  start(record: ServiceRecord, credentials: StoredKeys, options: LifecycleOptions): Promise<StartedService>;
  status(record: ServiceRecord): Promise<TargetStatus>;
  /**
   * Moves the running service to the record's current generation (see updateStrategy). A target whose settings
   * change on the way (the aci target's pushed image reference) says how they turned out: the manager writes them
   * with the record once the new generation serves.
   */
  reload(record: ServiceRecord, credentials: StoredKeys, options: LifecycleOptions): Promise<ReloadedService | void>;
  /** Ends the service where it runs and removes what the target made for it (delete, and stop where there is no pause). */
  stop(record: ServiceRecord, options: LifecycleOptions): Promise<void>;
  /**
   * `service stop` on a target that can stop a service and keep it (ACI stops the container group and keeps it):
   * its status says Stopped until `resume` starts it again as it was.
   */
  pause?(record: ServiceRecord, options: LifecycleOptions): Promise<void>;
  /** Starts a paused service again (same address); the keys for a target that may have to deploy it anew. */
  resume?(record: ServiceRecord, credentials: StoredKeys, options: LifecycleOptions): Promise<StartedService>;
  /** Whether something of this service is running (so `reload` applies rather than `start`). */
  isRunning(record: ServiceRecord): Promise<boolean>;
  /** The last `tail` lines, then (with `follow`) new lines as they come, until the signal aborts. */
  logs(record: ServiceRecord, options: LogOptions): AsyncIterable<string>;
  /** Targets with replicas: changes their number (or the autoscaler's bounds) without a new generation. */
  scale?(record: ServiceRecord, request: ScaleRequest, options: LifecycleOptions): Promise<TargetSettingsOf<K>>;
}

/** What every target is built with: the workspace's service store and model registry. */
export interface TargetContext {
  store: ServiceStore;
  registry: ModelRegistry;
}

export type TargetFactory<K extends TargetKind = TargetKind> = (context: TargetContext) => Promise<DeploymentTarget<K>>;

/** The targets a composition root offers, by kind. */
export type TargetFactories = { readonly [K in TargetKind]?: TargetFactory<K> };
