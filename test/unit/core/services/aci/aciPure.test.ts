// The aci target's pure parts: where a service goes (flags, config, record, remembered), the errors users meet,
// following a log that is re-read whole, registry addresses, and the server's MODELPORT_RUN_AS.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseDeploymentConfig } from '../../../../../src/core/config/deploymentConfig';
import { ConfigError, ConflictError } from '../../../../../src/core/errors';
import { AzureError, translateAzureError } from '../../../../../src/core/services/aci/aciErrors';
import { aciSettings } from '../../../../../src/core/services/aci/aciSettings';
import { isMicrosoftAuthority, resourceManagerEndpoint, resourceManagerScope } from '../../../../../src/core/services/aci/azureAccess';
import { generationOfImage } from '../../../../../src/core/services/aci/aciImage';
import { crashLoop } from '../../../../../src/core/services/aci/groupProgress';
import { newLines, splitLog } from '../../../../../src/core/services/aci/logLines';
import { isAzureContainerRegistry, registryBaseUrl } from '../../../../../src/core/services/aci/registryAccess';
import { parseReference } from '../../../../../src/core/services/aci/registryTags';
import { parseRunAs } from '../../../../../src/server/http/privilegedPort';

const where = { subscriptionId: 'sub-1', resourceGroup: 'rg-1', registry: 'https://myreg.azurecr.io/' };

test('settings: flags win over the config, which wins over what the workspace remembered; defaults as Azure ML', () => {
  const config = parseDeploymentConfig(JSON.stringify({ computeType: 'ACI', location: 'northeurope', dnsNameLabel: 'my-label', resourceGroup: 'rg-config', containerResourceRequirements: { cpu: 1 }, tags: { a: 'b' } }), 'deploymentconfig.json', '/tmp');
  const s = aciSettings({ name: 'svc', config, baseImage: undefined, azure: { subscriptionId: 'sub-flag' } }, undefined, { ...where, location: 'westeurope' });
  assert.deepEqual(
    { sub: s.subscriptionId, rg: s.resourceGroup, loc: s.location, label: s.dnsNameLabel, reg: s.registry, cpu: s.cpu, mem: s.memoryInGB, tags: s.tags, group: s.containerGroupName },
    { sub: 'sub-flag', rg: 'rg-config', loc: 'northeurope', label: 'my-label', reg: 'myreg.azurecr.io', cpu: 1, mem: 0.5, tags: { a: 'b' }, group: 'svc' },
  );
  const generated = aciSettings({ name: 'svc', config: undefined, baseImage: undefined }, undefined, where);
  assert.match(generated.dnsNameLabel, /^svc-[0-9a-f]{8}$/);
  assert.equal(generated.location, '', 'the resource group decides at start');
  assert.deepEqual([generated.cpu, generated.memoryInGB], [0.1, 0.5]);
});

test('settings: what is missing is named with every way to give it; an update cannot move the group', () => {
  assert.throws(() => aciSettings({ name: 'svc', config: undefined, baseImage: undefined }, undefined, {}), (err: unknown) => {
    assert.ok(err instanceof ConfigError);
    assert.match(err.message, /--subscription ID, AZURE_SUBSCRIPTION_ID, or "subscriptionId" in deploymentconfig\.json/);
    assert.match(err.message, /--resource-group NAME, AZURE_RESOURCE_GROUP/);
    assert.match(err.message, /--registry LOGIN_SERVER .* or MODELPORT_REGISTRY/);
    return true;
  });
  const current = aciSettings({ name: 'svc', config: undefined, baseImage: undefined }, undefined, where);
  assert.throws(() => aciSettings({ name: 'svc', config: undefined, baseImage: undefined, azure: { resourceGroup: 'elsewhere' } }, current, where), ConflictError);
  const same = aciSettings({ name: 'svc', config: undefined, baseImage: undefined }, { ...current, imageReference: 'r/modelport/svc:1', imagePushedByModelport: true }, {});
  assert.deepEqual([same.dnsNameLabel, same.imageReference], [current.dnsNameLabel, 'r/modelport/svc:1']);
});

test('settings: what the aci target cannot honour is refused, not ignored', () => {
  for (const extra of [{ sslEnabled: true, sslCertificate: 'c.pem', sslKey: 'k.pem' }, { dataCollection: { storageEnabled: true } }, { containerResourceRequirements: { cpu: 1, cpuLimit: 2 } }, { docker: { imageName: 'x/y:1' } }]) {
    const config = parseDeploymentConfig(JSON.stringify({ computeType: 'aci', ...extra }), 'deploymentconfig.json', '/tmp');
    assert.throws(() => aciSettings({ name: 'svc', config, baseImage: undefined }, undefined, where), /does not support/);
  }
});

const ctx = { subscriptionId: 'sub-1', resourceGroup: 'rg-1', location: 'westeurope', dnsNameLabel: 'lbl', image: 'r/i:1', registry: 'r', signInHint: 'Sign in: az login.' };
const rest = (statusCode: number, code: string, message = 'm'): object => ({ name: 'RestError', statusCode, code, message });

