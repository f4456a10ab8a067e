// The service lifecycle as callers (CLI, extension) see it, whatever the target runs it on.

import type { AuthMode, ComputeType } from '../config/deploymentConfig';

export type { AuthMode, ComputeType };
export type ServiceState = 'Transitioning' | 'Healthy' | 'Unhealthy' | 'Failed' | 'Stopped';
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
}

/** What is stored for a service (never its keys: those live in a file readable by its owner alone). */
export interface ServiceRecord {
  name: string;
  computeType: ComputeType;
  /** Resolved refs, `name:version`, so a model's users are known exactly. */
  models: string[];
  entryScript: string | undefined;
  sourceDir: string | undefined;
  authMode: AuthMode;
  port: number;
  corsOrigins: string[];
  timeoutMs: number;
  scoringUri: string;
  swaggerUri: string;
  createdTime: string;
  updatedTime: string;
  /** Increases with every update. */
  generation: number;
  /** Runs under the Node inspector. */
  debug?: boolean;
  /** The inference config's environment: packages (installed in container images) and variables. */
  environment?: { dependencies: Record<string, string>; variables: Record<string, string> };
  /** Dynamic batching, from the deployment config; absent: the server's defaults. */
  batching?: { enabled: boolean; maxBatchSize: number; maxDelayMs: number };
  /** Container targets: base image, extra build and run arguments, resource limits. */
  docker?: { baseImage?: string; buildArgs: Record<string, string>; runArgs: string[]; cpus?: number; memoryInGB?: number };
}

export interface ServiceStatus extends ServiceRecord {
  state: ServiceState;
  /** Why the service is not Healthy, when it is not. */
  detail: string | undefined;
  /** The loopback port of the serving instance's Node inspector (services deployed with debug). */
  debugPort?: number;
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
}

/** The operations behind `modelport service …` and the extension's Services tree. */
export interface ServiceLifecycle {
  deploy(request: DeployRequest, options?: LifecycleOptions): Promise<ServiceStatus>;
  /** In place: same scoring URI, no failed request while the new instance takes over. */
  update(name: string, changes: Partial<Omit<DeployRequest, 'name'>>, options?: LifecycleOptions): Promise<ServiceStatus>;
  list(): Promise<{ services: ServiceStatus[]; problems: Array<{ file: string; message: string }> }>;
  get(name: string): Promise<ServiceStatus>;
  /** The last `tail` lines, then (with `follow`) new lines as they come, until the signal aborts. */
  logs(name: string, options?: { tail?: number; follow?: boolean; signal?: AbortSignal }): AsyncIterable<string>;
  delete(name: string, options?: LifecycleOptions): Promise<void>;
  keys(name: string): Promise<ServiceKeys>;
  regenerateKey(name: string, which: KeyName): Promise<ServiceKeys>;
  token(name: string): Promise<ServiceToken>;
  /** Names of the services that use `name:version`. */
  servicesUsing(modelRef: string): Promise<string[]>;
}
