// The `aci` target: a service as a container group in Azure Container Instances. The image is the docker
// target's (built on the local engine, pushed to a registry, see aciImage.ts); Azure is driven through
// @azure/arm-containerinstance (api-version 2023-05-01) with the caller's AzureAccess. Healthy means the public
// address answers GET / — Azure's own state says where provisioning is, the service says whether it serves.
// Updates restart the group (ACI replaces containers in place): callers warn first, and the update reports how
// long the service did not answer.
import { ContainerInstanceManagementClient, type ContainerGroup } from '@azure/arm-containerinstance';
import { sleep } from '../../async/sleep';
import { DockerCliRunner } from '../../docker/dockerCliRunner';
import { versionCommand, type DockerRunner } from '../../docker/dockerCommand';
import { EngineUnreachableError } from '../../docker/dockerErrors';
import { extraBuildArgs } from '../../docker/engineArgs';
import { removeServiceImages } from '../../docker/serviceImage';
import { CancelledError, ConflictError, errorMessage } from '../../errors';
import type { ModelRegistry } from '../../registry/modelRegistry';
import { DeploymentFailedError } from '../deploymentFailedError';
import { generationTag } from '../logLine';
import type { LocalRuntime } from '../host/serviceHostController';
import type { ServiceRecord } from '../serviceRecord';
import type { ServiceStore, StoredKeys } from '../serviceStore';
import type { DeploymentTarget, ReloadedService, StartedService, TargetContext, TargetRequest, TargetStatus } from '../target';
import type { LifecycleOptions, LogOptions } from '../types';
import { translateAzureError, type AzureErrorContext } from './aciErrors';
import { generationOfImage, pushAciImage } from './aciImage';
import { aciSettings } from './aciSettings';
import { getResourceGroup } from './armRest';
import type { AzureAccess } from './azureAccess';
import { aciUris, containerGroupSpec, type AciSettings } from './containerGroupSpec';
import { GroupWatcher, crashLoop, groupSummary } from './groupProgress';
import { newLines, splitLog } from './logLines';
import { AvailabilityProbe, answersHealthy, servingGeneration } from './publicEndpoint';
import { engineLogin, groupRegistryCredential, registryCredential, type RegistryCredential } from './registryAccess';
import { deleteImageTag } from './registryTags';
import { readPlacement, rememberPlacement } from './rememberedPlacement';

/** How long a new container may take to answer after Azure reports the group provisioned. */
const healthDeadlineMs = 15 * 60_000;
const logTailLines = 30;

function aciOf(record: ServiceRecord): AciSettings {
  if (record.target.kind !== 'aci') throw new Error(`service '${record.name}' is not an aci service`);
  return record.target;
}

/**
 * The container's last lines go by as progress, tagged with their generation as the service host tags an
 * instance's (the CLI then prints the failure without them, as for the other targets), and stay in the error for
 * callers without progress.
 */
function failedWithLog(message: string, tail: string[], generation: number, options: LifecycleOptions): DeploymentFailedError {
  for (const line of tail) options.onProgress?.(`${generationTag(generation)}${line}`);
  return new DeploymentFailedError(message, tail);
}

export class AciTarget implements DeploymentTarget<'aci'> {
  readonly kind = 'aci';
  readonly updateStrategy = 'restart';
  private readonly store: ServiceStore;
  private readonly registry: Pick<ModelRegistry, 'get'>;
  private readonly clients = new Map<string, ContainerInstanceManagementClient>();

  constructor(
    context: TargetContext,
    private readonly runtime: LocalRuntime,
    private readonly access: AzureAccess,
    private readonly env: NodeJS.ProcessEnv = process.env,
    private readonly runner: DockerRunner = new DockerCliRunner(),
  ) {
    this.store = context.store;
    this.registry = context.registry;
  }

  settings(request: TargetRequest, current: AciSettings | undefined): AciSettings {
    return aciSettings(request, current, readPlacement(this.store.workspaceDir));
  }

