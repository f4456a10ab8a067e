// The container group Modelport asks for, serialised by the real @azure/arm-containerinstance client (a capturing
// transport instead of the network) and checked against the official OpenAPI spec in ../shared/specs/aci.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ContainerInstanceManagementClient } from '@azure/arm-containerinstance';
import { createHttpHeaders, type HttpClient, type PipelineRequest } from '@azure/core-rest-pipeline';
import { aciUris, containerGroupSpec, credentialVariables } from '../../../../../src/core/services/aci/containerGroupSpec';
import type { ServiceRecord } from '../../../../../src/core/services/serviceRecord';
import { AciSpec, specDir } from '../../../../doubles/azure/aciSpec';

const record: ServiceRecord = {
  name: 'fashion-svc',
  models: ['fashion:1'],
  authMode: 'key',
  corsOrigins: [],
  timeoutMs: 60000,
  scoringUri: '',
  swaggerUri: '',
  createdTime: '2026-01-01T00:00:00Z',
  updatedTime: '2026-01-01T00:00:00Z',
  generation: 3,
  target: {
    kind: 'aci',
    subscriptionId: '00000000-0000-0000-0000-000000000001',
    resourceGroup: 'rg',
    location: 'westeurope',
    dnsNameLabel: 'fashion-svc-1234abcd',
    registry: 'myregistry.azurecr.io',
    containerGroupName: 'fashion-svc',
    cpu: 0.1,
    memoryInGB: 0.5,
    image: { buildArgs: {} },
    tags: { team: 'vision' },
  },
};
const keys = { primaryKey: 'primary-key-primary-key', secondaryKey: 'secondary-key-secondary', tokenSecret: 'token-secret' };

async function wireBody(group: ReturnType<typeof containerGroupSpec>): Promise<unknown> {
  let captured: PipelineRequest | undefined;
  const httpClient: HttpClient = {
    sendRequest: async (request) => {
      captured = request;
      const body = JSON.stringify({ ...JSON.parse(String(request.body)), id: '/x', name: 'fashion-svc', properties: { ...JSON.parse(String(request.body)).properties, provisioningState: 'Succeeded' } });
      return { status: 200, headers: createHttpHeaders({ 'content-type': 'application/json' }), request, bodyAsText: body };
    },
  };
  const client = new ContainerInstanceManagementClient({ getToken: async () => ({ token: 't', expiresOnTimestamp: Date.now() + 3600_000 }) }, record.target.kind === 'aci' ? record.target.subscriptionId : '', { httpClient });
  await client.containerGroups.beginCreateOrUpdateAndWait('rg', 'fashion-svc', group);
  assert.ok(captured);
  assert.equal(captured.method, 'PUT');
  assert.match(captured.url, /\/subscriptions\/00000000-0000-0000-0000-000000000001\/resourceGroups\/rg\/providers\/Microsoft\.ContainerInstance\/containerGroups\/fashion-svc\?api-version=2023-05-01$/);
  return JSON.parse(String(captured.body));
}

test('the group the SDK sends is valid against the official 2023-05-01 spec, with port 80, the DNS label and the resources', { skip: existsSync(join(specDir, 'containerInstance.json')) ? false : `no spec at ${specDir}` }, async () => {
  const t = record.target.kind === 'aci' ? record.target : undefined;
  assert.ok(t);
  const group = containerGroupSpec({ record, target: t, location: 'westeurope', imageReference: 'myregistry.azurecr.io/modelport/fashion-svc:3', keys, registryCredential: { server: 'myregistry.azurecr.io', username: 'u', password: 'p' } });
  const body = (await wireBody(group)) as { location: string; tags: Record<string, string>; properties: { containers: Array<{ name: string; properties: { image: string; ports: unknown; environmentVariables: Array<{ name: string; value?: string; secureValue?: string }>; resources: unknown } }>; ipAddress: unknown; osType: string } };
  assert.deepEqual(new AciSpec().problems('ContainerGroup', body), []);
  assert.equal(body.location, 'westeurope');
  assert.deepEqual(body.tags, { team: 'vision', 'modelport-service': 'fashion-svc', 'modelport-generation': '3' });
  assert.equal(body.properties.osType, 'Linux');
  assert.deepEqual(body.properties.ipAddress, { type: 'Public', dnsNameLabel: 'fashion-svc-1234abcd', ports: [{ port: 80, protocol: 'TCP' }] });
  const c = body.properties.containers[0];
  assert.equal(c?.properties.image, 'myregistry.azurecr.io/modelport/fashion-svc:3');
  assert.deepEqual(c?.properties.ports, [{ port: 80, protocol: 'TCP' }]);
  assert.deepEqual(c?.properties.resources, { requests: { cpu: 0.1, memoryInGB: 0.5 } });
  const env = c?.properties.environmentVariables ?? [];
  assert.deepEqual(env.filter((e) => e.name.startsWith('MODELPORT_') && e.name.endsWith('KEY')), [
    { name: 'MODELPORT_PRIMARY_KEY', secureValue: keys.primaryKey },
    { name: 'MODELPORT_SECONDARY_KEY', secureValue: keys.secondaryKey },
  ]);
  assert.ok(env.every((e) => e.value === undefined || !Object.values(keys).includes(e.value)), 'no credential as a plain value');
  assert.deepEqual(env.find((e) => e.name === 'SERVER_PORT'), { name: 'SERVER_PORT', value: '80' });
});

