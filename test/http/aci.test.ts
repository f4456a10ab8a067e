// The aci target for real, from the built CLI, against contract doubles of Azure (test/doubles/azure): the real
// @azure/identity signs in to an Entra double, the real @azure/arm-containerinstance drives an ARM double that
// validates every request against the official OpenAPI spec and runs the container group on the real engine,
// from the image the CLI pushed to the real local OCI registry. What this proves and what it cannot is in the
// README (Azure Container Instances). Skipped, with the reason, without an engine, a registry or nss_wrapper.
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { azureDoublesSkipReason, startAzureDoubles, type AzureDoubles } from '../doubles/azure/azureDoubles';
import { doubleLabel } from '../doubles/azure/engine';
import { ServiceStore } from '../../src/core/services/serviceStore';
import { cliPath } from '../helpers/spawnServe';

const skip = azureDoublesSkipReason();
if (skip) process.stderr.write(`aci tests skipped: ${skip}\n`);

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

const suffix = Math.random().toString(36).slice(2, 7);
const svc = `aci-${suffix}`;
const other = `aci-${suffix}-b`;
const crash = `aci-${suffix}-c`;
const label = `mp-${suffix}-label`;
const docker = (...args: string[]): string => execFileSync('docker', args, { encoding: 'utf8' }).trim();

/** GET / or POST /score on the group's loopback IP with the public host name, without Modelport's client. */
function direct(ip: string, fqdn: string, path: string, body?: Buffer, headers: Record<string, string> = {}): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: ip, port: 80, path, method: body ? 'POST' : 'GET', headers: { host: fqdn, ...headers } }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (c: string) => (text += c)).on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function registryTags(repository: string): Promise<string[]> {
  const res = await fetch(`http://${process.env.CTR_REGISTRY ?? ''}/v2/${repository}/tags/list`);
  if (res.status === 404) return [];
  const json = (await res.json()) as { tags?: string[] | null };
  return json.tags ?? [];
}

