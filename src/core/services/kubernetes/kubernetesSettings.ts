// The kubernetes target's part of a record, from the request's flags, then deploymentconfig.json, then what the
// service already has. Context and namespace are fixed at deployment: an update cannot move a service.
import { deploymentDefaults, type KubernetesDeploymentConfig } from '../../config/deploymentConfig';
import { ConfigError, ConflictError } from '../../errors';
import type { TargetSettingsOf } from '../serviceRecord';
import type { TargetRequest } from '../target';
import { resolveRegistry } from './imageRegistry';

type Settings = TargetSettingsOf<'kubernetes'>;

/** The kubeconfig's answer for defaults: its current context and that context's namespace. */
export interface ContextDefaults {
  context: string;
  namespace: string;
}

function refuseUnsupported(config: KubernetesDeploymentConfig): void {
  if (config.docker.runArgs.length > 0) throw new ConfigError('docker.runArgs applies to the docker target only: a Kubernetes pod is not started with docker run. Remove it from deploymentconfig.json.');
  if (config.docker.imageName !== undefined) {
    throw new ConfigError('docker.imageName is not used for Kubernetes: the image is pushed as <registry>/modelport/<service>:<generation>. Remove it and name the registry with --registry or MODELPORT_REGISTRY.');
  }
  if (config.sslEnabled) throw new ConfigError('sslEnabled is not supported for Kubernetes services: terminate TLS at an ingress controller in front of the Service. Remove sslEnabled from deploymentconfig.json.');
}

export function kubernetesSettings(request: TargetRequest, current: Settings | undefined, defaults: () => ContextDefaults, env: NodeJS.ProcessEnv = process.env): Settings {
  const config = request.config?.computeType === 'kubernetes' ? request.config : undefined;
  if (config) refuseUnsupported(config);
  const flags = request.kubernetes ?? {};
  const wantedContext = flags.context ?? config?.kubeContext;
  const wantedNamespace = flags.namespace ?? config?.namespace;
  if (current) {
    if (wantedContext !== undefined && wantedContext !== current.context) {
      throw new ConflictError(`Service '${request.name}' runs in kube context '${current.context}'; an update cannot move it to '${wantedContext}'. Deploy a new service there instead.`);
    }
    if (wantedNamespace !== undefined && wantedNamespace !== current.namespace) {
      throw new ConflictError(`Service '${request.name}' runs in namespace '${current.namespace}'; an update cannot move it to '${wantedNamespace}'. Deploy a new service there instead.`);
    }
  }
  const fallback = current ? undefined : defaults();
  const context = current?.context ?? wantedContext ?? fallback?.context ?? '';
  // The context's own namespace counts only for the context it belongs to.
  const namespace = current?.namespace ?? wantedNamespace ?? (wantedContext === undefined || wantedContext === fallback?.context ? fallback?.namespace : undefined) ?? 'default';

  let replicas = current?.replicas;
  let autoscaler = current?.autoscaler;
  if (config) {
    const a = config.autoScaler;
    if (a.autoscaleEnabled) {
      replicas = undefined;
      autoscaler = { minReplicas: a.minReplicas, maxReplicas: a.maxReplicas, targetUtilization: a.targetUtilization, refreshPeriodInSeconds: a.refreshPeriodInSeconds };
    } else {
      replicas = config.numReplicas ?? 1;
      autoscaler = undefined;
    }
  } else if (!current) {
    // No deployment config: one replica, as a quick deploy to any other target has one instance.
    replicas = 1;
  }
  if (flags.replicas !== undefined) {
    replicas = flags.replicas;
    autoscaler = undefined;
  }
  const d = deploymentDefaults;
  const r = config?.containerResourceRequirements;
  const resources = r ? { ...r, ...(config.gpuCores > 0 ? { gpuCores: config.gpuCores } : {}) } : (current?.resources ?? { ...d.containerResourceRequirements });
  const baseImage = config?.docker.baseImage ?? request.baseImage ?? current?.image.baseImage;
  return {
    kind: 'kubernetes',
    context,
    namespace,
    serviceType: flags.serviceType ?? config?.serviceType ?? current?.serviceType ?? d.serviceType,
    ...(replicas !== undefined ? { replicas } : {}),
    ...(autoscaler !== undefined ? { autoscaler } : {}),
    resources,
    livenessProbe: config ? { ...config.livenessProbeRequirements } : (current?.livenessProbe ?? { ...d.livenessProbeRequirements }),
    progressDeadlineSeconds: config?.kubernetes.progressDeadlineSeconds ?? current?.progressDeadlineSeconds ?? d.kubernetes.progressDeadlineSeconds,
    registry: resolveRegistry(flags.registry, current?.registry, env),
    image: { ...(baseImage !== undefined ? { baseImage } : {}), buildArgs: config ? { ...config.docker.buildArgs } : { ...current?.image.buildArgs } },
    ...(current?.imageReference !== undefined ? { imageReference: current.imageReference } : {}),
    flavour: config?.kubernetes.flavour ?? current?.flavour ?? 'deployment',
    ...(env.MODELPORT_REGISTRY_USERNAME && env.MODELPORT_REGISTRY_PASSWORD ? { pullSecret: true } : current?.pullSecret ? { pullSecret: true } : {}),
    ...((config?.computeTargetName ?? current?.computeTargetName) !== undefined ? { computeTargetName: config?.computeTargetName ?? current?.computeTargetName } : {}),
  };
}
