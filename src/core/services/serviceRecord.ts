// The service record (services/<name>/service.json): what a service is, whatever runs it. This schema is its one
// definition; the TypeScript type is derived from it, so a field cannot be written and then dropped on read.
// What only one target needs lives in `target`, one variant per target kind.
import { z } from 'zod';

const port = z.number().int().min(0).max(65535);

/** How a container target's image is built (one image definition for every container target). */
export const imageSettingsSchema = z.object({
  /** FROM of the generated Dockerfile; absent: Modelport's default base image. */
  baseImage: z.string().optional(),
  buildArgs: z.record(z.string(), z.string()),
});

/** A detached service host on this machine whose scoring instance is a child process. */
const localTargetSchema = z.object({
  kind: z.literal('local'),
  /** The loopback port the host owns; 0 until the first start picked a free one. */
  port,
});

/** The same host, whose scoring instance is a container on the local engine. */
const dockerTargetSchema = z.object({
  kind: z.literal('docker'),
  port,
  image: imageSettingsSchema,
  /** deploymentconfig.json's docker.runArgs. */
  runArgs: z.array(z.string()),
  /** The editor's modelport.docker.runArgs setting when it deployed or last updated the service. */
  editorRunArgs: z.array(z.string()).optional(),
  cpus: z.number().positive().optional(),
  memoryInGB: z.number().positive().optional(),
});

/** A container group in Azure Container Instances, running the image pushed to `registry`. */
const aciTargetSchema = z.object({
  kind: z.literal('aci'),
  subscriptionId: z.string().min(1),
  resourceGroup: z.string().min(1),
  /** The Azure region; empty until the first start read the resource group's region. */
  location: z.string(),
  /** `<dnsNameLabel>.<location>.azurecontainer.io`. */
  dnsNameLabel: z.string().min(1),
  /** The registry's login server the image is pushed to and the group pulls from. */
  registry: z.string().min(1),
  containerGroupName: z.string().min(1),
  cpu: z.number().positive(),
  memoryInGB: z.number().positive(),
  image: imageSettingsSchema,
  /** deploymentconfig.json's tags, set on the container group. */
  tags: z.record(z.string(), z.string()),
  /** `<registry>/modelport/<service>:<generation>`, once pushed: the group runs it. */
  imageReference: z.string().optional(),
  /** Whether Modelport pushed that tag (then delete removes it when no other service uses it). */
  imagePushedByModelport: z.boolean().optional(),
  /** The public FQDN Azure answered. */
  fqdn: z.string().optional(),
  /** Why the last deploy failed (the group it created is removed unless --keep-failed). */
  failure: z.object({ reason: z.string(), time: z.string() }).optional(),
});

/** A Deployment (or a KServe InferenceService) on a Kubernetes cluster of the kubeconfig, AKS or any other. */
const kubernetesTargetSchema = z.object({
  kind: z.literal('kubernetes'),
  /** The kubeconfig context the service was deployed to (kept, so a later current-context does not move it). */
  context: z.string(),
  namespace: z.string(),
  serviceType: z.enum(['LoadBalancer', 'ClusterIP', 'NodePort']),
  /** Fixed replicas; absent when an autoscaler owns the count. */
  replicas: z.number().int().positive().optional(),
  autoscaler: z
    .object({
      minReplicas: z.number().int().positive(),
      maxReplicas: z.number().int().positive(),
      targetUtilization: z.number().int().min(1).max(100),
      refreshPeriodInSeconds: z.number().int().positive(),
    })
    .optional(),
  resources: z.object({
    cpu: z.number().positive(),
    memoryInGB: z.number().positive(),
    cpuLimit: z.number().positive().optional(),
    memoryInGBLimit: z.number().positive().optional(),
    gpuCores: z.number().int().nonnegative().optional(),
  }),
  livenessProbe: z.object({
    periodSeconds: z.number().int().positive(),
    initialDelaySeconds: z.number().int().nonnegative(),
    timeoutSeconds: z.number().int().positive(),
    successThreshold: z.number().int().positive(),
    failureThreshold: z.number().int().positive(),
  }),
  progressDeadlineSeconds: z.number().int().positive(),
  /** The registry login server the cluster pulls from (`--registry`, MODELPORT_REGISTRY). */
  registry: z.string(),
  image: imageSettingsSchema,
  /** `<registry>/modelport/<service>:<generation>`, once pushed. */
  imageReference: z.string().optional(),
  flavour: z.enum(['deployment', 'kserve']),
  /** An image pull secret (`<service>-pull`) is created from MODELPORT_REGISTRY_USERNAME / _PASSWORD. */
  pullSecret: z.boolean().optional(),
  /** ClusterIP services: the exact `kubectl port-forward` command that reaches the service from this machine. */
  portForwardCommand: z.string().optional(),
  /** Azure ML's name of the attached cluster, recorded as the file gave it. */
  computeTargetName: z.string().optional(),
});

