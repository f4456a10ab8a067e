// The `kubernetes` target (alias `aks`): the image the docker target builds, pushed to a registry the cluster
// pulls from, run as a Deployment behind a Service (or a KServe InferenceService) on a cluster of the kubeconfig.
// Updates are rolling (maxUnavailable 0, maxSurge 1, readiness-gated), so the scoring URI never fails a request.
import type { KubernetesObject, V1Deployment, V1Service } from '@kubernetes/client-node' with { 'resolution-mode': 'import' };
import { sleep } from '../../async/sleep';
import { DockerCliRunner } from '../../docker/dockerCliRunner';
import { versionCommand, type DockerRunner } from '../../docker/dockerCommand';
import { EngineUnreachableError } from '../../docker/dockerErrors';
import { extraBuildArgs } from '../../docker/engineArgs';
import { pushServiceImage } from '../../docker/registryPush';
import { removeServiceImages } from '../../docker/serviceImage';
import { CancelledError, errorMessage } from '../../errors';
import type { ModelRegistry } from '../../registry/modelRegistry';
import { DeploymentFailedError } from '../deploymentFailedError';
import type { LocalRuntime } from '../host/serviceHostController';
import type { ServiceRecord, TargetSettingsOf } from '../serviceRecord';
import type { StoredKeys } from '../serviceStore';
import type { DeploymentTarget, ScaleRequest, StartedService, TargetContext, TargetRequest, TargetStatus } from '../target';
import type { LifecycleOptions, LogOptions } from '../types';
import { applyObject, deleteObject, kserveKind, objectsWithLabels, ownedKinds } from './applyObjects';
import { connect, loadKubeModule, type KubeConnection, type KubeModule } from './kubeClient';
import { isNotFound, kubeCall, KubernetesError } from './kubeErrors';
import { kubernetesSettings } from './kubernetesSettings';
import { autoscalerManifest, deploymentManifest, fieldManager, labelKeys, labelSelector, pullSecretManifest, registryCredentials, secretManifest, workloadManifests } from './manifests';
import { podLogs } from './podLogs';
import { waitForRollout } from './rollout';
import { replicaCounts, rolloutStatus, scaledToZero } from './rolloutStatus';
import { serviceAddress } from './serviceAddress';

type Settings = TargetSettingsOf<'kubernetes'>;

const addressWaitMs = 5 * 60_000;
const podsGoneWaitMs = 2 * 60_000;

function settingsOf(record: ServiceRecord): Settings {
  if (record.target.kind !== 'kubernetes') throw new Error(`Service '${record.name}' does not run on Kubernetes`);
  return record.target;
}

export class KubernetesTarget implements DeploymentTarget<'kubernetes'> {
  readonly kind = 'kubernetes';
  readonly updateStrategy = 'rolling';
  private readonly registry: Pick<ModelRegistry, 'get'>;

