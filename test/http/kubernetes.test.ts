// The kubernetes target end to end: the real @kubernetes/client-node against the contract double of
// kube-apiserver (test/doubles/kubernetes), whose pods are real containers of the image Modelport pushed to the
// real local registry, whose readiness probes really run, and whose LoadBalancer is a real loopback address
// that forwards to ready pods only. Deploy with 2 replicas and key auth, score a Sneaker, update under a
// request loop with 0 failures, scale to 3, logs from every pod, kubectl get / describe / rollout status,
// export-manifests applied with kubectl --dry-run=server, delete leaving nothing labelled. Skipped, with the
// reason, without an engine and a registry.
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ModelRegistry } from '../../src/core/registry/modelRegistry';
import type { ServiceManager } from '../../src/core/services/serviceManager';
import { ServiceStore } from '../../src/core/services/serviceStore';
import { serviceManager } from '../helpers/serviceManager';
import { cliPath } from '../helpers/spawnServe';
import { startKubeDouble, type KubeDouble } from '../doubles/kubernetes/kubeDouble';

function skipReason(): string | false {
  if (!process.env.DOCKER_HOST) return 'DOCKER_HOST is not set: start an engine (bash ../shared/container-engine/engine.sh up; source its env file)';
  if (!process.env.CTR_REGISTRY) return 'CTR_REGISTRY is not set: start a registry (engine.sh registry-up) — the cluster double pulls the pushed image from it';
  // A busy shared engine can be slow to answer: twice, 30 s each.
  let r = spawnSync('docker', ['version', '--format', '{{.Server.Version}}'], { encoding: 'utf8', timeout: 30_000 });
  if (r.status !== 0) r = spawnSync('docker', ['version', '--format', '{{.Server.Version}}'], { encoding: 'utf8', timeout: 30_000 });
  if (r.status !== 0) return `no container engine answers 'docker version' at ${process.env.DOCKER_HOST}`;
  return false;
}
const skip = skipReason();
if (skip) process.stderr.write(`kubernetes tests skipped: ${skip}\n`);
const kubectlVersion = spawnSync('kubectl', ['version', '--client', '-o', 'json'], { encoding: 'utf8' });
const kubectlMissing = kubectlVersion.status === 0 ? false : 'kubectl is not installed (apt-get install kubernetes-client)';
// kubectl before 1.25 validates client-side from /openapi/v2 (protobuf), which the double does not serve; later
// ones check fieldValidation against /openapi/v3, which it serves from the official documents.
const kubectlMinor = kubectlMissing ? 0 : Number.parseInt((JSON.parse(kubectlVersion.stdout) as { clientVersion: { minor: string } }).clientVersion.minor, 10);
const validateFlags = kubectlMinor < 25 ? ['--validate=false'] : [];

process.env.MODELPORT_DOCKER_RUN_ARGS ??= process.env.CTR_RUN_NET_ARGS ?? '';
process.env.MODELPORT_DOCKER_BUILD_ARGS ??= process.env.CTR_BUILD_NET_ARGS ?? '';

const sneaker = readFileSync('samples/fashion-mnist/images/sneaker.png');

/** One POST on a fresh connection (what a new client does), so each request meets the load balancer. */
function score(uri: string, key: string): Promise<{ status: number; label?: string; error?: string }> {
  return new Promise((done) => {
    const req = request(uri, { method: 'POST', agent: false, headers: { 'content-type': 'image/png', authorization: `Bearer ${key}`, 'content-length': sneaker.length } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        try {
          const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { predictions?: Array<Array<{ label: string }>> };
          done({ status: res.statusCode ?? 0, ...(body.predictions?.[0]?.[0]?.label ? { label: body.predictions[0][0].label } : {}) });
        } catch (err) {
          done({ status: res.statusCode ?? 0, error: String(err) });
        }
      });
      res.on('error', (err) => done({ status: 0, error: String(err) }));
    });
    req.on('error', (err) => done({ status: 0, error: String(err) }));
    req.setTimeout(30_000, () => req.destroy(new Error('timeout')));
    req.end(sneaker);
  });
}

