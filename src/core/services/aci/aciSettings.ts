// The aci target's part of a record: flags and environment first, then deploymentconfig.json, then what the
// service already had, then what this workspace remembered from its last ACI deploy. A setting Modelport cannot
// honour on ACI is refused, never ignored.
import { randomBytes } from 'node:crypto';
import { deploymentDefaults, type AciDeploymentConfig } from '../../config/deploymentConfig';
import { ConfigError, ConflictError } from '../../errors';
import { registryServer } from '../../docker/registryPush';
import type { AzurePlacement, TargetRequest } from '../target';
import type { AciSettings } from './containerGroupSpec';

const dnsLabelPattern = /^[a-z][a-z0-9-]{1,61}[a-z0-9]$/;

/** `<service>-<8 hex>`: Azure ML generates a unique label the same way when none is given. */
export function generatedDnsLabel(service: string): string {
  return `${service}-${randomBytes(4).toString('hex')}`.slice(0, 63);
}

function unsupported(config: AciDeploymentConfig): string[] {
  const refused: string[] = [];
  if (config.sslEnabled) refused.push('sslEnabled (ACI serves plain HTTP on port 80 here; put Azure Front Door or Application Gateway in front for TLS)');
  if (config.dataCollection.storageEnabled) refused.push('dataCollection.storageEnabled');
  if (config.containerResourceRequirements.cpuLimit !== undefined || config.containerResourceRequirements.memoryInGBLimit !== undefined) {
    refused.push('containerResourceRequirements.cpuLimit / memoryInGBLimit (ACI reserves cpu and memoryInGB)');
  }
  if (config.docker.runArgs.length > 0) refused.push('docker.runArgs (docker target only)');
  if (config.docker.imageName !== undefined) refused.push('docker.imageName (the image is pushed as <registry>/modelport/<service>:<generation>; choose the registry with --registry)');
  return refused;
}

export function aciSettings(request: TargetRequest, current: AciSettings | undefined, remembered: AzurePlacement): AciSettings {
  const config = request.config?.computeType === 'aci' ? request.config : undefined;
  if (config) {
    const refused = unsupported(config);
    if (refused.length > 0) throw new ConfigError(`deploymentconfig.json asks for what the aci target does not support: ${refused.join('; ')}. Remove it and deploy again.`);
  }
  const flags = request.azure ?? {};
  const pick = (key: 'subscriptionId' | 'resourceGroup' | 'location'): string | undefined => flags[key] ?? config?.[key] ?? current?.[key] ?? remembered[key];
  const subscriptionId = pick('subscriptionId');
  const resourceGroup = pick('resourceGroup');
  const location = pick('location') ?? '';
  const registryValue = flags.registry ?? current?.registry ?? remembered.registry;
  const missing: string[] = [];
  if (!subscriptionId) missing.push('the subscription: --subscription ID, AZURE_SUBSCRIPTION_ID, or "subscriptionId" in deploymentconfig.json');
  if (!resourceGroup) missing.push('the resource group: --resource-group NAME, AZURE_RESOURCE_GROUP, or "resourceGroup" in deploymentconfig.json');
  if (!registryValue) missing.push('the container registry ACI pulls the image from: --registry LOGIN_SERVER (such as myregistry.azurecr.io) or MODELPORT_REGISTRY');
  if (!subscriptionId || !resourceGroup || !registryValue) {
    throw new ConfigError(`To deploy to Azure Container Instances, Modelport needs ${missing.join('; ')}. They are remembered for this workspace after the first deploy.`);
  }
  if (current && (current.subscriptionId !== subscriptionId || current.resourceGroup !== resourceGroup)) {
    throw new ConflictError(`Service '${request.name}' runs in ${current.subscriptionId} / ${current.resourceGroup}; an update cannot move it. Deploy a new service there instead.`);
  }
  if (current?.location && location && current.location.toLowerCase() !== location.toLowerCase()) {
    throw new ConflictError(`Service '${request.name}' runs in region '${current.location}'; an update cannot move it to '${location}'. Deploy a new service instead.`);
  }
  const dnsNameLabel = config?.dnsNameLabel ?? current?.dnsNameLabel ?? generatedDnsLabel(request.name);
  if (!dnsLabelPattern.test(dnsNameLabel)) throw new ConfigError(`The DNS name label '${dnsNameLabel}' is not valid: 3-63 lower-case letters, digits and hyphens, starting with a letter.`);
  const d = deploymentDefaults.containerResourceRequirements;
  const baseImage = config?.docker.baseImage ?? request.baseImage ?? current?.image.baseImage;
  return {
    kind: 'aci',
    subscriptionId,
    resourceGroup,
    location: current?.location || location,
    dnsNameLabel,
    registry: registryServer(registryValue),
    containerGroupName: current?.containerGroupName ?? request.name,
    cpu: config?.containerResourceRequirements.cpu ?? current?.cpu ?? d.cpu,
    memoryInGB: config?.containerResourceRequirements.memoryInGB ?? current?.memoryInGB ?? d.memoryInGB,
    image: { ...(baseImage !== undefined ? { baseImage } : {}), buildArgs: config ? { ...config.docker.buildArgs } : { ...current?.image.buildArgs } },
    tags: config ? { ...config.tags } : { ...current?.tags },
    ...(current?.imageReference !== undefined ? { imageReference: current.imageReference } : {}),
    ...(current?.imagePushedByModelport !== undefined ? { imagePushedByModelport: current.imagePushedByModelport } : {}),
    ...(current?.fqdn !== undefined ? { fqdn: current.fqdn } : {}),
  };
}