describe('aci target against the Azure contract doubles', { skip }, () => {
  let doubles: AzureDoubles;
  let ws: string;
  let env: NodeJS.ProcessEnv;
  let place: string[];

  const cli = (args: string[], extraEnv: NodeJS.ProcessEnv = {}): Promise<Result> =>
    new Promise((resolve) => {
      const child = spawn(process.execPath, [cliPath, ...args], { env: { ...process.env, ...env, ...extraEnv }, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      child.once('exit', (code) => resolve({ code, stdout, stderr }));
    });

  before(async () => {
    doubles = await startAzureDoubles();
    ws = mkdtempSync(join(tmpdir(), 'mp-aci-'));
    env = { ...doubles.env, MODELPORT_WORKSPACE: ws, MODELPORT_DOCKER_RUN_ARGS: process.env.CTR_RUN_NET_ARGS ?? '', MODELPORT_DOCKER_BUILD_ARGS: process.env.CTR_BUILD_NET_ARGS ?? '' };
    place = ['--subscription', doubles.subscriptionId, '--resource-group', doubles.resourceGroup, '--registry', process.env.CTR_REGISTRY ?? ''];
    for (let i = 0; i < 2; i++) assert.equal((await cli(['model', 'register', 'samples/fashion-mnist', '--name', 'fashion'])).code, 0);
    writeFileSync(join(ws, 'deploymentconfig.json'), JSON.stringify({ computeType: 'ACI', dnsNameLabel: label, authEnabled: true, containerResourceRequirements: { cpu: 1, memoryInGB: 1 }, tags: { team: 'vision' } }));
  });

  after(async () => {
    for (const name of [svc, other, crash]) await cli(['service', 'delete', name, '--yes']);
    await doubles?.close();
    for (const name of [svc, other, crash]) {
      const images = docker('image', 'ls', '-q', '--filter', `label=modelport.service=${name}`).split('\n').filter(Boolean);
      if (images.length > 0) execFileSync('docker', ['image', 'rm', '-f', ...new Set(images)], { stdio: 'ignore' });
    }
    rmSync(ws, { recursive: true, force: true });
  });

  test('deploy --target aci --auth key: build, push, provisioning and events, then Healthy at <label>.<region>.azurecontainer.io', async () => {
    const r = await cli(['service', 'deploy', svc, '--model', 'fashion:1', '--target', 'aci', '--auth', 'key', ...place]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /^Pushed [\d.:]+\/modelport\/aci-[a-z0-9]+:1 \(sha256:[0-9a-f]{64}\)$/m);
    // The states the CLI saw, in order: how many of Pending and Creating it polls depends on the machine's speed.
    const states = [...r.stderr.matchAll(/^Azure: container group \S+ provisioning state (\S+)$/gm)].map((m) => m[1]);
    assert.match(states.join(' '), /^(Pending )?(Creating )?Succeeded$/);
    assert.match(r.stderr, /^Azure: Normal Pulling: pulling image/m);
    assert.match(r.stderr, /^Azure: Normal Started: Started container$/m);
    assert.match(r.stdout, new RegExp(`^${svc} {2}Healthy$`, 'm'));
    assert.match(r.stdout, new RegExp(`scoring URI: {2}http://${svc}-[0-9a-f]{8}\\.westeurope\\.azurecontainer\\.io/score`));
    assert.deepEqual(doubles.arm.specViolations, [], 'every request body matched the official spec');
    // The keys travel as secure values only, and ARM never shows them back.
    const keys = JSON.parse((await cli(['service', 'keys', svc, '--json'])).stdout) as { primaryKey: string; secondaryKey: string };
    const put = doubles.arm.requests.find((q) => q.method === 'PUT' && q.path.endsWith(`/containerGroups/${svc}`));
    const sent = JSON.parse(put?.body ?? '{}') as { properties: { containers: Array<{ properties: { environmentVariables: Array<{ name: string; value?: string; secureValue?: string }> } }> } };
    const vars = sent.properties.containers[0]?.properties.environmentVariables ?? [];
    assert.deepEqual(vars.find((v) => v.name === 'MODELPORT_PRIMARY_KEY'), { name: 'MODELPORT_PRIMARY_KEY', secureValue: keys.primaryKey });
    const view = JSON.stringify(doubles.arm.view(doubles.subscriptionId, doubles.resourceGroup, svc));
    assert.ok(!view.includes(keys.primaryKey) && !view.includes(keys.secondaryKey), 'GET never returns a secure value');
    // Where it went is remembered for the workspace, with no secret in it.
    const remembered = JSON.parse(readFileSync(join(ws, 'azure.json'), 'utf8')) as Record<string, string>;
    assert.deepEqual(remembered, { subscriptionId: doubles.subscriptionId, resourceGroup: doubles.resourceGroup, location: 'westeurope', registry: process.env.CTR_REGISTRY });
  });

  test('the image answers Sneaker with the key, 401 without; the server bound port 80 and runs as the unprivileged user', async () => {
    const r = await cli(['invoke', svc, '--file', 'samples/fashion-mnist/images/sneaker.png']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal((JSON.parse(r.stdout) as { predictions: Array<Array<{ label: string }>> }).predictions[0]?.[0]?.label, 'Sneaker');
    const group = doubles.arm.view(doubles.subscriptionId, doubles.resourceGroup, svc) as { properties: { ipAddress: { ip: string; fqdn: string } } };
    const { ip, fqdn } = group.properties.ipAddress;
    const denied = await direct(ip, fqdn, '/score', readFileSync('samples/fashion-mnist/images/sneaker.png'), { 'content-type': 'image/png' });
    assert.equal(denied.status, 401);
    const container = doubles.arm.containerOf(doubles.subscriptionId, doubles.resourceGroup, svc) ?? '';
    const uid = docker('exec', container, 'node', '-e',
      "const fs=require('fs');for(const p of fs.readdirSync('/proc').filter((d)=>/^\\d+$/.test(d)&&d!==String(process.pid))){try{const a=fs.readFileSync('/proc/'+p+'/cmdline','utf8').split('\\0');if(a[0].endsWith('node')&&a.includes('serve'))console.log(/Uid:\\s+(\\d+)/.exec(fs.readFileSync('/proc/'+p+'/status','utf8'))[1])}catch{}}");
    assert.equal(uid, '10001');
  });

  test('show and list read the live state from ARM: provisioning, container state, restarts, where it runs', async () => {
    const show = JSON.parse((await cli(['service', 'show', svc, '--json'])).stdout) as { state: string; computeType: string; targetDetail: string; updateStrategy: string };
    assert.deepEqual([show.state, show.computeType, show.updateStrategy], ['Healthy', 'aci', 'restart']);
    assert.match(show.targetDetail, new RegExp(`^provisioning Succeeded, container Running, restarts 0 · ${doubles.subscriptionId} / ${doubles.resourceGroup} \\(westeurope\\)$`));
    const list = await cli(['service', 'list']);
    // READY is a replicated target's column (Kubernetes): '-' for a container group.
    assert.match(list.stdout, new RegExp(`^${svc} +Healthy +aci +- +fashion:1 +key +http://`, 'm'));
  });

  test('logs --tail shows the container\'s lines; --follow streams new ones', async () => {
    const r = await cli(['service', 'logs', svc, '--tail', '50']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /INFO \[[0-9a-f-]{36}\] POST \/score 200/);
    assert.match(r.stdout, /Bound port 80 as root, now running as user 10001:10001/);
    const follow = spawn(process.execPath, [cliPath, 'service', 'logs', svc, '--tail', '1', '--follow'], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    follow.stdout.on('data', (c: Buffer) => (out += c.toString()));
    const marker = crypto.randomUUID();
    try {
      const group = doubles.arm.view(doubles.subscriptionId, doubles.resourceGroup, svc) as { properties: { ipAddress: { ip: string; fqdn: string } } };
      await direct(group.properties.ipAddress.ip, group.properties.ipAddress.fqdn, '/swagger.json', undefined, { 'x-request-id': marker });
      for (let i = 0; i < 60 && !out.includes(marker); i++) await new Promise((r) => setTimeout(r, 500));
      assert.match(out, new RegExp(`\\[${marker}\\] GET /swagger.json 200`));
    } finally {
      follow.kill('SIGINT');
    }
  });

  test('update to version 2: warns that ACI restarts the group, reaches Healthy again, says how long it was unavailable, drops the old tag', async () => {
    const repository = `modelport/${svc}`;
    assert.deepEqual(await registryTags(repository), ['1']);
    const r = await cli(['service', 'update', svc, '--model', 'fashion:2', '--json']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /^Note: service '.+' runs on aci, where an update restarts it/m);
    assert.match(r.stderr, /^Azure Container Instances restarts the container group to update it/m);
    assert.match(r.stderr, /^The service was unavailable for \d+\.\d s during the update \(from \d{4}-\d\d-\d\dT/m);
    const updated = JSON.parse(r.stdout) as { state: string; models: string[]; generation: number; scoringUri: string };
    assert.deepEqual([updated.state, updated.models, updated.generation], ['Healthy', ['fashion:2'], 2]);
    assert.deepEqual(await registryTags(repository), ['2']);
    assert.deepEqual(doubles.arm.specViolations, []);
    const invoked = await cli(['invoke', svc, '--file', 'samples/fashion-mnist/images/sneaker.png']);
    assert.equal(invoked.code, 0, invoked.stderr);
  });

  test('an update whose command was killed after the PUT: the next show takes its record, as the group runs its image', async () => {
    // The state a kill -9 leaves between the group's PUT and the record's write: the record one generation
    // behind, the update pending under a process that is gone, the group running the new image.
    // The pending record was written before the push, so it still names the image before it.
    const store = new ServiceStore(ws);
    const current = await store.readRecord(svc);
    assert.equal(current.generation, 2);
    const image = current.target.kind === 'aci' ? (current.target.imageReference ?? '') : '';
    assert.ok(image.endsWith(`/modelport/${svc}:2`), JSON.stringify(current.target));
    const before = { ...current, target: { ...current.target, imageReference: image.replace(/:2$/, ':1') } };
    await store.writeRecord({ ...before, generation: 1, models: ['fashion:1'] });
    await store.writePending({ writerPid: 2 ** 22 + 12345 /* above Linux's largest pid: no process has it */, startedTime: new Date().toISOString(), record: before });
    const shown = JSON.parse((await cli(['service', 'show', svc, '--json'])).stdout) as { state: string; generation: number; models: string[] };
    assert.deepEqual([shown.state, shown.generation, shown.models], ['Healthy', 2, ['fashion:2']]);
    assert.equal(await store.readPending(svc), undefined, 'the pending update is settled');
    assert.deepEqual(await store.readRecord(svc), current, 'the record names the image that serves');
  });

  test('stop keeps the container group (Stopped, the start command named); start brings it back Healthy at the same address', async () => {
    const before = JSON.parse((await cli(['service', 'show', svc, '--json'])).stdout) as { scoringUri: string };
    const stopped = await cli(['service', 'stop', svc, '--json']);
    assert.equal(stopped.code, 0, stopped.stderr);
    const stoppedStatus = JSON.parse(stopped.stdout) as { state: string; detail: string };
    assert.equal(stoppedStatus.state, 'Stopped', stoppedStatus.detail);
    assert.match(stoppedStatus.detail, new RegExp(`modelport service start ${svc}`));
    const down = await cli(['invoke', svc, '--file', 'samples/fashion-mnist/images/sneaker.png']);
    assert.notEqual(down.code, 0);
    assert.match(down.stderr, /is Stopped/);
    const started = await cli(['service', 'start', svc, '--json']);
    assert.equal(started.code, 0, started.stderr);
    const startedStatus = JSON.parse(started.stdout) as { state: string; scoringUri: string };
    assert.deepEqual([startedStatus.state, startedStatus.scoringUri], ['Healthy', before.scoringUri]);
    const invoked = await cli(['invoke', svc, '--file', 'samples/fashion-mnist/images/sneaker.png']);
    assert.equal(invoked.code, 0, invoked.stderr);
    assert.match(invoked.stdout, /Sneaker/);
    assert.deepEqual(doubles.arm.specViolations, []);
  });

  test('a DNS label another group holds: DnsNameLabelAlreadyTaken with what to do; the record stays Failed with the reason', async () => {
    const r = await cli(['service', 'deploy', other, '--model', 'fashion:1', '--deployment-config', join(ws, 'deploymentconfig.json'), ...place]);
    assert.equal(r.code, 0, r.stderr);
    const again = await cli(['service', 'deploy', crash, '--model', 'fashion:1', '--deployment-config', join(ws, 'deploymentconfig.json'), ...place]);
    assert.equal(again.code, 1);
    assert.match(again.stderr, new RegExp(`The DNS name label '${label}' is already used in region 'westeurope' \\(DnsNameLabelAlreadyTaken\\)\\. Choose another "dnsNameLabel"`));
    const show = JSON.parse((await cli(['service', 'show', crash, '--json'])).stdout) as { state: string; detail: string };
    assert.equal(show.state, 'Failed');
    assert.match(show.detail, /DnsNameLabelAlreadyTaken/);
    assert.equal((await cli(['service', 'delete', crash, '--yes'])).code, 0);
    assert.equal((await cli(['service', 'delete', other, '--yes'])).code, 0);
  });

  test('a container that keeps exiting: the deploy fails with the restarts and the log, and removes the group it created', async () => {
    const dir = mkdtempSync(join(ws, 'crash-'));
    writeFileSync(join(dir, 'score.js'), "exports.init = () => { throw new Error('init cannot find its model on purpose'); };\nexports.run = () => ({});\n");
    const r = await cli(['service', 'deploy', crash, '--entry-script', join(dir, 'score.js'), '--source-dir', dir, '--target', 'aci']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /the container keeps exiting: Azure restarted it \d+ times \(last exit code 3\)/);
    // The container's last lines go by as progress, tagged with their generation, and are not printed twice.
    assert.match(r.stderr, /^\[gen 1\] .*init cannot find its model on purpose/m);
    assert.doesNotMatch(r.stderr, /--- last lines of the service log ---/);
    assert.match(r.stderr, /Removing container group .+, which this failed deploy created/);
    assert.ok(!doubles.arm.groupNames().some((g) => g.endsWith(`/${crash}`)));
    const show = JSON.parse((await cli(['service', 'show', crash, '--json'])).stdout) as { state: string; detail: string };
    assert.equal(show.state, 'Failed');
    assert.match(show.detail, /keeps exiting/);
    assert.equal((await cli(['service', 'delete', crash, '--yes'])).code, 0);
  });

  test('errors a user meets before anything is pushed: a refused sign-in, no permission, a missing resource group', async () => {
    const refused = await cli(['service', 'deploy', 'aci-nosignin', '--model', 'fashion:1', '--target', 'aci', ...place], { AZURE_CLIENT_SECRET: 'not-the-secret' });
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr, /Not signed in to Azure|Azure refused the sign-in/);
    assert.match(refused.stderr, /az login|AZURE_CLIENT_SECRET/);
    await cli(['service', 'delete', 'aci-nosignin', '--yes']);
    doubles.arm.addResourceGroup(doubles.subscriptionId, 'not-yours', 'westeurope');
    const denied = await cli(['service', 'deploy', 'aci-denied', '--model', 'fashion:1', '--target', 'aci', '--subscription', doubles.subscriptionId, '--registry', process.env.CTR_REGISTRY ?? '', '--resource-group', 'not-yours']);
    assert.notEqual(denied.code, 0);
    assert.match(denied.stderr, /No permission in resource group 'not-yours' .+\(AuthorizationFailed\)/);
    await cli(['service', 'delete', 'aci-denied', '--yes']);
    // Without access to the subscription, ARM answers AuthorizationFailed even for a group that does not exist;
    // with it, ResourceGroupNotFound.
    doubles.arm.grant(doubles.principal.objectId, `/subscriptions/${doubles.subscriptionId}`);
    const missing = await cli(['service', 'deploy', 'aci-norg', '--model', 'fashion:1', '--target', 'aci', '--subscription', doubles.subscriptionId, '--registry', process.env.CTR_REGISTRY ?? '', '--resource-group', 'no-such-group']);
    assert.equal(missing.code, 4, missing.stderr);
    assert.match(missing.stderr, /Resource group 'no-such-group' was not found in subscription .+ \(ResourceGroupNotFound\)\. Create it with `az group create/);
    await cli(['service', 'delete', 'aci-norg', '--yes']);
  });

  test('delete leaves no container group, no container and no image tag behind', async () => {
    const r = await cli(['service', 'delete', svc, '--yes']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /Deleted image tag .+\/modelport\/aci-[a-z0-9]+:2/);
    assert.deepEqual(doubles.arm.groupNames(), []);
    assert.equal(docker('ps', '-a', '-q', '--filter', `label=${doubleLabel}=${doubles.arm.id}`), '');
    assert.deepEqual(await registryTags(`modelport/${svc}`), []);
    assert.equal(docker('image', 'ls', '-q', '--filter', `label=modelport.service=${svc}`), '');
  });
});