/** Requests one after another (two at a time) until `work` settles; every answer is kept. */
async function underLoad<T>(uri: string, key: string, work: Promise<T>): Promise<{ result: T; answers: Array<{ status: number; label?: string; error?: string }> }> {
  const answers: Array<{ status: number; label?: string; error?: string }> = [];
  let done = false;
  const settled = work.finally(() => (done = true));
  const loop = async (): Promise<void> => {
    // Bounded: at most 5000 requests per loop, and the loop stops when the work settles.
    for (let i = 0; i < 5000 && !done; i++) answers.push(await score(uri, key));
  };
  const loops = Promise.all([loop(), loop()]);
  const result = await settled;
  await loops;
  return { result, answers };
}

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  const t0 = Date.now();
  return new Promise<{ code: number; stdout: string; stderr: string }>((done) => {
    execFile(cmd, args, { env, timeout: 300_000, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0;
      done({ code, stdout: String(stdout), stderr: String(stderr) });
    });
  }).finally(() => {
    if (process.env.MODELPORT_TEST_VERBOSE) process.stderr.write(`${((Date.now() - t0) / 1000).toFixed(1)}s: ${cmd === process.execPath ? 'modelport' : cmd} ${args.slice(cmd === process.execPath ? 1 : 0, 4).join(' ')}\n`);
  });
}