test('batching and work limits from deploymentconfig.json reach the container as the server reads them', () => {
  const t = record.target.kind === 'aci' ? record.target : undefined;
  assert.ok(t);
  const limited: ServiceRecord = { ...record, batching: { enabled: true, maxBatchSize: 8, maxDelayMs: 5 }, limits: { maxConcurrentRequests: 3, maxRowsPerRequest: 100 } };
  const env = containerGroupSpec({ record: limited, target: t, location: 'westeurope', imageReference: 'r/m:3', keys, registryCredential: undefined }).containers[0]?.environmentVariables ?? [];
  const plain = Object.fromEntries(env.filter((e) => e.value !== undefined).map((e) => [e.name, e.value]));
  assert.equal(plain.MODELPORT_MAX_BATCH_SIZE, '8');
  assert.equal(plain.MODELPORT_MAX_BATCH_DELAY_MS, '5');
  assert.equal(plain.MODELPORT_MAX_CONCURRENT_REQUESTS, '3');
  assert.equal(plain.MODELPORT_MAX_ROWS, '100');
  const off = containerGroupSpec({ record: { ...record, batching: { enabled: false, maxBatchSize: 1, maxDelayMs: 0 } }, target: t, location: 'westeurope', imageReference: 'r/m:3', keys, registryCredential: undefined }).containers[0]?.environmentVariables ?? [];
  assert.deepEqual(off.find((e) => e.name === 'MODELPORT_BATCHING'), { name: 'MODELPORT_BATCHING', value: 'off' });
});

test('the spec validator refuses what the service would: a wrong type, a missing field, an unknown property', { skip: existsSync(join(specDir, 'containerInstance.json')) ? false : `no spec at ${specDir}` }, () => {
  const spec = new AciSpec();
  const example = AciSpec.example('ContainerGroupsCreateOrUpdate').parameters.containerGroup;
  assert.deepEqual(spec.problems('ContainerGroup', example), [], "the spec's own example is valid");
  const problems = spec.problems('ContainerGroup', {
    location: 'westeurope',
    properties: { osType: 'Linux', containers: [{ name: 'c', properties: { image: 'i', resources: { requests: { cpu: '1', memoryInGB: 1 } }, portz: [] } }, { properties: { image: 'i', resources: { requests: { cpu: 1, memoryInGB: 1 } } } }] },
  });
  assert.deepEqual(problems.sort(), [
    "/properties/containers/0/properties/portz is not a property the API defines",
    '/properties/containers/0/properties/resources/requests/cpu must be number',
    "/properties/containers/1 must have required property 'name'",
  ]);
});

test('token auth sends the token secret as a secure value; no auth sends no credential', () => {
  assert.deepEqual(credentialVariables('token', keys), [{ name: 'MODELPORT_TOKEN_SECRET', secureValue: 'token-secret' }]);
  assert.deepEqual(credentialVariables('none', keys), []);
  assert.deepEqual(aciUris('x.westeurope.azurecontainer.io'), { scoringUri: 'http://x.westeurope.azurecontainer.io/score', swaggerUri: 'http://x.westeurope.azurecontainer.io/swagger.json', healthUri: 'http://x.westeurope.azurecontainer.io/' });
});