  constructor(
    context: TargetContext,
    private readonly runtime: LocalRuntime,
    private readonly k8s: KubeModule,
    private readonly runner: DockerRunner = new DockerCliRunner(),
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {
    this.registry = context.registry;
  }

  /** Loads @kubernetes/client-node (an ES module) and builds the target. */
  static async create(context: TargetContext, runtime: LocalRuntime): Promise<KubernetesTarget> {
    return new KubernetesTarget(context, runtime, await loadKubeModule());
  }

  private connect(contextName: string | undefined): KubeConnection {
    return connect(this.k8s, contextName === '' ? undefined : contextName, this.env);
  }

  settings(request: TargetRequest, current: Settings | undefined): Settings {
    return kubernetesSettings(
      request,
      current,
      () => {
        const conn = this.connect(request.kubernetes?.context ?? (request.config?.computeType === 'kubernetes' ? request.config.kubeContext : undefined));
        return { context: conn.context, namespace: conn.defaultNamespace };
      },
      this.env,
    );
  }

  private async pushImage(record: ServiceRecord, options: LifecycleOptions): Promise<string> {
    const settings = settingsOf(record);
    const version = await this.runner.run(versionCommand());
    if (!version.Server) throw new EngineUnreachableError('the docker CLI answered, but no engine did');
    options.onProgress?.(`Building and pushing the image to ${settings.registry} (engine ${version.Server.Version})`);
    const pushed = await pushServiceImage(record, settings.registry, {
      registry: this.registry,
      cliPath: this.runtime.cliPath,
      runner: this.runner,
      extraBuildArgs: extraBuildArgs(this.env),
      ...(options.signal ? { signal: options.signal } : {}),
      onLine: (line) => options.onProgress?.(`image | ${line}`),
    });
    options.onProgress?.(`Pushed ${pushed.reference}${pushed.digest ? ` (${pushed.digest})` : ''}`);
    return pushed.reference;
  }

  /** Applies the record's objects; the Deployment last but one, so the Secret it reads exists first. */
  private async applyAll(conn: KubeConnection, record: ServiceRecord, keys: StoredKeys, options: LifecycleOptions): Promise<void> {
    const settings = settingsOf(record);
    const site = { context: conn.context, server: conn.server, namespace: settings.namespace, action: `read namespace ${settings.namespace}` };
    // Fails with "namespace missing" (and what to do) before anything is pushed or applied.
    await kubeCall(site, () => conn.core.readNamespace({ name: settings.namespace })).catch((err: unknown) => {
      if (isNotFound(err)) {
        throw new KubernetesError('not-found', `Namespace '${settings.namespace}' does not exist in context '${conn.context}'. Create it ('kubectl create namespace ${settings.namespace}') or choose another with --namespace / "namespace" in deploymentconfig.json.`, 'NotFound');
      }
      throw err;
    });
    const secret = secretManifest(record, keys);
    const pull = settings.pullSecret ? this.pullSecret(record) : undefined;
    for (const object of [...(pull ? [pull] : []), ...(secret ? [secret] : []), ...workloadManifests(record)]) {
      await applyObject(conn, object);
      options.onProgress?.(`Applied ${object.kind} ${settings.namespace}/${object.metadata?.name ?? ''} (server-side apply, field manager modelport)`);
    }
    // A fixed replica count: an autoscaler left from an earlier generation would fight it.
    if (settings.flavour === 'deployment' && !autoscalerManifest(record)) {
      await deleteObject(conn, ownedKinds[0]!, settings.namespace, record.name).catch((err: unknown) => {
        if (!isNotFound(err)) throw err;
      });
    }
  }

  /** The pull secret from MODELPORT_REGISTRY_USERNAME / _PASSWORD, kept as it is on the cluster when they are not set. */
  private pullSecret(record: ServiceRecord): KubernetesObject | undefined {
    const credentials = registryCredentials(this.env);
    return credentials ? pullSecretManifest(record, credentials) : undefined;
  }

  private async nodeAddress(conn: KubeConnection): Promise<string | undefined> {
    try {
      const nodes = await conn.core.listNode();
      const addresses = nodes.items[0]?.status?.addresses ?? [];
      return (addresses.find((a) => a.type === 'ExternalIP') ?? addresses.find((a) => a.type === 'InternalIP'))?.address;
    } catch {
      return undefined;
    }
  }

  private async waitForAddress(conn: KubeConnection, record: ServiceRecord, options: LifecycleOptions): Promise<{ base: string; portForwardCommand?: string }> {
    const settings = settingsOf(record);
    const deadline = Date.now() + addressWaitMs;
    let told = false;
    for (;;) {
      const service: V1Service = await kubeCall({ context: conn.context, server: conn.server, namespace: settings.namespace, action: `read Service ${record.name}` }, () =>
        conn.core.readNamespacedService({ name: record.name, namespace: settings.namespace }),
      );
      const address = serviceAddress(service, conn.context, settings.serviceType === 'NodePort' ? await this.nodeAddress(conn) : undefined);
      if (address.base) return { base: address.base, ...(address.portForwardCommand ? { portForwardCommand: address.portForwardCommand } : {}) };
      if (!told) {
        options.onProgress?.(`Waiting for the ${settings.serviceType} Service ${record.name} to get an address…`);
        told = true;
      }
      if (Date.now() > deadline) {
        throw new DeploymentFailedError(
          `The Service '${record.name}' got no ${settings.serviceType === 'LoadBalancer' ? 'load balancer address' : 'node address'} within ${addressWaitMs / 60_000} minutes: the cluster may have no load balancer controller (use serviceType ClusterIP and kubectl port-forward), or its cloud quota for public IPs is used up ('kubectl describe service ${record.name} -n ${settings.namespace}' says why).`,
          [],
        );
      }
      if (options.signal?.aborted) throw new CancelledError();
      await sleep(1000, options.signal);
    }
  }

  private async rollOut(record: ServiceRecord, keys: StoredKeys, options: LifecycleOptions): Promise<StartedService> {
    const imageReference = await this.pushImage(record, options);
    const base = settingsOf(record);
    const conn = this.connect(base.context);
    const withImage: ServiceRecord = { ...record, target: { ...base, context: conn.context, imageReference } };
    options.onProgress?.(`Deploying to context '${conn.context}' (${conn.server}), namespace '${base.namespace}'`);
    await this.applyAll(conn, withImage, keys, options);
    await this.wakeAutoscaled(conn, withImage, options);
    if (base.flavour === 'kserve') {
      options.onProgress?.('Applied a KServe InferenceService: KServe reports its readiness and URL (kubectl get inferenceservice).');
      return { scoringUri: '', swaggerUri: '', target: withImage.target };
    }
    return this.servingAt(conn, withImage, options);
  }

  /** Once the Deployment's rollout is done and its Service has an address: where the service answers. */
  private async servingAt(conn: KubeConnection, record: ServiceRecord, options: LifecycleOptions): Promise<StartedService> {
    const settings = settingsOf(record);
    await waitForRollout(conn, { name: record.name, namespace: settings.namespace, generation: record.generation, progressDeadlineSeconds: settings.progressDeadlineSeconds }, options);
    const address = await this.waitForAddress(conn, record, options);
    if (address.portForwardCommand) options.onProgress?.(`ClusterIP: reach it from this machine with: ${address.portForwardCommand}`);
    return {
      scoringUri: `${address.base}/score`,
      swaggerUri: `${address.base}/swagger.json`,
      target: { ...settings, ...(address.portForwardCommand ? { portForwardCommand: address.portForwardCommand } : {}) },
    };
  }

  start(record: ServiceRecord, credentials: StoredKeys, options: LifecycleOptions): Promise<StartedService> {
    return this.rollOut(record, credentials, options);
  }

  async reload(record: ServiceRecord, credentials: StoredKeys, options: LifecycleOptions): Promise<void> {
    const settings = settingsOf(record);
    const conn = this.connect(settings.context);
    // What serves now, to put back if the new generation never becomes ready ("rollout undo").
    const previous = await conn.apps.readNamespacedDeployment({ name: record.name, namespace: settings.namespace }).catch(() => undefined);
    try {
      await this.rollOut(record, credentials, options);
    } catch (err) {
      if (previous?.spec?.template && !(err instanceof CancelledError)) {
        options.onProgress?.(`Rolling back Deployment ${record.name} to the template that served before`);
        await this.restoreTemplate(conn, record, previous).catch((undo: unknown) => options.onProgress?.(`Could not roll back: ${errorMessage(undo)}`));
      }
      throw err;
    }
  }

  private async restoreTemplate(conn: KubeConnection, record: ServiceRecord, previous: V1Deployment): Promise<void> {
    const current = deploymentManifest({ ...record, target: { ...settingsOf(record), imageReference: 'placeholder' } });
    const template = previous.spec?.template;
    if (!template || !current.spec) return;
    await applyObject(conn, { ...current, metadata: { ...current.metadata, labels: previous.metadata?.labels ?? {} }, spec: { ...current.spec, template } });
  }

  async status(record: ServiceRecord): Promise<TargetStatus> {
    const settings = settingsOf(record);
    try {
      const conn = this.connect(settings.context);
      if (settings.flavour === 'kserve') {
        const isvc = await conn.objects.read({ ...kserveKind, metadata: { name: record.name, namespace: settings.namespace } });
        const ready = (isvc as { status?: { conditions?: Array<{ type: string; status: string; message?: string }> } }).status?.conditions?.find((c) => c.type === 'Ready');
        return ready?.status === 'True' ? { state: 'Healthy', detail: undefined } : { state: 'Transitioning', detail: ready?.message ?? 'waiting for KServe to report Ready' };
      }
      const deployment = await conn.apps.readNamespacedDeployment({ name: record.name, namespace: settings.namespace });
      const rollout = rolloutStatus(deployment);
      const replicas = replicaCounts(deployment);
      const where = `${conn.context} · ${settings.namespace}`;
      const counts = `${replicas.ready}/${replicas.desired} ready`;
      // The generation the pod template carries: once its rollout is done, that is what serves (an update whose
      // command was interrupted after the apply is known to have landed).
      const version = Number(deployment.spec?.template.metadata?.labels?.[labelKeys.version]);
      const image = deployment.spec?.template.spec?.containers[0]?.image;
      const known = { replicas, ...(Number.isInteger(version) && version > 0 && image ? { servingGeneration: version, servingImage: image } : {}) };
      const paused = scaledToZero(deployment);
      if (paused) {
        const going = paused.remaining > 0 ? `; ${paused.remaining} pod(s) not yet removed` : '';
        return { state: 'Stopped', detail: `scaled to 0 replicas (${where}${going}); 'modelport service start ${record.name}' scales it back`, ...known };
      }
      if (rollout.phase === 'failed') return { state: 'Failed', detail: `${rollout.message} (${counts}, ${where})`, replicas };
      if (rollout.phase === 'waiting') return { state: 'Transitioning', detail: `${rollout.message} (${counts}, ${where})`, replicas };
      if (replicas.desired > 0 && replicas.ready === 0) return { state: 'Unhealthy', detail: `no replica is ready (${counts}, ${where})`, ...known };
      return { state: 'Healthy', detail: `${counts} · ${where}`, ...known };
    } catch (err) {
      if (isNotFound(err)) return { state: 'Stopped', detail: `Deployment ${settings.namespace}/${record.name} is not on the cluster (context ${settings.context})` };
      return { state: 'Unknown', detail: errorMessage(err) };
    }
  }

  async isRunning(record: ServiceRecord): Promise<boolean> {
    const settings = settingsOf(record);
    const conn = this.connect(settings.context);
    const kind = settings.flavour === 'kserve' ? kserveKind : { apiVersion: 'apps/v1', kind: 'Deployment' };
    try {
      await kubeCall({ context: conn.context, server: conn.server, namespace: settings.namespace }, () => conn.objects.read({ ...kind, metadata: { name: record.name, namespace: settings.namespace } }));
      return true;
    } catch (err) {
      if (isNotFound(err)) return false;
      throw err;
    }
  }

  logs(record: ServiceRecord, options: LogOptions): AsyncIterable<string> {
    const settings = settingsOf(record);
    return podLogs(this.connect(settings.context), settings.namespace, record.name, options);
  }

  async scale(record: ServiceRecord, request: ScaleRequest, options: LifecycleOptions): Promise<Settings> {
    const settings = settingsOf(record);
    if (settings.flavour === 'kserve') throw new KubernetesError('conflict', 'A KServe InferenceService scales through its own autoscaler: change minReplicas/maxReplicas in deploymentconfig.json and update the service.');
    let next: Settings;
    if (request.replicas !== undefined) {
      next = { ...settings, replicas: request.replicas };
      delete next.autoscaler;
    } else {
      const base = settings.autoscaler ?? { minReplicas: 1, maxReplicas: 10, targetUtilization: 70, refreshPeriodInSeconds: 1 };
      const autoscaler = { ...base, ...(request.minReplicas !== undefined ? { minReplicas: request.minReplicas } : {}), ...(request.maxReplicas !== undefined ? { maxReplicas: request.maxReplicas } : {}) };
      if (autoscaler.maxReplicas < autoscaler.minReplicas) throw new KubernetesError('bad-request', `--max (${autoscaler.maxReplicas}) must be at least --min (${autoscaler.minReplicas}).`);
      next = { ...settings, autoscaler };
      delete next.replicas;
    }
    const conn = this.connect(settings.context);
    const scaled: ServiceRecord = { ...record, target: next };
    // The same template as now (same image, same generation): only the count or the HPA changes, no rollout.
    const deployment = deploymentManifest(scaled);
    await applyObject(conn, deployment);
    const hpa = autoscalerManifest(scaled);
    if (hpa) await applyObject(conn, hpa);
    else {
      await deleteObject(conn, ownedKinds[0]!, settings.namespace, record.name).catch((err: unknown) => {
        if (!isNotFound(err)) throw err;
      });
    }
    options.onProgress?.(next.replicas !== undefined ? `Scaling Deployment ${record.name} to ${next.replicas} replicas` : `Autoscaling Deployment ${record.name} between ${next.autoscaler?.minReplicas} and ${next.autoscaler?.maxReplicas} replicas`);
    await this.wakeAutoscaled(conn, scaled, options);
    await waitForRollout(conn, { name: record.name, namespace: settings.namespace, generation: record.generation, progressDeadlineSeconds: settings.progressDeadlineSeconds }, options);
    return next;
  }

  async stop(record: ServiceRecord, options: LifecycleOptions): Promise<void> {
    const settings = settingsOf(record);
    const conn = this.connect(settings.context);
    const selector = labelSelector(record.name);
    const kinds = [...(settings.flavour === 'kserve' ? [kserveKind] : []), ...ownedKinds];
    for (const kind of kinds) {
      const names = await objectsWithLabels(conn, kind, settings.namespace, selector).catch((err: unknown) => {
        // A cluster without KServe has no InferenceService kind at all.
        if (kind === kserveKind || isNotFound(err)) return [];
        throw err;
      });
      for (const name of names) {
        await deleteObject(conn, kind, settings.namespace, name).catch((err: unknown) => {
          if (!isNotFound(err)) throw err;
        });
        options.onProgress?.(`Deleted ${kind.kind} ${settings.namespace}/${name}`);
      }
    }
    // The Deployment's pods go with it (garbage collection): wait until none is left, so a new deploy of the
    // same name starts clean.
    await this.waitPodsGone(conn, record, options);
    const images = await removeServiceImages(this.runner, record.name).catch(() => []);
    if (images.length > 0) options.onProgress?.(`Removed local image(s) ${images.join(', ')}`);
  }

  /**
   * `service stop`: the Deployment is scaled to 0 replicas (`kubectl scale --replicas=0`) and kept, with its Service
   * (so its address), Secret and autoscaler (which does not scale a Deployment up from 0). A KServe InferenceService
   * has no replica count of its own to set: it is deleted, as before, and `service start` applies it again.
   */
  async pause(record: ServiceRecord, options: LifecycleOptions): Promise<void> {
    const settings = settingsOf(record);
    if (settings.flavour === 'kserve') return this.stop(record, options);
    const conn = this.connect(settings.context);
    await this.setReplicas(conn, record, 0);
    options.onProgress?.(`Scaled Deployment ${settings.namespace}/${record.name} to 0 replicas (it is kept: 'modelport service start ${record.name}' scales it back)`);
    await this.waitPodsGone(conn, record, options);
  }

  /**
   * `service start` of a stopped service: back to the replicas its settings give (the autoscaler's minimum when it
   * has one), Healthy once the rollout is done, at the same address. A Deployment that is no longer on the cluster
   * (deleted by hand, or a KServe service) is deployed again.
   */
  async resume(record: ServiceRecord, credentials: StoredKeys, options: LifecycleOptions): Promise<StartedService> {
    const settings = settingsOf(record);
    const conn = this.connect(settings.context);
    const site = { context: conn.context, server: conn.server, namespace: settings.namespace, action: `read Deployment ${record.name}` };
    const present =
      settings.flavour === 'deployment' &&
      (await kubeCall(site, () => conn.apps.readNamespacedDeployment({ name: record.name, namespace: settings.namespace })).then(
        () => true,
        (err: unknown) => {
          if (isNotFound(err)) return false;
          throw err;
        },
      ));
    if (!present) return this.start(record, credentials, options);
    const replicas = settings.replicas ?? settings.autoscaler?.minReplicas ?? 1;
    await this.setReplicas(conn, record, replicas);
    options.onProgress?.(`Scaled Deployment ${settings.namespace}/${record.name} to ${replicas} replica(s)`);
    return this.servingAt(conn, record, options);
  }

  /**
   * An update, a key roll or a scale of a stopped service starts it, as on ACI. A fixed replica count does so in the
   * apply; an autoscaler does not scale a Deployment up from 0, so it is set to the autoscaler's minimum here.
   */
  private async wakeAutoscaled(conn: KubeConnection, record: ServiceRecord, options: LifecycleOptions): Promise<void> {
    const settings = settingsOf(record);
    if (settings.flavour !== 'deployment' || !settings.autoscaler) return;
    const deployment = await conn.apps.readNamespacedDeployment({ name: record.name, namespace: settings.namespace }).catch(() => undefined);
    if (deployment?.spec?.replicas !== 0) return;
    await this.setReplicas(conn, record, settings.autoscaler.minReplicas);
    options.onProgress?.(`Scaled Deployment ${settings.namespace}/${record.name} from 0 to ${settings.autoscaler.minReplicas} replica(s), the autoscaler's minimum`);
  }

  /** Through the Deployment's scale subresource, as `kubectl scale` does: the template, so the pods' generation, stays. */
  private async setReplicas(conn: KubeConnection, record: ServiceRecord, replicas: number): Promise<void> {
    const { namespace } = settingsOf(record);
    await kubeCall({ context: conn.context, server: conn.server, namespace, action: `scale Deployment ${record.name}` }, () =>
      conn.apps.replaceNamespacedDeploymentScale({ name: record.name, namespace, fieldManager, body: { apiVersion: 'autoscaling/v1', kind: 'Scale', metadata: { name: record.name, namespace }, spec: { replicas } } }),
    );
  }

  /** Waits (bounded) until no pod of the service is left, terminating ones included. */
  private async waitPodsGone(conn: KubeConnection, record: ServiceRecord, options: LifecycleOptions): Promise<void> {
    const { namespace } = settingsOf(record);
    const deadline = Date.now() + podsGoneWaitMs;
    for (;;) {
      const pods = await conn.core.listNamespacedPod({ namespace, labelSelector: labelSelector(record.name) }).catch(() => undefined);
      const left = pods?.items.length ?? 0;
      if (left === 0) return;
      if (Date.now() > deadline) {
        options.onProgress?.(`${left} pod(s) of '${record.name}' are still terminating; the cluster removes them.`);
        return;
      }
      await sleep(1000, options.signal);
    }
  }
}