export const targetSettingsSchema = z.discriminatedUnion('kind', [localTargetSchema, dockerTargetSchema, aciTargetSchema, kubernetesTargetSchema]);

export const serviceRecordSchema = z.object({
  name: z.string(),
  /** Resolved refs, `name:version`, so a model's users are known exactly. */
  models: z.array(z.string()),
  entryScript: z.string().optional(),
  sourceDir: z.string().optional(),
  authMode: z.enum(['none', 'key', 'token']),
  corsOrigins: z.array(z.string()),
  timeoutMs: z.number().int().positive(),
  scoringUri: z.string(),
  swaggerUri: z.string(),
  createdTime: z.string(),
  updatedTime: z.string(),
  /** Increases with every update. */
  generation: z.number().int().nonnegative(),
  /** Run the instance under the Node inspector (`service deploy --debug`). */
  debug: z.boolean().optional(),
  /** From the inference config's environment: packages for container images, variables for the instance. */
  environment: z.object({ dependencies: z.record(z.string(), z.string()), variables: z.record(z.string(), z.string()) }).optional(),
  batching: z.object({ enabled: z.boolean(), maxBatchSize: z.number().int().positive(), maxDelayMs: z.number().int().nonnegative() }).optional(),
  /**
   * The Python runtime of a score.py: the interpreter asked for (`--python`, a user-managed interpreterPath), the
   * environment file (conda env.yml or requirements.txt), the worker count; and what the deployment prepared: the
   * interpreter that runs it on this machine (an environment's python), the wheels a container image installs.
   */
  python: z
    .object({
      interpreter: z.string().optional(),
      environmentFile: z.string().optional(),
      workers: z.number().int().positive().optional(),
      executable: z.string().optional(),
      version: z.string().optional(),
      wheelhouse: z.string().optional(),
    })
    .optional(),
  /**
   * Processes that score (`--workers`, or WORKER_COUNT in the inference config's environment): server processes
   * sharing the instance's port, or a score.py's Python workers. Absent: 1.
   */
  workers: z.number().int().min(1).max(64).optional(),
  /** deploymentconfig's sslEnabled: the PEM certificate and key files the service's port serves HTTPS with. */
  tls: z.object({ certificate: z.string(), key: z.string() }).optional(),
  /** The limits the scoring instance enforces (deploymentconfig and its Modelport fields); absent: the defaults. */
  limits: z
    .object({
      maxConcurrentRequests: z.number().int().positive().optional(),
      maxQueueWaitMs: z.number().int().nonnegative().optional(),
      maxRowsPerRequest: z.number().int().positive().optional(),
      maxTensorBytes: z.number().int().positive().optional(),
      maxImagesPerRequest: z.number().int().positive().optional(),
    })
    .optional(),
  /** Where the service runs and what only that target needs. */
  target: targetSettingsSchema,
});

export type ServiceRecord = z.output<typeof serviceRecordSchema>;
export type TargetSettings = ServiceRecord['target'];
export type TargetKind = TargetSettings['kind'];
export type ImageSettings = z.output<typeof imageSettingsSchema>;
/** The target settings of one kind. */
export type TargetSettingsOf<K extends TargetKind> = Extract<TargetSettings, { kind: K }>;

/** How the record's container image is built; a target without images (local) builds with the defaults. */
export function imageSettingsOf(record: ServiceRecord): ImageSettings {
  return 'image' in record.target ? record.target.image : { buildArgs: {} };
}

/** Records written before `target` existed (Modelport 0.1) kept computeType, port and docker at the top level. */
const legacyRecordSchema = z
  .object({
    computeType: z.enum(['local', 'docker']),
    port,
    docker: z
      .object({
        baseImage: z.string().optional(),
        buildArgs: z.record(z.string(), z.string()),
        runArgs: z.array(z.string()),
        cpus: z.number().positive().optional(),
        memoryInGB: z.number().positive().optional(),
      })
      .optional(),
  })
  .passthrough();

/** Brings a record of an earlier layout to today's, or returns the value as it is. */
export function migrateRecord(json: unknown): unknown {
  if (typeof json !== 'object' || json === null || 'target' in json) return json;
  const legacy = legacyRecordSchema.safeParse(json);
  if (!legacy.success) return json;
  const { computeType, port: legacyPort, docker, ...rest } = legacy.data;
  const target =
    computeType === 'local'
      ? { kind: 'local', port: legacyPort }
      : {
          kind: 'docker',
          port: legacyPort,
          image: { ...(docker?.baseImage !== undefined ? { baseImage: docker.baseImage } : {}), buildArgs: docker?.buildArgs ?? {} },
          runArgs: docker?.runArgs ?? [],
          ...(docker?.cpus !== undefined ? { cpus: docker.cpus } : {}),
          ...(docker?.memoryInGB !== undefined ? { memoryInGB: docker.memoryInGB } : {}),
        };
  return { ...rest, target };
}
