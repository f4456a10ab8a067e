// The flags deploy and update share, turned into a DeployRequest's fields.
import { maxWorkers } from '../../core/services/runtimeEnv';
import { resolve } from 'node:path';
import type { AzurePlacement } from '../../core/services/target';
import { computeTypeOf, computeTypes } from '../../core/config/deploymentConfig';
import { entryScriptExtensionList } from '../../core/entryScriptFiles';
import type { AuthMode, ComputeType, DeployRequest, KubernetesRequest } from '../../core/services/types';
import { UsageError } from '../common/usageError';

export const deployFlags = {
  model: { type: 'string', multiple: true },
  'inference-config': { type: 'string' },
  'deployment-config': { type: 'string' },
  'entry-script': { type: 'string' },
  'source-dir': { type: 'string' },
  auth: { type: 'string' },
  'cors-origins': { type: 'string' },
  'timeout-ms': { type: 'string' },
  environment: { type: 'string' },
  python: { type: 'string' },
  workers: { type: 'string' },
  'kube-context': { type: 'string' },
  namespace: { type: 'string' },
  registry: { type: 'string' },
  'service-type': { type: 'string' },
  replicas: { type: 'string' },
  quiet: { type: 'boolean', short: 'q' },
} as const;

export const deployFlagsHelp = `  --model REF                 a registered model: NAME, NAME:VERSION or NAME:latest (repeatable)
  --inference-config FILE     inferenceconfig.json: entry script, source directory, environment
  --deployment-config FILE    deploymentconfig.json: compute type, port, auth, CORS, timeout
  --entry-script FILE         a ${entryScriptExtensionList()} file (wins over the inference config)
  --source-dir DIR            the entry script's folder (wins over the inference config)
  --auth none|key|token       authentication (wins over the deployment config)
  --cors-origins LIST         comma-separated origins, or *
  --timeout-ms N              scoring timeout
  --environment FILE          a score.py's conda env.yml or requirements.txt (wins over condaFile): an
                              isolated environment, created once per content and reused
  --python PATH               the Python for a score.py without an environment file, or the base of its
                              venv (default: $MODELPORT_PYTHON, else python3 on PATH)
  --workers N                 processes that score (default 1): server processes sharing the port,
                              or a score.py's Python workers (WORKER_COUNT)
  Kubernetes (--target kubernetes, alias aks; these win over deploymentconfig.json):
  --kube-context NAME         a context of the kubeconfig (default: its current context; KUBECONFIG is read)
  --namespace NS              the namespace, which must exist (default: the context's, else default)
  --registry SERVER           the registry the cluster pulls from (default: $MODELPORT_REGISTRY); the image
                              is pushed there as SERVER/modelport/NAME:GENERATION
  --service-type TYPE         LoadBalancer (default), ClusterIP or NodePort
  --replicas N                a fixed number of replicas (no autoscaler)
  -q, --quiet                 no progress lines on stderr`;

interface DeployFlagValues {
  model?: string[];
  'inference-config'?: string;
  'deployment-config'?: string;
  'entry-script'?: string;
  'source-dir'?: string;
  auth?: string;
  'cors-origins'?: string;
  'timeout-ms'?: string;
  environment?: string;
  python?: string;
  workers?: string;
  'kube-context'?: string;
  namespace?: string;
  registry?: string;
  'service-type'?: string;
  replicas?: string;
}

const serviceTypes: ReadonlyArray<NonNullable<KubernetesRequest['serviceType']>> = ['LoadBalancer', 'ClusterIP', 'NodePort'];

function kubernetesFlags(values: DeployFlagValues): KubernetesRequest | undefined {
  const k: KubernetesRequest = {};
  if (values['kube-context'] !== undefined) k.context = values['kube-context'];
  if (values.namespace !== undefined) {
    if (!/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/.test(values.namespace)) throw new UsageError(`--namespace must be a Kubernetes namespace (lower-case letters, digits and hyphens), got '${values.namespace}'.`);
    k.namespace = values.namespace;
  }
  if (values.registry !== undefined) k.registry = values.registry;
  if (values['service-type'] !== undefined) {
    const t = serviceTypes.find((s) => s.toLowerCase() === values['service-type']?.toLowerCase());
    if (!t) throw new UsageError(`--service-type must be LoadBalancer, ClusterIP or NodePort, got '${values['service-type']}'.`);
    k.serviceType = t;
  }
  if (values.replicas !== undefined) k.replicas = positiveInt(values.replicas, '--replicas');
  return Object.keys(k).length > 0 ? k : undefined;
}

