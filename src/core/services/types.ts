// The service lifecycle as callers (CLI, extension) see it, whatever the target runs it on.

import type { AuthMode, ComputeType } from '../config/deploymentConfig';
import type { ServiceRecord, TargetKind } from './serviceRecord';
import type { AzurePlacement, UpdateStrategy } from './target';

export type { AuthMode, ComputeType, ServiceRecord, TargetKind, UpdateStrategy };
/** `Unknown`: the target did not answer in time (a slow cloud call never holds up a listing). */
export type ServiceState = 'Transitioning' | 'Healthy' | 'Unhealthy' | 'Failed' | 'Stopped' | 'Unknown';
export type KeyName = 'primary' | 'secondary';

/** What a user asks for; `models` are registry refs (`name`, `name:3`, `name:latest`). */
export interface DeployRequest {
  name: string;
  models: string[];
  /** inferenceconfig.json: entry script, source directory, environment. */
  inferenceConfigPath?: string;
  /** deploymentconfig.json: compute type, port, auth, CORS, timeout. */
  deploymentConfigPath?: string;
  /** Shortcuts that win over the files, for quick deploys from the CLI and the extension. */
  computeType?: ComputeType;
  entryScript?: string;
  sourceDir?: string;
  authMode?: AuthMode;
  port?: number;
  corsOrigins?: string[];
  timeoutMs?: number;
  /** Run under the Node inspector, for a debugger to attach (its port is in the host state). */
  debug?: boolean;
  /** The editor's modelport.docker.runArgs setting, for the docker target (the CLI reads MODELPORT_DOCKER_RUN_ARGS). */
  dockerRunArgs?: string[];
  /** The aci target's subscription, resource group, region and registry (flags and environment). */
  azure?: AzurePlacement;
  /** Replace a service of the same name (Azure's `overwrite=True`): it is stopped and removed first. */
  overwrite?: boolean;
  /** A score.py's environment file (conda env.yml or requirements.txt): wins over the inference config's condaFile. */
  environmentFile?: string;
  /** The Python that runs a score.py (without an environment file), or the base of its venv. */
  python?: string;
  /** Processes that score (the reference server's WORKER_COUNT): server processes, or a score.py's Python workers. */
  workers?: number;
  /** Kubernetes shortcuts (flags, pickers) that win over deploymentconfig.json. */
  kubernetes?: KubernetesRequest;
}

/** Where on a cluster, and how many replicas; each wins over the deployment config. */
export interface KubernetesRequest {
  /** A context of the kubeconfig (--kube-context). */
  context?: string;
  namespace?: string;
  /** The registry login server the cluster pulls from (--registry; else MODELPORT_REGISTRY). */
  registry?: string;
  serviceType?: 'LoadBalancer' | 'ClusterIP' | 'NodePort';
  replicas?: number;
}

/** A record as callers see it, with its live state. */
export interface ServiceStatus extends ServiceRecord {
  /** Where it runs: the record's target kind. */
  computeType: TargetKind;
  state: ServiceState;
  /** Why the service is not Healthy, when it is not. */
  detail: string | undefined;
  /** The loopback port of the serving instance's Node inspector (services deployed with debug). */
  debugPort?: number;
  /** How an update reaches it on its target (`restart` means it is unavailable meanwhile). */
  updateStrategy: UpdateStrategy;
  /** What the target reports beside the state (ACI: provisioning state, container state, restart count). */
  targetDetail?: string;
  /** Targets with replicas (Kubernetes): how many are ready of how many wanted. */
  replicas?: { ready: number; desired: number };
}

export interface LogOptions {
  tail?: number;
  follow?: boolean;
  signal?: AbortSignal;
}

export interface ServiceKeys {
  primaryKey: string;
  secondaryKey: string;
}

export interface ServiceToken {
  accessToken: string;
  /** ISO time. */
  expiryOn: string;
}

export interface LifecycleOptions {
  /** One line at a time, as the deployment goes (Azure's `wait_for_deployment(show_output=True)`). */
  onProgress?: (line: string) => void;
  signal?: AbortSignal;
  /** Cloud targets: keep what a failed deploy created (the container group), to inspect it. */
  keepFailed?: boolean;
}

/** The operations behind `modelport service …` and the extension's Services tree. */
export interface ServiceLifecycle {
  deploy(request: DeployRequest, options?: LifecycleOptions): Promise<ServiceStatus>;
  /** In place: same scoring URI, no failed request while the new instance takes over. */
  update(name: string, changes: Partial<Omit<DeployRequest, 'name'>>, options?: LifecycleOptions): Promise<ServiceStatus>;
  list(): Promise<{ services: ServiceStatus[]; problems: Array<{ file: string; message: string }> }>;
  get(name: string): Promise<ServiceStatus>;
  /** The last `tail` lines, then (with `follow`) new lines as they come, until the signal aborts. */
  logs(name: string, options?: LogOptions): AsyncIterable<string>;
  delete(name: string, options?: LifecycleOptions): Promise<void>;
  /** Stops the service where it runs and keeps its record, keys and log, so `start` brings it back as it was. */
  stop(name: string, options?: LifecycleOptions): Promise<ServiceStatus>;
  /** Starts a stopped service again, as its record describes it (same scoring URI). */
  start(name: string, options?: LifecycleOptions): Promise<ServiceStatus>;
  keys(name: string): Promise<ServiceKeys>;
  regenerateKey(name: string, which: KeyName, options?: LifecycleOptions): Promise<ServiceKeys>;
  token(name: string): Promise<ServiceToken>;
  /** Names of the services that use `name:version`. */
  servicesUsing(modelRef: string): Promise<string[]>;
}
