// deploymentconfig.json: where a service runs and how (resources, auth, limits, HTTP behaviour).
// Shape and documentation: schemas/deploymentconfig.schema.json (Azure ML CLI v1 field names plus Modelport's).
import { resolve } from 'node:path';
import { throwIfIssues, type ConfigIssue } from './configIssue';
import { issueAtKey, issueAtValue, readConfigDocument, type ConfigDocument, type ConfigSource } from './configDocument';

export type ComputeType = 'local' | 'docker' | 'aci' | 'kubernetes';
export const computeTypes: readonly ComputeType[] = ['local', 'docker', 'aci', 'kubernetes'];

/** The compute type a file or a flag names, in any case; "aks" is Azure ML's name for a Kubernetes cluster. */
export function computeTypeOf(name: string): ComputeType | undefined {
  const lower = name.toLowerCase();
  if (lower === 'aks') return 'kubernetes';
  return (computeTypes as readonly string[]).includes(lower) ? (lower as ComputeType) : undefined;
}

/** How callers prove who they are: derived from authEnabled / tokenAuthEnabled. */
export type AuthMode = 'none' | 'key' | 'token';

export interface ResourceRequirements {
  cpu: number;
  memoryInGB: number;
  cpuLimit?: number;
  memoryInGBLimit?: number;
}

export interface BatchingSettings {
  enabled: boolean;
  maxBatchSize: number;
  maxDelayMs: number;
}

/** Modelport's bounds on the work of one request (absent: the scoring server's defaults). */
export interface RequestLimits {
  maxRowsPerRequest?: number;
  maxTensorBytes?: number;
  maxImagesPerRequest?: number;
}

/** What the service record keeps of the limits: the request bounds, and concurrency only when the file sets it. */
export interface ServiceLimits extends RequestLimits {
  maxConcurrentRequests?: number;
  maxQueueWaitMs?: number;
}

export interface DockerSettings {
  baseImage?: string;
  imageName?: string;
  buildArgs: Record<string, string>;
  runArgs: string[];
}

export interface AutoScalerSettings {
  autoscaleEnabled: boolean;
  minReplicas: number;
  maxReplicas: number;
  refreshPeriodInSeconds: number;
  targetUtilization: number;
}

export interface LivenessProbeSettings {
  periodSeconds: number;
  initialDelaySeconds: number;
  timeoutSeconds: number;
  successThreshold: number;
  failureThreshold: number;
}

/** The file as written (valid against the schema). */
export interface DeploymentConfigJson {
  $schema?: string;
  computeType: string;
  description?: string | null;
  tags?: Record<string, string>;
  properties?: Record<string, string>;
  port?: number;
  containerResourceRequirements?: Partial<ResourceRequirements>;
  authEnabled?: boolean;
  tokenAuthEnabled?: boolean;
  keys?: { primaryKey?: string; secondaryKey?: string };
  sslEnabled?: boolean;
  sslCertificate?: string;
  sslKey?: string;
  cname?: string;
  appInsightsEnabled?: boolean;
  scoringTimeoutMs?: number;
  maxConcurrentRequestsPerContainer?: number;
  maxQueueWaitMs?: number;
  corsOrigins?: string[];
  batching?: Partial<BatchingSettings>;
  limits?: RequestLimits;
  docker?: Partial<DockerSettings>;
  location?: string;
  dnsNameLabel?: string;
  resourceGroup?: string;
  subscriptionId?: string;
  dataCollection?: { storageEnabled?: boolean };
  numReplicas?: number;
  autoScaler?: Partial<AutoScalerSettings>;
  livenessProbeRequirements?: Partial<LivenessProbeSettings>;
  gpuCores?: number;
  namespace?: string;
  kubeContext?: string;
  computeTargetName?: string;
  serviceType?: KubernetesServiceType;
  kubernetes?: Partial<KubernetesSettings>;
}

export type KubernetesServiceType = 'LoadBalancer' | 'ClusterIP' | 'NodePort';

/** Modelport's own Kubernetes settings (the `kubernetes` object). */
export interface KubernetesSettings {
  /** `deployment`: a Deployment, a Service, an HPA; `kserve`: a KServe InferenceService. */
  flavour: 'deployment' | 'kserve';
  /** The Deployment's progressDeadlineSeconds: how long a rollout may make no progress before it fails. */
  progressDeadlineSeconds: number;
}

