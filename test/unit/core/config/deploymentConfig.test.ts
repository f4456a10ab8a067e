// deploymentconfig.json: Azure-style files for each compute type load with the right values; broken ones give
// one exact, located message.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ConfigError } from '../../../../src/core/errors';
import { ConfigValidationError } from '../../../../src/core/config/configIssue';
import { parseDeploymentConfig } from '../../../../src/core/config/deploymentConfig';
import { loadDeploymentConfig } from '../../../../src/core/config/loadConfig';

const fixtures = resolve('test/fixtures/config');
const label = 'deploymentconfig.json';

function messageOf(text: string): string {
  try {
    parseDeploymentConfig(text, label, '/work/project');
  } catch (err) {
    assert.ok(err instanceof ConfigError, `expected a ConfigError, got ${String(err)}`);
    return err.message;
  }
  assert.fail('expected the config to be rejected');
}

test('local: Azure file loads with its port and local defaults', async () => {
  const config = await loadDeploymentConfig(join(fixtures, 'local/deploymentconfig.json'));
  assert.equal(config.computeType, 'local');
  assert.equal(config.computeType === 'local' && config.port, 32267);
  assert.equal(config.auth, 'none');
  assert.deepEqual(config.containerResourceRequirements, { cpu: 0.1, memoryInGB: 0.5 });
  assert.equal(config.scoringTimeoutMs, 60000);
  assert.deepEqual(config.corsOrigins, []);
});

test('aci: upper-case computeType is accepted and lower-cased; Azure fields kept', async () => {
  const config = await loadDeploymentConfig(join(fixtures, 'aci/deploymentconfig.json'));
  assert.equal(config.computeType, 'aci');
  if (config.computeType !== 'aci') return;
  assert.deepEqual(config.containerResourceRequirements, { cpu: 1, memoryInGB: 2 });
  assert.equal(config.auth, 'key');
  assert.equal(config.appInsightsEnabled, true);
  assert.equal(config.location, 'westeurope');
  assert.equal(config.dnsNameLabel, 'fashion-scoring');
  assert.deepEqual(config.tags, { team: 'vision' });
  assert.deepEqual(config.dataCollection, { storageEnabled: false });
});

test('aks: autoscaler, probes and limits merged over defaults; key auth on by default', async () => {
  const config = await loadDeploymentConfig(join(fixtures, 'aks/deploymentconfig.json'));
  assert.equal(config.computeType, 'kubernetes');
  if (config.computeType !== 'kubernetes') return;
  assert.equal(config.auth, 'key');
  assert.deepEqual(config.autoScaler, { autoscaleEnabled: true, minReplicas: 2, maxReplicas: 4, refreshPeriodInSeconds: 5, targetUtilization: 60 });
  assert.deepEqual(config.containerResourceRequirements, { cpu: 0.5, memoryInGB: 1.5, cpuLimit: 1 });
  assert.equal(config.livenessProbeRequirements.initialDelaySeconds, 30);
  assert.equal(config.livenessProbeRequirements.periodSeconds, 10);
  assert.deepEqual(config.dataCollection, { storageEnabled: true });
  assert.equal(config.maxConcurrentRequestsPerContainer, 2);
  assert.equal(config.maxQueueWaitMs, 1000);
  assert.equal(config.namespace, 'ml-prod');
});

test('docker (JSONC): Modelport fields, token auth and SSL paths resolved against the file', async () => {
  const config = await loadDeploymentConfig(join(fixtures, 'docker/deploymentconfig.json'));
  assert.equal(config.computeType, 'docker');
  if (config.computeType !== 'docker') return;
  assert.equal(config.port, 8890);
  assert.equal(config.auth, 'token');
  assert.equal(config.authEnabled, false);
  assert.deepEqual(config.corsOrigins, ['http://localhost:3000', 'https://example.com']);
  assert.deepEqual(config.batching, { enabled: true, maxBatchSize: 16, maxDelayMs: 0 });
  assert.deepEqual(config.docker, { baseImage: 'node:22-slim', buildArgs: { NPM_REGISTRY: 'https://registry.npmjs.org' }, runArgs: ['--cpus', '2'] });
  assert.equal(config.sslCertificate, join(fixtures, 'docker/certs/cert.pem'));
  assert.equal(config.sslKey, join(fixtures, 'docker/certs/key.pem'));
});

