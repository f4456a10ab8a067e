// The container group a service becomes in Azure Container Instances: one Linux container running the service's
// image, its port published on a public IP with a DNS label, resources from containerResourceRequirements, keys
// as secure environment variables (ARM never returns a secureValue on GET). Pure: a unit test pins it, and the
// contract double validates it against the official OpenAPI schema.
import type { ContainerGroup, EnvironmentVariable, ImageRegistryCredential } from '@azure/arm-containerinstance';
import { batchingEnv, limitsEnv } from '../runtimeEnv';
import type { ServiceRecord, TargetSettingsOf } from '../serviceRecord';
import type { StoredKeys } from '../serviceStore';

/** ACI has no port mapping: the container listens on the public port itself (80, as Azure ML's ACI services). */
export const aciPort = 80;
/** The unprivileged user the server becomes once it has bound port 80 (the image's own user). */
export const aciRunAs = '10001:10001';

export type AciSettings = TargetSettingsOf<'aci'>;

export interface GroupInputs {
  record: ServiceRecord;
  target: AciSettings;
  /** The region the group is created in (the record's, or the resource group's). */
  location: string;
  imageReference: string;
  keys: StoredKeys;
  registryCredential: ImageRegistryCredential | undefined;
}

/** Credentials reach the container as secure values only: never plain `value`s, which ARM shows to readers. */
export function credentialVariables(authMode: ServiceRecord['authMode'], keys: StoredKeys): EnvironmentVariable[] {
  if (authMode === 'key') {
    return [
      { name: 'MODELPORT_PRIMARY_KEY', secureValue: keys.primaryKey },
      { name: 'MODELPORT_SECONDARY_KEY', secureValue: keys.secondaryKey },
    ];
  }
  if (authMode === 'token') return [{ name: 'MODELPORT_TOKEN_SECRET', secureValue: keys.tokenSecret }];
  return [];
}

export function containerGroupSpec(inputs: GroupInputs): ContainerGroup {
  const { record, target } = inputs;
  const environmentVariables: EnvironmentVariable[] = [
    { name: 'SERVER_PORT', value: String(aciPort) },
    { name: 'MODELPORT_HOST', value: '0.0.0.0' },
    { name: 'MODELPORT_RUN_AS', value: aciRunAs },
    // Batching and work limits (deploymentconfig.json), as the docker target passes them to `docker run`.
    ...Object.entries({ ...batchingEnv(record.batching), ...limitsEnv(record.limits) }).map(([name, value]) => ({ name, value })),
    ...credentialVariables(record.authMode, inputs.keys),
  ];
  return {
    location: inputs.location,
    tags: { ...target.tags, 'modelport-service': record.name, 'modelport-generation': String(record.generation) },
    osType: 'Linux',
    restartPolicy: 'Always',
    containers: [
      {
        name: record.name,
        image: inputs.imageReference,
        ports: [{ port: aciPort, protocol: 'TCP' }],
        environmentVariables,
        resources: { requests: { cpu: target.cpu, memoryInGB: target.memoryInGB } },
      },
    ],
    ipAddress: { type: 'Public', dnsNameLabel: target.dnsNameLabel, ports: [{ port: aciPort, protocol: 'TCP' }] },
    ...(inputs.registryCredential ? { imageRegistryCredentials: [inputs.registryCredential] } : {}),
  };
}

/** `http://<fqdn>/score`: the public address, port 80. */
export function aciUris(fqdn: string): { scoringUri: string; swaggerUri: string; healthUri: string } {
  return { scoringUri: `http://${fqdn}/score`, swaggerUri: `http://${fqdn}/swagger.json`, healthUri: `http://${fqdn}/` };
}
