// The Kubernetes objects of a service, as pure functions of its record: a Secret with its credentials, a
// Deployment, a Service and (with an autoscaler) a HorizontalPodAutoscaler — or, for the KServe flavour, the
// Secret and an InferenceService. The same objects are applied by the target (server-side apply) and written by
// `service export-manifests`, so what a GitOps repository holds is exactly what Modelport would apply.
import type {
  KubernetesObject,
  V1Container,
  V1Deployment,
  V1EnvVar,
  V1Probe,
  V1ResourceRequirements,
  V1Secret,
  V1Service,
  V2HorizontalPodAutoscaler,
} from '@kubernetes/client-node' with { 'resolution-mode': 'import' };
import { containerPort } from '../../docker/buildContext';
import { batchingEnv, limitsEnv } from '../runtimeEnv';
import type { ServiceRecord, TargetSettingsOf } from '../serviceRecord';
import type { StoredKeys } from '../serviceStore';

export type KubernetesSettings = TargetSettingsOf<'kubernetes'>;

export const managedBy = 'modelport';
export const fieldManager = 'modelport';
/** The Service's port: what the scoring URI names (`http://<address>:80/score`). */
export const servicePort = 80;
/** The pause before SIGTERM, so endpoints stop routing to a terminating pod before it stops listening. */
export const preStopSeconds = 5;

export const labelKeys = {
  name: 'app.kubernetes.io/name',
  instance: 'app.kubernetes.io/instance',
  version: 'app.kubernetes.io/version',
  managedBy: 'app.kubernetes.io/managed-by',
} as const;

/** Every object of a service carries these; `delete` and `logs` find the service's objects by them. */
export function serviceLabels(name: string, generation: number): Record<string, string> {
  return { [labelKeys.name]: name, [labelKeys.instance]: name, [labelKeys.version]: String(generation), [labelKeys.managedBy]: managedBy };
}

/** What selects a service's pods and objects, whatever their generation. */
export function selectorLabels(name: string): Record<string, string> {
  return { [labelKeys.instance]: name, [labelKeys.managedBy]: managedBy };
}

export function labelSelector(name: string): string {
  return Object.entries(selectorLabels(name))
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
}

export function secretName(name: string): string {
  return `${name}-auth`;
}

/** 0.1 CPU → "100m"; 1.5 GB → "1536Mi" (whole units, which every Kubernetes version parses). */
export function cpuQuantity(cores: number): string {
  return `${Math.max(1, Math.round(cores * 1000))}m`;
}
export function memoryQuantity(gb: number): string {
  return `${Math.max(1, Math.round(gb * 1024))}Mi`;
}

export function resourceRequirements(r: KubernetesSettings['resources']): V1ResourceRequirements {
  const limits: Record<string, string> = {};
  if (r.cpuLimit !== undefined) limits.cpu = cpuQuantity(r.cpuLimit);
  if (r.memoryInGBLimit !== undefined) limits.memory = memoryQuantity(r.memoryInGBLimit);
  if (r.gpuCores !== undefined && r.gpuCores > 0) limits['nvidia.com/gpu'] = String(r.gpuCores);
  return { requests: { cpu: cpuQuantity(r.cpu), memory: memoryQuantity(r.memoryInGB) }, ...(Object.keys(limits).length > 0 ? { limits } : {}) };
}

/** Seconds the server may need to drain: its scoring timeout, rounded up. */
function drainSeconds(record: ServiceRecord): number {
  return Math.ceil(record.timeoutMs / 1000);
}

/** Longer than the preStop pause plus the server's drain, so Kubernetes never kills a request in flight. */
export function terminationGraceSeconds(record: ServiceRecord): number {
  return preStopSeconds + drainSeconds(record) + 5;
}

const healthGet = { path: '/', port: 'http' };