test('aks: numReplicas turns autoscaling off unless the file says otherwise', () => {
  const config = parseDeploymentConfig('{"computeType": "aks", "numReplicas": 3}', label, '/p');
  assert.equal(config.computeType === 'kubernetes' && config.autoScaler.autoscaleEnabled, false);
  const auto = parseDeploymentConfig('{"computeType": "aks", "tokenAuthEnabled": true}', label, '/p');
  assert.equal(auto.computeType === 'kubernetes' && auto.autoScaler.autoscaleEnabled, true);
  assert.equal(auto.auth, 'token');
});

test('syntax error: reported with line:column', () => {
  assert.equal(messageOf('{\n  "computeType": "local"\n  "port": 80\n}'), 'deploymentconfig.json:3:3: expected ","');
});

test('wrong type: names the pointer and the value', () => {
  assert.equal(messageOf('{\n  "computeType": "local",\n  "port": "80"\n}'), 'deploymentconfig.json:3:11: /port must be an integer (got "80")');
});

test('out-of-range port: located at the value', () => {
  assert.equal(messageOf('{\n  "computeType": "local",\n  "port": 65536\n}'), 'deploymentconfig.json:3:11: /port must be <= 65535 (got 65536)');
});

test('unknown property: located at the key, with a suggestion', () => {
  assert.equal(messageOf('{\n  "computeType": "local",\n  "prot": 8080\n}'), 'deploymentconfig.json:3:3: unknown property "prot" (did you mean "port"?)');
  assert.equal(
    messageOf('{"computeType": "aci", "containerResourceRequirements": {"cpu": 1, "memoryInGb": 2}}'),
    'deploymentconfig.json:1:68: unknown property "memoryInGb" in /containerResourceRequirements (did you mean "memoryInGB"?)',
  );
  assert.equal(messageOf('{"computeType": "aci", "zzz": 1}'), 'deploymentconfig.json:1:24: unknown property "zzz"');
});

test('wrong computeType: lists the allowed values once each', () => {
  assert.equal(messageOf('{\n  "computeType": "azure"\n}'), 'deploymentconfig.json:2:18: /computeType must be one of "local", "docker", "aci", "kubernetes", "aks" (got "azure")');
});

test('missing computeType and non-object files', () => {
  assert.equal(messageOf('{ "port": 80 }'), 'deploymentconfig.json:1:1: missing required property "computeType"');
  assert.equal(messageOf('[1]'), 'deploymentconfig.json:1:1: the file must contain a JSON object, not an array');
  assert.equal(messageOf('  \n'), 'deploymentconfig.json:1:1: the file holds no JSON value; it must contain a JSON object');
});

test('field of another compute type: located at its key', () => {
  assert.equal(
    messageOf('{\n  "computeType": "local",\n  "dnsNameLabel": "abc"\n}'),
    'deploymentconfig.json:3:3: /dnsNameLabel applies only when computeType is "aci" (this file says "local")',
  );
  assert.equal(
    messageOf('{"computeType": "aci", "port": 80}'),
    'deploymentconfig.json:1:24: /port applies only when computeType is "local" or "docker" (this file says "aci")',
  );
});