/** Settings every compute type has, defaults applied. */
export interface DeploymentConfigBase {
  description: string | undefined;
  tags: Record<string, string>;
  properties: Record<string, string>;
  containerResourceRequirements: ResourceRequirements;
  auth: AuthMode;
  authEnabled: boolean;
  tokenAuthEnabled: boolean;
  /** Keys given in the file; absent ones are generated at deployment. */
  keys: { primaryKey?: string; secondaryKey?: string };
  sslEnabled: boolean;
  /** Absolute paths; both set when sslEnabled. */
  sslCertificate: string | undefined;
  sslKey: string | undefined;
  cname: string | undefined;
  appInsightsEnabled: boolean;
  scoringTimeoutMs: number;
  maxConcurrentRequestsPerContainer: number;
  maxQueueWaitMs: number;
  corsOrigins: string[];
  batching: BatchingSettings;
  /**
   * The limits the instance enforces. maxConcurrentRequestsPerContainer is enforced only when the file sets it:
   * Azure's default of 1 (sized for its scheduler) would serialise every request and defeat batching locally.
   */
  limits: ServiceLimits;
}

export interface LocalDeploymentConfig extends DeploymentConfigBase {
  computeType: 'local';
  /** Undefined: pick a free port. */
  port: number | undefined;
}

export interface DockerDeploymentConfig extends DeploymentConfigBase {
  computeType: 'docker';
  /** Host port; undefined: pick a free port. */
  port: number | undefined;
  docker: DockerSettings;
}

export interface AciDeploymentConfig extends DeploymentConfigBase {
  computeType: 'aci';
  docker: DockerSettings;
  location: string | undefined;
  dnsNameLabel: string | undefined;
  resourceGroup: string | undefined;
  subscriptionId: string | undefined;
  dataCollection: { storageEnabled: boolean };
}

export interface KubernetesDeploymentConfig extends DeploymentConfigBase {
  computeType: 'kubernetes';
  docker: DockerSettings;
  dataCollection: { storageEnabled: boolean };
  /** Set when the file fixes the number of instances; then autoScaler.autoscaleEnabled is false. */
  numReplicas: number | undefined;
  autoScaler: AutoScalerSettings;
  livenessProbeRequirements: LivenessProbeSettings;
  gpuCores: number;
  namespace: string | undefined;
  kubeContext: string | undefined;
  computeTargetName: string | undefined;
  serviceType: KubernetesServiceType;
  kubernetes: KubernetesSettings;
}

export type DeploymentConfig = LocalDeploymentConfig | DockerDeploymentConfig | AciDeploymentConfig | KubernetesDeploymentConfig;

/** The defaults the schema documents (`default`), in one place; a unit test keeps the two in step. */
export const deploymentDefaults = {
  containerResourceRequirements: { cpu: 0.1, memoryInGB: 0.5 },
  tokenAuthEnabled: false,
  sslEnabled: false,
  appInsightsEnabled: false,
  scoringTimeoutMs: 60_000,
  maxConcurrentRequestsPerContainer: 1,
  maxQueueWaitMs: 500,
  batching: { enabled: true, maxBatchSize: 32, maxDelayMs: 0 },
  autoScaler: { minReplicas: 1, maxReplicas: 10, refreshPeriodInSeconds: 1, targetUtilization: 70 },
  livenessProbeRequirements: { periodSeconds: 10, initialDelaySeconds: 310, timeoutSeconds: 2, successThreshold: 1, failureThreshold: 3 },
  gpuCores: 0,
  serviceType: 'LoadBalancer',
  kubernetes: { flavour: 'deployment', progressDeadlineSeconds: 600 },
} as const;