export function probes(settings: KubernetesSettings): Pick<V1Container, 'startupProbe' | 'readinessProbe' | 'livenessProbe'> {
  const l = settings.livenessProbe;
  // init() may load a large model: the startup probe allows as long as Azure's liveness delay before the
  // liveness probe starts counting, instead of delaying every check by that much.
  const startupPeriod = 2;
  const startup: V1Probe = { httpGet: healthGet, periodSeconds: startupPeriod, timeoutSeconds: 2, failureThreshold: Math.max(1, Math.ceil(Math.max(l.initialDelaySeconds, 30) / startupPeriod)) };
  const readiness: V1Probe = { httpGet: healthGet, periodSeconds: 2, timeoutSeconds: 2, successThreshold: 1, failureThreshold: 2 };
  const liveness: V1Probe = {
    httpGet: healthGet,
    periodSeconds: l.periodSeconds,
    initialDelaySeconds: l.initialDelaySeconds,
    timeoutSeconds: l.timeoutSeconds,
    successThreshold: l.successThreshold,
    failureThreshold: l.failureThreshold,
  };
  return { startupProbe: startup, readinessProbe: readiness, livenessProbe: liveness };
}

/** Credentials reach the container through secretKeyRef: their values are never in the Deployment's text. */
export function credentialEnv(record: ServiceRecord): V1EnvVar[] {
  const ref = (key: string): V1EnvVar['valueFrom'] => ({ secretKeyRef: { name: secretName(record.name), key } });
  if (record.authMode === 'key') {
    return [
      { name: 'MODELPORT_PRIMARY_KEY', valueFrom: ref('primaryKey') },
      { name: 'MODELPORT_SECONDARY_KEY', valueFrom: ref('secondaryKey') },
    ];
  }
  if (record.authMode === 'token') return [{ name: 'MODELPORT_TOKEN_SECRET', valueFrom: ref('tokenSecret') }];
  return [];
}

function settingsOf(record: ServiceRecord): KubernetesSettings {
  if (record.target.kind !== 'kubernetes') throw new Error(`Service '${record.name}' does not run on Kubernetes`);
  return record.target;
}

function imageOf(record: ServiceRecord, settings: KubernetesSettings): string {
  if (!settings.imageReference) throw new Error(`Service '${record.name}' has no pushed image yet`);
  return settings.imageReference;
}

function metadata(record: ServiceRecord, settings: KubernetesSettings, name = record.name): { name: string; namespace: string; labels: Record<string, string> } {
  return { name, namespace: settings.namespace, labels: serviceLabels(record.name, record.generation) };
}

export function pullSecretName(name: string): string {
  return `${name}-pull`;
}

export interface RegistryCredentials {
  username: string;
  password: string;
}

/** Registry credentials from the environment (never flags: other users can read a process's arguments). */
export function registryCredentials(env: NodeJS.ProcessEnv = process.env): RegistryCredentials | undefined {
  const username = env.MODELPORT_REGISTRY_USERNAME;
  const password = env.MODELPORT_REGISTRY_PASSWORD;
  return username && password ? { username, password } : undefined;
}

/** A kubernetes.io/dockerconfigjson Secret the pods pull the image with, for a registry that needs credentials. */
export function pullSecretManifest(record: ServiceRecord, credentials: RegistryCredentials): V1Secret {
  const settings = settingsOf(record);
  const auth = Buffer.from(`${credentials.username}:${credentials.password}`, 'utf8').toString('base64');
  const config = JSON.stringify({ auths: { [settings.registry]: { username: credentials.username, password: credentials.password, auth } } });
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: metadata(record, settings, pullSecretName(record.name)),
    type: 'kubernetes.io/dockerconfigjson',
    data: { '.dockerconfigjson': Buffer.from(config, 'utf8').toString('base64') },
  };
}

export function secretManifest(record: ServiceRecord, keys: StoredKeys): V1Secret | undefined {
  const settings = settingsOf(record);
  const data: Record<string, string> = {};
  if (record.authMode === 'key') Object.assign(data, { primaryKey: keys.primaryKey, secondaryKey: keys.secondaryKey });
  else if (record.authMode === 'token') data.tokenSecret = keys.tokenSecret;
  else return undefined;
  const encoded = Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v, 'utf8').toString('base64')]));
  return { apiVersion: 'v1', kind: 'Secret', metadata: metadata(record, settings, secretName(record.name)), type: 'Opaque', data: encoded };
}