  private client(subscriptionId: string): ContainerInstanceManagementClient {
    let c = this.clients.get(subscriptionId);
    if (!c) {
      c = new ContainerInstanceManagementClient(this.access.credential, subscriptionId, { endpoint: this.access.resourceManagerEndpoint, credentialScopes: [this.access.scope] });
      this.clients.set(subscriptionId, c);
    }
    return c;
  }

  private errorContext(t: AciSettings, image?: string): AzureErrorContext {
    return {
      subscriptionId: t.subscriptionId,
      resourceGroup: t.resourceGroup,
      location: t.location,
      containerGroupName: t.containerGroupName,
      dnsNameLabel: t.dnsNameLabel,
      registry: t.registry,
      signInHint: this.access.signInHint,
      ...(image ? { image } : {}),
    };
  }

  private async getGroup(t: AciSettings): Promise<ContainerGroup | undefined> {
    try {
      return await this.client(t.subscriptionId).containerGroups.get(t.resourceGroup, t.containerGroupName);
    } catch (err) {
      if ((err as { statusCode?: number }).statusCode === 404 && (err as { code?: string }).code === 'ResourceNotFound') return undefined;
      throw err;
    }
  }

  /** Builds, logs in and pushes; the registry credential is kept in memory for the group's pull. */
  private async push(record: ServiceRecord, t: AciSettings, options: LifecycleOptions): Promise<{ reference: string; credential: RegistryCredential | undefined }> {
    const version = await this.runner.run(versionCommand());
    if (!version.Server) throw new EngineUnreachableError('the docker CLI answered, but no engine did');
    const credential = await registryCredential(t.registry, this.access, this.env);
    await engineLogin(t.registry, credential, this.runner);
    options.onProgress?.(`Building image modelport/${record.name}:${record.generation} (engine ${version.Server.Version}) and pushing it to ${t.registry}`);
    const pushed = await pushAciImage(record, t.registry, {
      registry: this.registry,
      cliPath: this.runtime.cliPath,
      runner: this.runner,
      extraBuildArgs: extraBuildArgs(),
      onLine: (line) => options.onProgress?.(`build | ${line}`),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    options.onProgress?.(`Pushed ${pushed.reference}${pushed.digest ? ` (${pushed.digest})` : ''}`);
    return { reference: pushed.reference, credential };
  }

  /** PUTs the group and follows the long-running operation, printing state and events as Azure reports them. */
  private async putGroup(t: AciSettings, group: ContainerGroup, options: LifecycleOptions, watcher: GroupWatcher): Promise<ContainerGroup> {
    const client = this.client(t.subscriptionId);
    const poller = await client.containerGroups.beginCreateOrUpdate(t.resourceGroup, t.containerGroupName, group, {
      updateIntervalInMs: 1000,
      ...(options.signal ? { abortSignal: options.signal } : {}),
    });
    let settled = false;
    const result = poller.pollUntilDone().finally(() => (settled = true));
    result.catch(() => undefined);
    while (!settled) {
      await Promise.race([result.catch(() => undefined), sleep(1500, options.signal)]);
      const current = await this.getGroup(t).catch(() => undefined);
      if (current) watcher.report(current);
    }
    const final = await result;
    watcher.report(final);
    if (final.provisioningState !== 'Succeeded') throw new Error(`Azure reports provisioning state ${final.provisioningState ?? 'unknown'} for container group ${t.containerGroupName}`);
    return final;
  }

  /** Until the public address answers Healthy (and, for an update, serves this generation). */
  private async waitHealthy(record: ServiceRecord, t: AciSettings, fqdn: string, options: LifecycleOptions, watcher: GroupWatcher): Promise<void> {
    const uris = aciUris(fqdn);
    const deadline = Date.now() + healthDeadlineMs;
    let round = 0;
    for (;;) {
      if (options.signal?.aborted) throw new CancelledError('Deployment cancelled.');
      if ((await answersHealthy(uris.healthUri)) && (await servingGeneration(uris.swaggerUri)) === String(record.generation)) return;
      if (round++ % 3 === 0) {
        const group = await this.getGroup(t);
        if (!group) throw new Error(`container group ${t.containerGroupName} disappeared while it was starting`);
        watcher.report(group);
        const loop = crashLoop(group);
        if (loop) throw new Error(loop);
        if (group.provisioningState === 'Failed') throw new Error('Azure reports provisioning state Failed');
      }
      if (Date.now() > deadline) throw new Error(`${uris.healthUri} did not answer Healthy within ${healthDeadlineMs / 60_000} minutes`);
      await sleep(1000, options.signal);
    }
  }

  private async logTail(t: AciSettings, container: string): Promise<string[]> {
    try {
      const logs = await this.client(t.subscriptionId).containers.listLogs(t.resourceGroup, t.containerGroupName, container, { tail: logTailLines });
      return splitLog(logs.content);
    } catch {
      return [];
    }
  }

  private async deleteGroup(t: AciSettings, options: LifecycleOptions): Promise<boolean> {
    try {
      await this.client(t.subscriptionId).containerGroups.beginDeleteAndWait(t.resourceGroup, t.containerGroupName, { updateIntervalInMs: 1000 });
      return true;
    } catch (err) {
      if ((err as { statusCode?: number }).statusCode === 404) return false;
      options.onProgress?.(`Could not delete container group ${t.containerGroupName}: ${errorMessage(err)}`);
      throw err;
    }
  }

  async start(record: ServiceRecord, credentials: StoredKeys, options: LifecycleOptions): Promise<StartedService> {
    let t = aciOf(record);
    const watcher = new GroupWatcher(options.onProgress);
    let reference: string | undefined;
    let createdGroup = false;
    try {
      const rg = await getResourceGroup(this.access, t.subscriptionId, t.resourceGroup);
      t = { ...t, location: t.location || rg.location };
      options.onProgress?.(`Azure: subscription ${t.subscriptionId}, resource group ${t.resourceGroup}, region ${t.location}`);
      const existing = await this.getGroup(t);
      if (existing && existing.tags?.['modelport-service'] !== record.name) {
        throw new ConflictError(`A container group named '${t.containerGroupName}' already exists in resource group '${t.resourceGroup}' and Modelport did not make it for this service. Choose another service name, or delete that group.`);
      }
      const pushed = await this.push(record, t, options);
      reference = pushed.reference;
      await rememberPlacement(this.store.workspaceDir, { subscriptionId: t.subscriptionId, resourceGroup: t.resourceGroup, location: t.location, registry: t.registry });
      const group = containerGroupSpec({ record, target: t, location: t.location, imageReference: reference, keys: credentials, registryCredential: groupRegistryCredential(t.registry, pushed.credential) });
      options.onProgress?.(`Azure: creating container group ${t.containerGroupName} (${t.cpu} CPU, ${t.memoryInGB} GB) with DNS label ${t.dnsNameLabel}`);
      createdGroup = !existing;
      const final = await this.putGroup(t, group, options, watcher);
      const fqdn = final.ipAddress?.fqdn;
      if (!fqdn) throw new Error('Azure did not give the container group a public address (ipAddress.fqdn)');
      options.onProgress?.(`Azure: public address ${fqdn} (${final.ipAddress?.ip ?? 'IP pending'}); waiting for the service to answer`);
      t = { ...t, imageReference: reference, imagePushedByModelport: true, fqdn, failure: undefined };
      await this.waitHealthy(record, t, fqdn, options, watcher);
      const uris = aciUris(fqdn);
      options.onProgress?.(`Healthy: ${uris.scoringUri}`);
      return { scoringUri: uris.scoringUri, swaggerUri: uris.swaggerUri, target: t };
    } catch (err) {
      const translated = translateAzureError(err, this.errorContext(t, reference));
      const reason = errorMessage(translated);
      const tail = createdGroup || (await this.getGroup(t).catch(() => undefined)) ? await this.logTail(t, record.name) : [];
      if (createdGroup && !options.keepFailed) {
        options.onProgress?.(`Removing container group ${t.containerGroupName}, which this failed deploy created (--keep-failed keeps it)`);
        await this.deleteGroup(t, options).catch(() => undefined);
      }
      await this.store
        .writeRecord({ ...record, target: { ...t, ...(reference ? { imageReference: reference, imagePushedByModelport: true } : {}), failure: { reason: reason.split('\n')[0] ?? reason, time: new Date().toISOString() } } })
        .catch(() => undefined);
      throw tail.length > 0 ? failedWithLog(`Deployment failed: ${reason}`, tail, record.generation, options) : translated;
    }
  }

  async status(record: ServiceRecord): Promise<TargetStatus> {
    const t = aciOf(record);
    let group: ContainerGroup | undefined;
    try {
      group = await this.getGroup(t);
    } catch (err) {
      return { state: 'Unknown', detail: errorMessage(translateAzureError(err, this.errorContext(t))).split('\n')[0] };
    }
    const where = `${t.subscriptionId} / ${t.resourceGroup}${t.location ? ` (${t.location})` : ''}`;
    if (!group) {
      return t.failure
        ? { state: 'Failed', detail: t.failure.reason, targetDetail: `no container group · ${where}` }
        : { state: 'Failed', detail: `Container group ${t.containerGroupName} does not exist in ${where}: deploy again, or delete the service.`, targetDetail: `no container group · ${where}` };
    }
    // What the group runs is the generation its image was pushed as: an update whose command was interrupted after
    // the PUT is known to have landed (the manager then takes its record).
    const image = group.containers[0]?.image;
    const generation = generationOfImage(image, record.name);
    const targetDetail = `${groupSummary(group)} · ${where}`;
    const known = { targetDetail, ...(generation !== undefined && image ? { servingGeneration: generation, servingImage: image } : {}) };
    const ps = group.provisioningState ?? '';
    // A group that failed to provision never served its image.
    if (ps === 'Failed') return { state: 'Failed', detail: t.failure?.reason ?? 'Azure reports provisioning state Failed', targetDetail };
    if (group.instanceView?.state === 'Stopped') return { state: 'Stopped', detail: `The container group is stopped: start it again with 'modelport service start ${record.name}'.`, ...known };
    if (ps !== 'Succeeded') return { state: 'Transitioning', detail: `provisioning ${ps}`, ...known };
    const loop = crashLoop(group);
    if (loop) return { state: 'Unhealthy', detail: loop, ...known };
    const fqdn = group.ipAddress?.fqdn ?? t.fqdn;
    if (!fqdn) return { state: 'Unhealthy', detail: 'no public address', ...known };
    return (await answersHealthy(aciUris(fqdn).healthUri))
      ? { state: 'Healthy', detail: undefined, ...known }
      : { state: 'Unhealthy', detail: `${aciUris(fqdn).healthUri} does not answer Healthy`, ...known };
  }

  async isRunning(record: ServiceRecord): Promise<boolean> {
    const t = aciOf(record);
    try {
      return (await this.getGroup(t)) !== undefined;
    } catch (err) {
      throw translateAzureError(err, this.errorContext(t));
    }
  }

  async reload(record: ServiceRecord, credentials: StoredKeys, options: LifecycleOptions): Promise<ReloadedService> {
    let t = aciOf(record);
    if (!t.location) t = { ...t, location: (await getResourceGroup(this.access, t.subscriptionId, t.resourceGroup).catch((err: unknown) => Promise.reject(translateAzureError(err, this.errorContext(t))))).location };
    const previous = t.imageReference;
    const watcher = new GroupWatcher(options.onProgress);
    options.onProgress?.('Azure Container Instances restarts the container group to update it: the service does not answer until the new container does.');
    let reference: string | undefined;
    let credential: RegistryCredential | undefined;
    try {
      const pushed = await this.push(record, t, options);
      reference = pushed.reference;
      credential = pushed.credential;
    } catch (err) {
      throw translateAzureError(err, this.errorContext(t));
    }
    const fqdn = t.fqdn ?? `${t.dnsNameLabel}.${t.location}.azurecontainer.io`;
    const probe = new AvailabilityProbe(aciUris(fqdn).healthUri);
    try {
      const group = containerGroupSpec({ record, target: t, location: t.location, imageReference: reference, keys: credentials, registryCredential: groupRegistryCredential(t.registry, credential) });
      options.onProgress?.(`Azure: updating container group ${t.containerGroupName} to ${reference}`);
      const final = await this.putGroup(t, group, options, watcher);
      t = { ...t, imageReference: reference, imagePushedByModelport: true, fqdn: final.ipAddress?.fqdn ?? fqdn, failure: undefined };
      await this.waitHealthy(record, t, t.fqdn ?? fqdn, options, watcher);
    } catch (err) {
      const { unavailableMs } = await probe.stop();
      const translated = translateAzureError(err, this.errorContext(t, reference));
      options.onProgress?.(`The update failed (${errorMessage(translated).split('\n')[0]}); the service has not answered for ${(unavailableMs / 1000).toFixed(1)} s.`);
      // The new container's log says why: read it before the previous image replaces it.
      const tail = await this.logTail(t, record.name);
      if (previous) await this.rollBack(record, t, previous, credentials, credential, options, watcher);
      if (reference) await this.removeTag(record, reference, credential, options);
      throw tail.length > 0 ? failedWithLog(`Update failed: ${errorMessage(translated)}`, tail, record.generation, options) : translated;
    }
    const { unavailableMs, from } = await probe.stop();
    options.onProgress?.(
      unavailableMs > 0
        ? `The service was unavailable for ${(unavailableMs / 1000).toFixed(1)} s during the update (from ${from?.toISOString() ?? '?'}).`
        : 'The service answered throughout the update.',
    );
    if (previous && previous !== reference) await this.removeTag(record, previous, credential, options);
    await removeServiceImages(this.runner, record.name, record.generation).catch(() => undefined);
    // The manager writes the record with the new image reference once this returns (the update then serves).
    return { target: t };
  }

  /** Puts the previous image back after a failed update (the group is restarted once more). */
  private async rollBack(record: ServiceRecord, t: AciSettings, previous: string, keys: StoredKeys, credential: RegistryCredential | undefined, options: LifecycleOptions, watcher: GroupWatcher): Promise<void> {
    options.onProgress?.(`Azure: putting ${previous} back`);
    try {
      const group = containerGroupSpec({ record: { ...record, generation: record.generation - 1 }, target: t, location: t.location, imageReference: previous, keys, registryCredential: groupRegistryCredential(t.registry, credential) });
      await this.putGroup(t, group, options, watcher);
    } catch (err) {
      options.onProgress?.(`Could not put the previous image back: ${errorMessage(err)}`);
    }
  }

  /** Deletes a tag Modelport pushed, unless another service's record runs it. */
  private async removeTag(record: ServiceRecord, reference: string, credential: RegistryCredential | undefined, options: LifecycleOptions): Promise<void> {
    for (const name of await this.store.names()) {
      if (name === record.name) continue;
      const other = await this.store.readRecord(name).catch(() => undefined);
      if (other?.target.kind === 'aci' && other.target.imageReference === reference) {
        options.onProgress?.(`Keeping ${reference}: service '${name}' uses it`);
        return;
      }
    }
    try {
      const outcome = await deleteImageTag(reference, credential);
      options.onProgress?.(outcome === 'deleted' ? `Deleted image tag ${reference}` : `Image tag ${reference} was already gone`);
    } catch (err) {
      options.onProgress?.(`Could not delete image tag ${reference}: ${errorMessage(err)}`);
    }
  }

  async stop(record: ServiceRecord, options: LifecycleOptions): Promise<void> {
    const t = aciOf(record);
    try {
      options.onProgress?.(`Azure: deleting container group ${t.containerGroupName} in ${t.resourceGroup}`);
      const deleted = await this.deleteGroup(t, options);
      options.onProgress?.(deleted ? `Azure: deleted container group ${t.containerGroupName}` : `Azure: container group ${t.containerGroupName} was already gone`);
    } catch (err) {
      throw translateAzureError(err, this.errorContext(t));
    }
    if (t.imageReference && t.imagePushedByModelport) {
      const credential = await registryCredential(t.registry, this.access, this.env).catch(() => undefined);
      await this.removeTag(record, t.imageReference, credential, options);
    }
    const images = await removeServiceImages(this.runner, record.name).catch(() => []);
    if (images.length > 0) options.onProgress?.(`Removed local image(s) ${images.join(', ')}`);
  }

  /** `service stop`: ACI stops the container group (billing stops) and keeps it, its address and its image. */
  async pause(record: ServiceRecord, options: LifecycleOptions): Promise<void> {
    const t = aciOf(record);
    try {
      options.onProgress?.(`Azure: stopping container group ${t.containerGroupName} in ${t.resourceGroup} (it is kept: 'modelport service start ${record.name}' starts it again)`);
      await this.client(t.subscriptionId).containerGroups.stop(t.resourceGroup, t.containerGroupName);
      options.onProgress?.(`Azure: container group ${t.containerGroupName} stopped`);
    } catch (err) {
      throw translateAzureError(err, this.errorContext(t));
    }
  }

  /** `service start` of a stopped group: ACI starts it again; Healthy once `GET /` answers through its address. */
  async resume(record: ServiceRecord, _credentials: StoredKeys, options: LifecycleOptions): Promise<StartedService> {
    const t = aciOf(record);
    const watcher = new GroupWatcher(options.onProgress);
    try {
      options.onProgress?.(`Azure: starting container group ${t.containerGroupName} in ${t.resourceGroup}`);
      await this.client(t.subscriptionId).containerGroups.beginStartAndWait(t.resourceGroup, t.containerGroupName, { updateIntervalInMs: 1000 });
      const group = await this.getGroup(t);
      const fqdn = group?.ipAddress?.fqdn ?? t.fqdn;
      if (!fqdn) throw new Error('Azure did not give the container group a public address (ipAddress.fqdn)');
      await this.waitHealthy(record, t, fqdn, options, watcher);
      const uris = aciUris(fqdn);
      options.onProgress?.(`Healthy: ${uris.scoringUri}`);
      return { scoringUri: uris.scoringUri, swaggerUri: uris.swaggerUri, target: { ...t, fqdn } };
    } catch (err) {
      throw translateAzureError(err, this.errorContext(t));
    }
  }

  async *logs(record: ServiceRecord, options: LogOptions): AsyncIterable<string> {
    const t = aciOf(record);
    const client = this.client(t.subscriptionId);
    const read = async (tail: number | undefined): Promise<string[]> => {
      try {
        const logs = await client.containers.listLogs(t.resourceGroup, t.containerGroupName, record.name, tail !== undefined ? { tail } : {});
        return splitLog(logs.content);
      } catch (err) {
        throw translateAzureError(err, this.errorContext(t));
      }
    };
    let last = await read(options.tail);
    yield* last;
    while (options.follow && !options.signal?.aborted) {
      await sleep(2000, options.signal);
      if (options.signal?.aborted) return;
      const next = await read(500);
      yield* newLines(last, next);
      last = next;
    }
  }
}