/** Fields that mean something for some compute types only; a field not listed here applies to all. */
const onlyFor: Partial<Record<keyof DeploymentConfigJson, readonly ComputeType[]>> = {
  port: ['local', 'docker'],
  docker: ['docker', 'aci', 'kubernetes'],
  location: ['aci'],
  dnsNameLabel: ['aci'],
  resourceGroup: ['aci'],
  subscriptionId: ['aci'],
  dataCollection: ['aci', 'kubernetes'],
  numReplicas: ['kubernetes'],
  autoScaler: ['kubernetes'],
  livenessProbeRequirements: ['kubernetes'],
  gpuCores: ['kubernetes'],
  namespace: ['kubernetes'],
  kubeContext: ['kubernetes'],
  computeTargetName: ['kubernetes'],
  serviceType: ['kubernetes'],
  kubernetes: ['kubernetes'],
};

function quotedList(types: readonly ComputeType[]): string {
  const quoted = types.map((t) => `"${t}"`);
  return quoted.length === 1 ? (quoted[0] ?? '') : `${quoted.slice(0, -1).join(', ')} or ${quoted[quoted.length - 1] ?? ''}`;
}

function ruleIssues(doc: ConfigDocument<DeploymentConfigJson>, computeType: ComputeType): ConfigIssue[] {
  const json = doc.value;
  const issues: ConfigIssue[] = [];
  for (const [field, types] of Object.entries(onlyFor) as [keyof DeploymentConfigJson, readonly ComputeType[]][]) {
    if (json[field] !== undefined && !types.includes(computeType)) {
      issues.push(issueAtKey(doc, `/${field}`, `/${field} applies only when computeType is ${quotedList(types)} (this file says "${computeType}")`));
    }
  }
  if (json.appInsightsEnabled === true && (computeType === 'local' || computeType === 'docker')) {
    issues.push(issueAtValue(doc, '/appInsightsEnabled', '/appInsightsEnabled: Application Insights is not available in Modelport; remove the field or set it to false (the service log has one line per request)'));
  }
  if (json.maxQueueWaitMs !== undefined && json.maxConcurrentRequestsPerContainer === undefined) {
    issues.push(issueAtKey(doc, '/maxQueueWaitMs', '/maxQueueWaitMs applies only with /maxConcurrentRequestsPerContainer (requests wait for a slot only when their number is limited)'));
  }
  if (json.authEnabled === true && json.tokenAuthEnabled === true) {
    issues.push(issueAtValue(doc, '/tokenAuthEnabled', '/tokenAuthEnabled and /authEnabled cannot both be true: choose key or token authentication'));
  }
  const r = json.containerResourceRequirements;
  if (r?.cpu !== undefined && r.cpuLimit !== undefined && r.cpuLimit < r.cpu) {
    issues.push(issueAtValue(doc, '/containerResourceRequirements/cpuLimit', `/containerResourceRequirements/cpuLimit must be >= cpu (${r.cpu})`));
  }
  if (r?.memoryInGB !== undefined && r.memoryInGBLimit !== undefined && r.memoryInGBLimit < r.memoryInGB) {
    issues.push(issueAtValue(doc, '/containerResourceRequirements/memoryInGBLimit', `/containerResourceRequirements/memoryInGBLimit must be >= memoryInGB (${r.memoryInGB})`));
  }
  const a = json.autoScaler;
  if (a !== undefined) {
    const min = a.minReplicas ?? deploymentDefaults.autoScaler.minReplicas;
    const max = a.maxReplicas ?? deploymentDefaults.autoScaler.maxReplicas;
    if (max < min) issues.push(issueAtValue(doc, a.maxReplicas !== undefined ? '/autoScaler/maxReplicas' : '/autoScaler/minReplicas', `/autoScaler/maxReplicas (${max}) must be >= minReplicas (${min})`));
    if (a.autoscaleEnabled === true && json.numReplicas !== undefined) {
      issues.push(issueAtValue(doc, '/numReplicas', '/numReplicas fixes the number of instances, so it cannot be combined with /autoScaler/autoscaleEnabled: true'));
    }
  }
  return issues;
}