const authModes: readonly AuthMode[] = ['none', 'key', 'token'];
export function parseComputeType(value: string | undefined): ComputeType | undefined {
  if (value === undefined) return undefined;
  const t = computeTypeOf(value);
  if (!t) throw new UsageError(`--target must be one of ${computeTypes.join(', ')} (or aks), got '${value}'.`);
  return t;
}

export function positiveInt(value: string, flag: string): number {
  if (!/^\d+$/.test(value) || Number(value) <= 0) throw new UsageError(`${flag} must be a positive whole number, got '${value}'.`);
  return Number(value);
}

/** Only the fields a flag was given for, so an update changes nothing else. */
export function requestFromFlags(values: DeployFlagValues, cwd: string): Partial<Omit<DeployRequest, 'name'>> {
  const req: Partial<Omit<DeployRequest, 'name'>> = {};
  if (values.model) req.models = values.model;
  if (values['inference-config']) req.inferenceConfigPath = resolve(cwd, values['inference-config']);
  if (values['deployment-config']) req.deploymentConfigPath = resolve(cwd, values['deployment-config']);
  if (values['entry-script']) req.entryScript = resolve(cwd, values['entry-script']);
  if (values['source-dir']) req.sourceDir = resolve(cwd, values['source-dir']);
  if (values.auth !== undefined) {
    if (!authModes.includes(values.auth as AuthMode)) throw new UsageError(`--auth must be none, key or token, got '${values.auth}'.`);
    req.authMode = values.auth as AuthMode;
  }
  if (values['cors-origins'] !== undefined) req.corsOrigins = values['cors-origins'].split(',').map((s) => s.trim()).filter(Boolean);
  if (values['timeout-ms'] !== undefined) req.timeoutMs = positiveInt(values['timeout-ms'], '--timeout-ms');
  if (values.environment !== undefined) req.environmentFile = resolve(cwd, values.environment);
  if (values.python !== undefined) req.python = values.python.includes('/') ? resolve(cwd, values.python) : values.python;
  if (values.workers !== undefined) {
    req.workers = positiveInt(values.workers, '--workers');
    if (req.workers > maxWorkers) throw new UsageError(`--workers must be a whole number from 1 to ${maxWorkers}, got '${values.workers}'.`);
  }
  const kubernetes = kubernetesFlags(values);
  if (kubernetes) req.kubernetes = kubernetes;
  return req;
}

export function portFlag(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) > 65535) throw new UsageError(`--port must be a port number from 0 to 65535, got '${value}'.`);
  return Number(value);
}

/** Where an aci service goes; flags win over the environment, both over deploymentconfig.json and what was remembered. */
export const azureFlags = {
  subscription: { type: 'string' },
  'resource-group': { type: 'string' },
  location: { type: 'string' },
  registry: { type: 'string' },
} as const;

export const azureFlagsHelp = `  --subscription ID           aci: the Azure subscription (env AZURE_SUBSCRIPTION_ID)
  --resource-group NAME       aci: the resource group (env AZURE_RESOURCE_GROUP)
  --location REGION           aci: the region (env AZURE_LOCATION; default: the resource group's)
  --registry LOGIN_SERVER     aci: the registry the image is pushed to and pulled from, such as
                              myregistry.azurecr.io (env MODELPORT_REGISTRY)
                              (all four are remembered for the workspace after a deploy)`;

interface AzureFlagValues {
  subscription?: string;
  'resource-group'?: string;
  location?: string;
  registry?: string;
}

export function azureFromFlags(values: AzureFlagValues, env: NodeJS.ProcessEnv): AzurePlacement | undefined {
  const placement: AzurePlacement = {};
  const subscriptionId = values.subscription ?? (env.AZURE_SUBSCRIPTION_ID || undefined);
  const resourceGroup = values['resource-group'] ?? (env.AZURE_RESOURCE_GROUP || undefined);
  const location = values.location ?? (env.AZURE_LOCATION || undefined);
  const registry = values.registry ?? (env.MODELPORT_REGISTRY || undefined);
  if (subscriptionId !== undefined) placement.subscriptionId = subscriptionId;
  if (resourceGroup !== undefined) placement.resourceGroup = resourceGroup;
  if (location !== undefined) placement.location = location;
  if (registry !== undefined) placement.registry = registry;
  for (const [k, v] of Object.entries(placement)) if (!v.trim()) throw new UsageError(`--${k} must not be empty.`);
  return Object.keys(placement).length > 0 ? placement : undefined;
}