test('Azure errors become messages that say what to do next', () => {
  const cases: Array<[object, string, RegExp]> = [
    [{ name: 'CredentialUnavailableError', message: 'EnvironmentCredential is unavailable.\nmore' }, 'unauthorized', /^Not signed in to Azure: EnvironmentCredential is unavailable\.\nSign in: az login\.$/],
    [{ name: 'AuthenticationError', message: 'AADSTS7000215: Invalid client secret provided.' }, 'unauthorized', /refused the sign-in: AADSTS7000215/],
    [rest(401, 'InvalidAuthenticationToken'), 'unauthorized', /did not accept the sign-in \(InvalidAuthenticationToken\)/],
    [rest(403, 'AuthorizationFailed'), 'unauthorized', /No permission in resource group 'rg-1' of subscription sub-1 \(AuthorizationFailed\).*\n.*Contributor/],
    [rest(404, 'SubscriptionNotFound'), 'not-found', /az account list/],
    [rest(404, 'ResourceGroupNotFound'), 'not-found', /az group create --name rg-1/],
    [rest(400, 'LocationNotAvailableForResourceType'), 'config', /not available in region 'westeurope'.*\n.*--location/],
    [rest(409, 'MissingSubscriptionRegistration'), 'config', /az provider register --namespace Microsoft\.ContainerInstance/],
    [rest(400, 'DnsNameLabelAlreadyTaken'), 'conflict', /'lbl' is already used in region 'westeurope'/],
    [rest(400, 'InaccessibleImage'), 'unavailable', /could not pull the image r\/i:1.*\n.*MODELPORT_REGISTRY_USERNAME/],
    [rest(409, 'ContainerGroupQuotaReached'), 'unavailable', /Over the Azure Container Instances quota in region 'westeurope'/],
    [rest(500, 'InternalServerError', 'boom'), 'unavailable', /Azure answered 500 InternalServerError: boom/],
  ];
  for (const [err, kind, message] of cases) {
    const e = translateAzureError(err, ctx);
    assert.ok(e instanceof AzureError, JSON.stringify(err));
    assert.equal(e.kind, kind, JSON.stringify(err));
    assert.match(e.message, message);
  }
  const plain = new Error('not from Azure');
  assert.equal(translateAzureError(plain, ctx), plain);
});

test('following a log re-read whole keeps only the new lines', () => {
  assert.deepEqual(splitLog('a\nb\n'), ['a', 'b']);
  assert.deepEqual(newLines([], ['a', 'b']), ['a', 'b']);
  assert.deepEqual(newLines(['a', 'b', 'c'], ['b', 'c', 'd', 'e']), ['d', 'e']);
  assert.deepEqual(newLines(['a', 'b'], ['a', 'b']), []);
  assert.deepEqual(newLines(['x', 'y'], ['p', 'q']), ['p', 'q'], 'no overlap (a restarted container): all of it');
  assert.deepEqual(newLines(['ok', 'ok'], ['ok', 'ok', 'ok', 'new']), ['new'], 'repeated lines: the latest match');
});

test('a container that keeps exiting is a crash loop from the third restart', () => {
  const group = (restartCount: number): Parameters<typeof crashLoop>[0] => ({ osType: 'Linux', containers: [{ name: 'c', image: 'i', resources: { requests: { cpu: 1, memoryInGB: 1 } }, instanceView: { restartCount, previousState: { exitCode: 3 } } }] });
  assert.equal(crashLoop(group(2)), undefined);
  assert.equal(crashLoop(group(3)), 'the container keeps exiting: Azure restarted it 3 times (last exit code 3)');
});

test('registries, references, endpoints and authorities', () => {
  assert.equal(registryBaseUrl('127.0.0.1:5000'), 'http://127.0.0.1:5000');
  assert.equal(registryBaseUrl('localhost:5000'), 'http://localhost:5000');
  assert.equal(registryBaseUrl('myreg.azurecr.io'), 'https://myreg.azurecr.io');
  assert.ok(isAzureContainerRegistry('myreg.azurecr.io') && !isAzureContainerRegistry('ghcr.io'));
  assert.deepEqual(parseReference('127.0.0.1:5000/modelport/svc:3'), { server: '127.0.0.1:5000', repository: 'modelport/svc', tag: '3' });
  assert.equal(resourceManagerEndpoint(undefined), 'https://management.azure.com');
  assert.throws(() => resourceManagerEndpoint('http://127.0.0.1:1'), /must be https/);
  assert.equal(resourceManagerScope('https://127.0.0.1:4443'), 'https://management.azure.com/.default');
  assert.equal(resourceManagerScope('https://management.usgovcloudapi.net'), 'https://management.usgovcloudapi.net/.default');
  assert.ok(isMicrosoftAuthority(undefined) && isMicrosoftAuthority('https://login.microsoftonline.us/'));
  assert.ok(!isMicrosoftAuthority('https://127.0.0.1:4444'));
});

test('MODELPORT_RUN_AS takes an unprivileged UID:GID only', () => {
  assert.deepEqual(parseRunAs('10001:10001'), { uid: 10001, gid: 10001 });
  assert.equal(parseRunAs(undefined), undefined);
  assert.throws(() => parseRunAs('0:0'), /unprivileged/);
  assert.throws(() => parseRunAs('modelport'), /UID:GID/);
});

test('the generation a group runs, read from its image reference; another service\'s or a foreign image is none', () => {
  assert.equal(generationOfImage('myreg.azurecr.io/modelport/svc:12', 'svc'), 12);
  assert.equal(generationOfImage('127.0.0.1:5000/modelport/svc:3', 'svc'), 3);
  assert.equal(generationOfImage('myreg.azurecr.io/modelport/other:3', 'svc'), undefined);
  assert.equal(generationOfImage('myreg.azurecr.io/team/svc:3', 'svc'), undefined);
  assert.equal(generationOfImage('myreg.azurecr.io/modelport/svc:latest', 'svc'), undefined);
  assert.equal(generationOfImage('myreg.azurecr.io/modelport/svc@sha256:abc', 'svc'), undefined);
  assert.equal(generationOfImage(undefined, 'svc'), undefined);
});