function scoringContainer(record: ServiceRecord, settings: KubernetesSettings, name: string, extraEnv: V1EnvVar[] = []): V1Container {
  return {
    name,
    image: imageOf(record, settings),
    imagePullPolicy: 'IfNotPresent',
    ports: [{ name: 'http', containerPort, protocol: 'TCP' }],
    // The record's runtime settings as `modelport serve` reads them, as the other targets pass them.
    env: [...credentialEnv(record), ...Object.entries({ ...batchingEnv(record.batching), ...limitsEnv(record.limits) }).map(([k, v]) => ({ name: k, value: v })), ...extraEnv],
    resources: resourceRequirements(settings.resources),
    ...probes(settings),
    lifecycle: { preStop: { exec: { command: ['sleep', String(preStopSeconds)] } } },
  };
}

export function deploymentManifest(record: ServiceRecord): V1Deployment {
  const settings = settingsOf(record);
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: metadata(record, settings),
    spec: {
      // With an autoscaler the HPA owns the count: leaving it out keeps server-side apply from resetting it.
      ...(settings.autoscaler ? {} : { replicas: settings.replicas ?? 1 }),
      selector: { matchLabels: selectorLabels(record.name) },
      progressDeadlineSeconds: settings.progressDeadlineSeconds,
      revisionHistoryLimit: 3,
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
      template: {
        metadata: { labels: serviceLabels(record.name, record.generation) },
        spec: {
          terminationGracePeriodSeconds: terminationGraceSeconds(record),
          ...(settings.pullSecret ? { imagePullSecrets: [{ name: pullSecretName(record.name) }] } : {}),
          containers: [scoringContainer(record, settings, 'scoring')],
        },
      },
    },
  };
}

export function serviceManifest(record: ServiceRecord): V1Service {
  const settings = settingsOf(record);
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: metadata(record, settings),
    spec: {
      type: settings.serviceType,
      selector: selectorLabels(record.name),
      ports: [{ name: 'http', port: servicePort, targetPort: 'http', protocol: 'TCP' }],
    },
  };
}

export function autoscalerManifest(record: ServiceRecord): V2HorizontalPodAutoscaler | undefined {
  const settings = settingsOf(record);
  const a = settings.autoscaler;
  if (!a) return undefined;
  const policy = (periodSeconds: number) => ({ policies: [{ type: 'Percent', value: 100, periodSeconds }] });
  return {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: metadata(record, settings),
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: record.name },
      minReplicas: a.minReplicas,
      maxReplicas: a.maxReplicas,
      metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: a.targetUtilization } } }],
      // Azure's refreshPeriodInSeconds: how often the replica count may change, up or down.
      behavior: { scaleUp: policy(a.refreshPeriodInSeconds), scaleDown: policy(a.refreshPeriodInSeconds) },
    },
  };
}

/** KServe's v1beta1 InferenceService with Modelport's container speaking the Open Inference Protocol. */
export function inferenceServiceManifest(record: ServiceRecord): KubernetesObject & { spec: Record<string, unknown> } {
  const settings = settingsOf(record);
  const container = scoringContainer(record, settings, 'kserve-container', [{ name: 'PROTOCOL', value: 'v2' }]);
  return {
    apiVersion: 'serving.kserve.io/v1beta1',
    kind: 'InferenceService',
    metadata: metadata(record, settings),
    spec: {
      predictor: {
        minReplicas: settings.autoscaler?.minReplicas ?? settings.replicas ?? 1,
        maxReplicas: settings.autoscaler?.maxReplicas ?? settings.replicas ?? 1,
        ...(settings.autoscaler ? { scaleMetric: 'cpu', scaleTarget: settings.autoscaler.targetUtilization } : {}),
        ...(settings.pullSecret ? { imagePullSecrets: [{ name: pullSecretName(record.name) }] } : {}),
        containers: [container],
      },
    },
  };
}

/** The service's objects without its credentials (what may be committed). */
export function workloadManifests(record: ServiceRecord): KubernetesObject[] {
  const settings = settingsOf(record);
  if (settings.flavour === 'kserve') return [inferenceServiceManifest(record)];
  const hpa = autoscalerManifest(record);
  return [deploymentManifest(record), serviceManifest(record), ...(hpa ? [hpa] : [])];
}