test('rules across fields: ssl needs files, key and token auth exclude each other, replicas ordered', () => {
  assert.equal(
    messageOf('{"computeType": "docker", "sslEnabled": true, "sslKey": "k.pem"}'),
    'deploymentconfig.json:1:1: missing required property "sslCertificate" (sslCertificate and sslKey are needed when sslEnabled is true)',
  );
  assert.equal(
    messageOf('{"computeType": "aks", "authEnabled": true, "tokenAuthEnabled": true}'),
    'deploymentconfig.json:1:65: /tokenAuthEnabled and /authEnabled cannot both be true: choose key or token authentication',
  );
  assert.equal(
    messageOf('{"computeType": "aks", "autoScaler": {"minReplicas": 5, "maxReplicas": 2}}'),
    'deploymentconfig.json:1:72: /autoScaler/maxReplicas (2) must be >= minReplicas (5)',
  );
  assert.equal(
    messageOf('{"computeType": "docker", "corsOrigins": ["http://a.com/path"]}'),
    'deploymentconfig.json:1:43: /corsOrigins/0 must be "*" or an origin such as "https://example.com" or "http://localhost:3000" (scheme and host, no path) (got "http://a.com/path")',
  );
});

test('several problems: all listed in file order, the first one located on the error', () => {
  try {
    parseDeploymentConfig('{\n  "computeType": "local",\n  "port": 0,\n  "scoringTimeoutMs": -1,\n  "prot": 1\n}', label, '/p');
    assert.fail('expected a ConfigValidationError');
  } catch (err) {
    assert.ok(err instanceof ConfigValidationError);
    assert.equal(
      err.message,
      [
        'deploymentconfig.json:3:11: /port must be >= 1 (got 0)',
        'deploymentconfig.json:4:23: /scoringTimeoutMs must be >= 1 (got -1)',
        'deploymentconfig.json:5:3: unknown property "prot" (did you mean "port"?)',
      ].join('\n'),
    );
    assert.equal(err.location, 'deploymentconfig.json:3:11 /port');
    assert.equal(err.file, resolve('/p', label));
    assert.deepEqual(
      err.issues.map((i) => [i.pointer, i.line, i.column]),
      [['/port', 3, 11], ['/scoringTimeoutMs', 4, 23], ['/prot', 5, 3]],
    );
  }
});

test('missing file: ConfigError naming the path', async () => {
  const missing = join(fixtures, 'nope/deploymentconfig.json');
  await assert.rejects(loadDeploymentConfig(missing), (err: unknown) => {
    assert.ok(err instanceof ConfigError);
    assert.equal(err.file, missing);
    assert.match(err.message, /nope\/deploymentconfig\.json does not exist/);
    return true;
  });
});

test('load: a missing SSL file is reported at its line with the resolved path', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'modelport-config-'));
  try {
    const file = join(dir, 'deploymentconfig.json');
    await writeFile(file, '{\n  "computeType": "local",\n  "sslEnabled": true,\n  "sslCertificate": "c.pem",\n  "sslKey": "k.pem"\n}');
    await writeFile(join(dir, 'k.pem'), 'x');
    await assert.rejects(loadDeploymentConfig(file), (err: unknown) => {
      assert.ok(err instanceof ConfigError);
      assert.equal(err.message, `${file}:4:21: /sslCertificate: file not found: ${join(dir, 'c.pem')}`);
      return true;
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('kubernetes: "kubernetes" or Azure ML\'s "AKS"; serviceType and the kubernetes object with defaults; refused for other targets', () => {
  const k = parseDeploymentConfig('{"computeType": "kubernetes", "serviceType": "ClusterIP", "kubernetes": {"flavour": "kserve"}}', label, '/p');
  assert.equal(k.computeType, 'kubernetes');
  if (k.computeType !== 'kubernetes') return;
  assert.equal(k.serviceType, 'ClusterIP');
  assert.deepEqual(k.kubernetes, { flavour: 'kserve', progressDeadlineSeconds: 600 });
  const aks = parseDeploymentConfig('{"computeType": "AKS"}', label, '/p');
  assert.equal(aks.computeType === 'kubernetes' && aks.serviceType, 'LoadBalancer');
  assert.throws(() => parseDeploymentConfig('{"computeType": "docker", "serviceType": "ClusterIP"}', label, '/p'), /serviceType applies only when computeType is "kubernetes"/);
});