function baseOf(json: DeploymentConfigJson, computeType: ComputeType, baseDir: string): DeploymentConfigBase {
  const d = deploymentDefaults;
  const tokenAuthEnabled = json.tokenAuthEnabled ?? d.tokenAuthEnabled;
  // Azure turns key auth on by default for AKS only, and not when token auth was asked for.
  const authEnabled = json.authEnabled ?? (computeType === 'kubernetes' && !tokenAuthEnabled);
  return {
    description: json.description ?? undefined,
    tags: { ...json.tags },
    properties: { ...json.properties },
    containerResourceRequirements: { ...d.containerResourceRequirements, ...json.containerResourceRequirements },
    auth: tokenAuthEnabled ? 'token' : authEnabled ? 'key' : 'none',
    authEnabled,
    tokenAuthEnabled,
    keys: { ...json.keys },
    sslEnabled: json.sslEnabled ?? d.sslEnabled,
    sslCertificate: json.sslCertificate === undefined ? undefined : resolve(baseDir, json.sslCertificate),
    sslKey: json.sslKey === undefined ? undefined : resolve(baseDir, json.sslKey),
    cname: json.cname,
    appInsightsEnabled: json.appInsightsEnabled ?? d.appInsightsEnabled,
    scoringTimeoutMs: json.scoringTimeoutMs ?? d.scoringTimeoutMs,
    maxConcurrentRequestsPerContainer: json.maxConcurrentRequestsPerContainer ?? d.maxConcurrentRequestsPerContainer,
    maxQueueWaitMs: json.maxQueueWaitMs ?? d.maxQueueWaitMs,
    corsOrigins: [...(json.corsOrigins ?? [])],
    batching: { ...d.batching, ...json.batching },
    limits: {
      ...json.limits,
      ...(json.maxConcurrentRequestsPerContainer !== undefined
        ? { maxConcurrentRequests: json.maxConcurrentRequestsPerContainer, maxQueueWaitMs: json.maxQueueWaitMs ?? d.maxQueueWaitMs }
        : {}),
    },
  };
}

function dockerOf(json: DeploymentConfigJson): DockerSettings {
  const docker = json.docker ?? {};
  return { ...docker, buildArgs: { ...docker.buildArgs }, runArgs: [...(docker.runArgs ?? [])] };
}

export function normaliseDeploymentConfig(doc: ConfigDocument<DeploymentConfigJson>): DeploymentConfig {
  const json = doc.value;
  // The schema's enum only admits the known names in lower or upper case.
  const computeType = computeTypeOf(json.computeType) ?? 'local';
  throwIfIssues(doc.source.fileLabel, doc.source.file, ruleIssues(doc, computeType));
  const base = baseOf(json, computeType, doc.source.baseDir);
  const d = deploymentDefaults;
  switch (computeType) {
    case 'local':
      return { ...base, computeType, port: json.port };
    case 'docker':
      return { ...base, computeType, port: json.port, docker: dockerOf(json) };
    case 'aci':
      return {
        ...base,
        computeType,
        docker: dockerOf(json),
        location: json.location,
        dnsNameLabel: json.dnsNameLabel,
        resourceGroup: json.resourceGroup,
        subscriptionId: json.subscriptionId,
        dataCollection: { storageEnabled: json.dataCollection?.storageEnabled ?? false },
      };
    case 'kubernetes':
      return {
        ...base,
        computeType,
        docker: dockerOf(json),
        dataCollection: { storageEnabled: json.dataCollection?.storageEnabled ?? false },
        numReplicas: json.numReplicas,
        // As in Azure: a fixed replica count means no autoscaling unless the file says otherwise.
        autoScaler: { ...d.autoScaler, autoscaleEnabled: json.numReplicas === undefined, ...json.autoScaler },
        livenessProbeRequirements: { ...d.livenessProbeRequirements, ...json.livenessProbeRequirements },
        gpuCores: json.gpuCores ?? d.gpuCores,
        namespace: json.namespace,
        kubeContext: json.kubeContext,
        computeTargetName: json.computeTargetName,
        serviceType: json.serviceType ?? d.serviceType,
        kubernetes: { ...d.kubernetes, ...json.kubernetes },
      };
  }
}

export function parseDeploymentSource(source: ConfigSource): DeploymentConfig {
  return normaliseDeploymentConfig(readConfigDocument<DeploymentConfigJson>('deploymentconfig', source));
}

/** Validates deploymentconfig text that may not be on disk (an unsaved editor); relative paths start at `baseDir`. */
export function parseDeploymentConfig(text: string, fileLabel: string, baseDir: string): DeploymentConfig {
  return parseDeploymentSource({ text, fileLabel, file: resolve(baseDir, fileLabel), baseDir });
}