describe('kubernetes target against the kube-apiserver double', { skip }, () => {
  const id = randomBytes(3).toString('hex');
  const name = `k8s-fashion-${id}`;
  const namespace = `mp-${id}`;
  let double: KubeDouble;
  let ws: string;
  let manager: ServiceManager;
  let env: NodeJS.ProcessEnv;
  let scoringUri = '';
  let key = '';
  let deployed = false;
  const pushed: string[] = [];
  const started = Date.now();

  const labelled = (): string[] => {
    const kinds: Array<[string, string]> = [
      ['apps/v1', 'Deployment'],
      ['apps/v1', 'ReplicaSet'],
      ['v1', 'Pod'],
      ['v1', 'Service'],
      ['v1', 'Secret'],
      ['autoscaling/v2', 'HorizontalPodAutoscaler'],
    ];
    return kinds.flatMap(([v, k]) => double.objects(v, k, namespace).filter((o) => o.metadata.labels?.['app.kubernetes.io/instance'] === name).map((o) => `${k}/${o.metadata.name}`));
  };
  const readyPods = (): string[] =>
    double
      .objects('v1', 'Pod', namespace)
      .filter((p) => !p.metadata.deletionTimestamp && (p.status as { conditions?: Array<{ type: string; status: string }> } | undefined)?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'))
      .map((p) => p.metadata.name);

  before(async () => {
    double = await startKubeDouble();
    double.createNamespace(namespace);
    process.env.KUBECONFIG = double.kubeconfig;
    process.env.MODELPORT_REGISTRY = process.env.CTR_REGISTRY;
    env = { ...process.env };
    ws = mkdtempSync(join(tmpdir(), 'mp-k8s-'));
    const registry = new ModelRegistry(ws);
    await registry.register({ source: resolve('samples/fashion-mnist'), name: 'fashion' });
    await registry.register({ source: resolve('samples/fashion-mnist'), name: 'fashion' });
    manager = serviceManager(ws, registry);
  });

  after(async () => {
    if (deployed) await manager.delete(name).catch(() => undefined);
    await double?.stop();
    for (const ref of pushed) spawnSync('docker', ['image', 'rm', '-f', ref], { encoding: 'utf8' });
    spawnSync('docker', ['image', 'prune', '-f', '--filter', `label=modelport.service=${name}`], { encoding: 'utf8' });
    rmSync(ws, { recursive: true, force: true });
    delete process.env.KUBECONFIG;
    process.stderr.write(`kubernetes suite: ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  });

  test('deploy fashion:1 with 2 replicas and key auth: Healthy with a LoadBalancer URI, and sneaker.png scores Sneaker through it', async () => {
    const config = join(ws, 'deploymentconfig.json');
    writeFileSync(config, JSON.stringify({ computeType: 'AKS', numReplicas: 2, authEnabled: true, namespace, containerResourceRequirements: { cpu: 0.25, memoryInGB: 0.5, memoryInGBLimit: 1 }, livenessProbeRequirements: { initialDelaySeconds: 5, periodSeconds: 5 } }));
    const progress: string[] = [];
    deployed = true;
    const t0 = Date.now();
    const svc = await manager.deploy({ name, models: ['fashion:1'], deploymentConfigPath: config }, { onProgress: (l) => progress.push(`${((Date.now() - t0) / 1000).toFixed(1)}s ${l}`) });
    if (process.env.MODELPORT_TEST_VERBOSE) process.stderr.write(progress.join('\n') + '\n');
    assert.equal(svc.state, 'Healthy', svc.detail);
    assert.equal(svc.computeType, 'kubernetes');
    assert.equal(svc.updateStrategy, 'rolling');
    assert.deepEqual(svc.replicas, { ready: 2, desired: 2 });
    assert.match(svc.scoringUri, /^http:\/\/127\.\d+\.\d+\.\d+:80\/score$/);
    assert.ok(progress.some((l) => l.endsWith(`Waiting for deployment "${name}" rollout to finish: 0 of 2 updated replicas are available...`)), progress.join('\n'));
    assert.ok(progress.some((l) => l.endsWith(`deployment "${name}" successfully rolled out`)), 'progress ends as kubectl rollout status does');
    assert.equal(readyPods().length, 2);
    scoringUri = svc.scoringUri;
    key = (await manager.keys(name)).primaryKey;
    const answer = await score(scoringUri, key);
    assert.deepEqual(answer, { status: 200, label: 'Sneaker' });
    assert.equal((await score(scoringUri, 'wrong-key')).status, 401, 'key auth is on');

    const record = await new ServiceStore(ws).readRecord(name);
    assert.equal(record.target.kind === 'kubernetes' && record.target.imageReference, `${process.env.CTR_REGISTRY}/modelport/${name}:1`);
    pushed.push(`${process.env.CTR_REGISTRY}/modelport/${name}:1`);
    const [deployment] = double.objects('apps/v1', 'Deployment', namespace);
    assert.ok(deployment);
    const text = JSON.stringify(deployment);
    assert.ok(!text.includes(key), 'the key is not in the Deployment');
    assert.ok(text.includes('"secretKeyRef"'), 'the container reads its keys through secretKeyRef');
    assert.deepEqual(deployment.metadata.labels, { 'app.kubernetes.io/name': name, 'app.kubernetes.io/instance': name, 'app.kubernetes.io/version': '1', 'app.kubernetes.io/managed-by': 'modelport' });
    assert.ok(deployment.metadata.managedFields?.some((f) => f.manager === 'modelport' && f.operation === 'Apply'), 'applied with server-side apply as modelport');
    const applies = double.requests.filter((r) => r.method === 'PATCH' && r.contentType?.startsWith('application/apply-patch'));
    assert.ok(applies.length >= 3 && applies.every((r) => r.fieldManager === 'modelport'));
    assert.deepEqual(double.warnings, [], 'no unknown field in any manifest');
  });

  test('kubectl get, describe and rollout status read the double', { skip: kubectlMissing }, async () => {
    assert.ok(scoringUri, 'the deploy test ran');
    const k = (...args: string[]) => run('kubectl', ['-n', namespace, ...args], env);
    const get = await k('get', 'deployments');
    assert.equal(get.code, 0, get.stderr);
    assert.match(get.stdout, new RegExp(`${name}\\s+2/2\\s+2\\s+2`));
    const pods = await k('get', 'pods', '-l', `app.kubernetes.io/instance=${name}`);
    assert.equal(pods.stdout.split('\n').filter((l) => /1\/1\s+Running/.test(l)).length, 2, pods.stdout);
    const svc = await k('get', 'service', name);
    assert.match(svc.stdout, /LoadBalancer\s+10\.96\.\d+\.\d+\s+127\.\d+\.\d+\.\d+\s+80:\d+\/TCP/);
    const describe = await k('describe', 'deployment', name);
    assert.equal(describe.code, 0, describe.stderr);
    assert.match(describe.stdout, /RollingUpdateStrategy:\s+0 max unavailable, 1 max surge/);
    assert.match(describe.stdout, /Readiness:\s+http-get http:\/\/:http\/ /);
    assert.match(describe.stdout, /MODELPORT_PRIMARY_KEY:\s+<set to the key 'primaryKey' in secret '.*-auth'>/);
    assert.match(describe.stdout, /NewReplicaSet:\s+\S+ \(2\/2 replicas created\)/);
    const rollout = await k('rollout', 'status', `deployment/${name}`, '--timeout=60s');
    assert.equal(rollout.code, 0, rollout.stderr);
    assert.match(rollout.stdout, new RegExp(`deployment "${name}" successfully rolled out`));
  });

  test('service update to fashion:2 under a request loop fails 0 requests', async () => {
    assert.ok(scoringUri, 'the deploy test ran');
    const progress: string[] = [];
    const t0 = Date.now();
    const { result, answers } = await underLoad(scoringUri, key, manager.update(name, { models: ['fashion:2'] }, { onProgress: (l) => progress.push(`${((Date.now() - t0) / 1000).toFixed(1)}s ${l}`) }));
    if (process.env.MODELPORT_TEST_VERBOSE) process.stderr.write(progress.join('\n') + '\n');
    pushed.push(`${process.env.CTR_REGISTRY}/modelport/${name}:2`);
    assert.equal(result.state, 'Healthy', result.detail);
    assert.deepEqual(result.models, ['fashion:2']);
    assert.equal(result.scoringUri, scoringUri, 'the same scoring URI');
    const failed = answers.filter((a) => a.status !== 200 || a.label !== 'Sneaker');
    process.stderr.write(`rolling update to fashion:2: ${answers.length} requests, ${failed.length} failed\n`);
    assert.ok(answers.length > 10, `requests were sent during the rollout (${answers.length})`);
    assert.deepEqual(failed, [], `${failed.length} of ${answers.length} requests failed`);
    assert.ok(progress.some((l) => /old replicas are pending termination|updated replicas are available|new replicas have been updated/.test(l)), progress.join('\n'));
    const images = double
      .objects('v1', 'Pod', namespace)
      .filter((p) => !p.metadata.deletionTimestamp)
      .map((p) => (p.spec as { containers: Array<{ image: string }> }).containers[0]!.image);
    assert.deepEqual([...new Set(images)], [`${process.env.CTR_REGISTRY}/modelport/${name}:2`]);
  });

  test('a key roll is a rolling update: the secondary key scores throughout, then the new primary works and the old one is refused', async () => {
    assert.ok(scoringUri, 'the deploy test ran');
    const before = await manager.keys(name);
    const { result: keys, answers } = await underLoad(scoringUri, before.secondaryKey, manager.regenerateKey(name, 'primary'));
    pushed.push(`${process.env.CTR_REGISTRY}/modelport/${name}:3`);
    const failed = answers.filter((a) => a.status !== 200);
    process.stderr.write(`key roll: ${answers.length} requests with the secondary key, ${failed.length} failed\n`);
    assert.ok(answers.length > 10, `requests were sent during the roll (${answers.length})`);
    assert.deepEqual(failed, [], `${failed.length} of ${answers.length} requests with the secondary key failed`);
    assert.notEqual(keys.primaryKey, before.primaryKey);
    assert.equal(keys.secondaryKey, before.secondaryKey);
    assert.equal((await score(scoringUri, keys.primaryKey)).status, 200);
    assert.equal((await score(scoringUri, before.primaryKey)).status, 401);
    key = keys.primaryKey;
    const secret = double.objects('v1', 'Secret', namespace).find((o) => o.metadata.name === `${name}-auth`);
    assert.equal(Buffer.from(String((secret?.data as Record<string, string>).primaryKey), 'base64').toString(), keys.primaryKey, 'the Secret holds the new key');
  });

  test('service scale --replicas 3 gives 3 ready pods; service logs shows every pod', async () => {
    assert.ok(scoringUri, 'the deploy test ran');
    const scaled = await run(process.execPath, [cliPath, 'service', 'scale', name, '--replicas', '3', '--workspace', ws, '--json'], env);
    assert.equal(scaled.code, 0, scaled.stderr);
    const status = JSON.parse(scaled.stdout) as { replicas: { ready: number; desired: number }; generation: number };
    assert.deepEqual(status.replicas, { ready: 3, desired: 3 });
    assert.equal(status.generation, 3, 'scaling makes no new generation');
    assert.equal(readyPods().length, 3);
    const list = await run(process.execPath, [cliPath, 'service', 'list', '--workspace', ws], env);
    assert.match(list.stdout, new RegExp(`${name}\\s+Healthy\\s+kubernetes\\s+3/3`));
    // Every pod has answered a request: its log has a line to show.
    for (let i = 0; i < 6; i++) assert.equal((await score(scoringUri, key)).status, 200);
    const logs = await run(process.execPath, [cliPath, 'service', 'logs', name, '--tail', '20', '--workspace', ws], env);
    assert.equal(logs.code, 0, logs.stderr);
    const podsInLog = new Set(logs.stdout.split('\n').map((l) => /^\[([^\]]+)\] /.exec(l)?.[1]).filter(Boolean));
    assert.deepEqual([...podsInLog].sort(), readyPods().sort(), 'lines from every pod, prefixed by it');
  });

  test('service stop scales the Deployment to 0 and keeps it with its Service; start scales it back to its 3 replicas at the same URI', async () => {
    assert.ok(scoringUri, 'the deploy test ran');
    const stopped = await run(process.execPath, [cliPath, 'service', 'stop', name, '--workspace', ws, '--json'], env);
    assert.equal(stopped.code, 0, stopped.stderr);
    assert.match(stopped.stderr, /Scaled Deployment .+ to 0 replicas \(it is kept/);
    const down = JSON.parse(stopped.stdout) as { state: string; detail: string; scoringUri: string };
    assert.equal(down.state, 'Stopped');
    assert.match(down.detail, new RegExp(`scaled to 0 replicas .*'modelport service start ${name}'`));
    const deployment = double.objects('apps/v1', 'Deployment', namespace).find((d) => d.metadata.name === name);
    assert.equal((deployment?.spec as { replicas?: number } | undefined)?.replicas, 0, 'the Deployment is kept, at 0 replicas');
    assert.ok(double.objects('v1', 'Service', namespace).some((x) => x.metadata.name === name), 'the Service (the address) is kept');
    assert.deepEqual(double.objects('v1', 'Pod', namespace).filter((p) => p.metadata.labels?.['app.kubernetes.io/instance'] === name).map((p) => p.metadata.name), [], 'no pod is left');
    assert.notEqual((await score(scoringUri, key)).status, 200, 'nothing answers while stopped');

    const startedAgain = await run(process.execPath, [cliPath, 'service', 'start', name, '--workspace', ws, '--json'], env);
    assert.equal(startedAgain.code, 0, startedAgain.stderr);
    const up = JSON.parse(startedAgain.stdout) as { state: string; scoringUri: string; generation: number; replicas: { ready: number; desired: number } };
    assert.equal(up.state, 'Healthy');
    assert.equal(up.scoringUri, scoringUri, 'the same address');
    assert.equal(up.generation, 3, 'stop and start make no new generation');
    assert.deepEqual(up.replicas, { ready: 3, desired: 3 });
    const answer = await score(scoringUri, key);
    assert.equal(answer.status, 200);
    assert.equal(answer.label, 'Sneaker');
  });

  test('an update whose command was killed after the apply: the next show takes its record, as the rolled-out template carries its generation', async () => {
    assert.ok(scoringUri, 'the deploy test ran');
    // The state a kill -9 leaves between the apply and the record's write: the record one generation behind, the
    // update pending under a process that is gone, the Deployment rolled out with the new template.
    // The pending record was written before the push, so it still names the image before it.
    const store = new ServiceStore(ws);
    const current = await store.readRecord(name);
    assert.equal(current.generation, 3);
    // (An unchanged image keeps its tag from generation to generation: here the one the template runs.)
    const image = current.target.kind === 'kubernetes' ? (current.target.imageReference ?? '') : '';
    assert.match(image, /\/modelport\/k8s-fashion-[0-9a-f]+:\d+$/);
    const before = { ...current, target: { ...current.target, imageReference: `${image}-before-the-push` } };
    await store.writeRecord({ ...before, generation: 2 });
    await store.writePending({ writerPid: 2 ** 22 + 12345 /* above Linux's largest pid: no process has it */, startedTime: new Date().toISOString(), record: before });
    const shown = await run(process.execPath, [cliPath, 'service', 'show', name, '--workspace', ws, '--json'], env);
    assert.equal(shown.code, 0, shown.stderr);
    const status = JSON.parse(shown.stdout) as { state: string; generation: number };
    assert.deepEqual([status.state, status.generation], ['Healthy', 3]);
    assert.equal(await store.readPending(name), undefined, 'the pending update is settled');
    assert.deepEqual(await store.readRecord(name), current, 'the record names the image that serves');
  });

  test('scaling a stopped service to an autoscaler starts it at the minimum (an autoscaler leaves a Deployment at 0 alone)', async () => {
    assert.ok(scoringUri, 'the deploy test ran');
    const stopped = await run(process.execPath, [cliPath, 'service', 'stop', name, '--workspace', ws, '--json'], env);
    assert.equal(stopped.code, 0, stopped.stderr);
    assert.equal((JSON.parse(stopped.stdout) as { state: string }).state, 'Stopped');
    const scaled = await run(process.execPath, [cliPath, 'service', 'scale', name, '--min', '2', '--max', '4', '--workspace', ws, '--json'], env);
    assert.equal(scaled.code, 0, scaled.stderr);
    assert.match(scaled.stderr, /from 0 to 2 replica\(s\), the autoscaler's minimum/);
    const status = JSON.parse(scaled.stdout) as { state: string; replicas: { ready: number; desired: number } };
    assert.deepEqual([status.state, status.replicas], ['Healthy', { ready: 2, desired: 2 }]);
    assert.equal((await score(scoringUri, key)).status, 200);
  });

  test('export-manifests writes the objects (secrets apart, owner-only); delete leaves nothing labelled; the export applies with kubectl --dry-run=server', async () => {
    assert.ok(scoringUri, 'the deploy test ran');
    const out = join(ws, 'manifests');
    const exported = await run(process.execPath, [cliPath, 'service', 'export-manifests', name, '--out', out, '--workspace', ws], env);
    assert.equal(exported.code, 0, exported.stderr);
    assert.match(exported.stdout, /do NOT commit/);
    const workload = readFileSync(join(out, `${name}.yaml`), 'utf8');
    const secret = join(out, `${name}.secret.yaml`);
    assert.ok(!workload.includes(key) && !workload.includes(Buffer.from(key).toString('base64')), 'no credential in the workload file');
    assert.match(workload, /kind: Deployment[\s\S]*kind: Service/);
    assert.equal(statSync(secret).mode & 0o777, 0o600);
    assert.equal(readFileSync(join(out, '.gitignore'), 'utf8'), '*.secret.yaml\n');

    const deleted = await run(process.execPath, [cliPath, 'service', 'delete', name, '--yes', '--workspace', ws], env);
    assert.equal(deleted.code, 0, deleted.stderr);
    deployed = false;
    assert.deepEqual(labelled(), [], 'nothing labelled for the service is left');

    if (kubectlMissing) return;
    const dry = await run('kubectl', ['apply', '--dry-run=server', ...validateFlags, '-f', secret, '-f', join(out, `${name}.yaml`)], env);
    assert.equal(dry.code, 0, dry.stderr);
    assert.match(dry.stdout, new RegExp(`deployment.apps/${name} created \\(server dry run\\)`));
    assert.match(dry.stdout, new RegExp(`service/${name} created \\(server dry run\\)`));
    assert.match(dry.stdout, new RegExp(`secret/${name}-auth created \\(server dry run\\)`));
    assert.deepEqual(labelled(), [], 'a dry run creates nothing');
  });
});
