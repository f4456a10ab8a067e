// The local service lifecycle for real: detached host processes, real scoring instances, real HTTP.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { isProcessAlive } from '../../src/core/fs/processAlive';
import { ModelRegistry } from '../../src/core/registry/modelRegistry';
import { DeploymentFailedError } from '../../src/core/services/deploymentFailedError';
import type { ServiceManager } from '../../src/core/services/serviceManager';
import { ServiceStore } from '../../src/core/services/serviceStore';
import { json } from '../helpers/startService';
import { serviceManager } from '../helpers/serviceManager';

const image = readFileSync('samples/fashion-mnist/images/sneaker.png');

function writeConfig(file: string, json: unknown): string {
  writeFileSync(file, JSON.stringify(json));
  return file;
}

async function classify(uri: string, auth?: string): Promise<Response> {
  return fetch(uri, { method: 'POST', headers: { 'content-type': 'image/png', ...(auth ? { authorization: auth } : {}) }, body: image });
}

describe('local services', () => {
  let ws: string;
  let registry: ModelRegistry;
  let manager: ServiceManager;
  before(async () => {
    ws = mkdtempSync(join(tmpdir(), 'mp-services-'));
    registry = new ModelRegistry(ws);
    await registry.register({ source: resolve('samples/fashion-mnist'), name: 'fashion' });
    await registry.register({ source: resolve('samples/fashion-mnist'), name: 'fashion' });
    manager = serviceManager(ws, registry);
  });
  after(async () => {
    for (const s of (await manager.list()).services) await manager.delete(s.name);
    rmSync(ws, { recursive: true, force: true });
  });

  test('deploy with key auth streams progress, ends Healthy, scores with a key and refuses without', async () => {
    const progress: string[] = [];
    const svc = await manager.deploy({ name: 'fashion-svc', models: ['fashion:1'], authMode: 'key' }, { onProgress: (l) => progress.push(l) });
    assert.equal(svc.state, 'Healthy');
    assert.match(svc.scoringUri, /^http:\/\/127\.0\.0\.1:\d+\/score$/);
    assert.deepEqual(svc.models, ['fashion:1']);
    assert.ok(progress.some((l) => l.includes('Loaded model fashion:1')), 'the service log streams while it starts');
    assert.ok(progress.some((l) => l.startsWith('Healthy: http://127.0.0.1:')));

    const keys = await manager.keys('fashion-svc');
    assert.notEqual(keys.primaryKey, keys.secondaryKey);
    assert.ok(keys.primaryKey.length >= 40);
    const ok = await classify(svc.scoringUri, `Bearer ${keys.secondaryKey}`);
    assert.equal(ok.status, 200);
    assert.equal(((await json(ok)) as { predictions: Array<Array<{ label: string }>> }).predictions[0]![0]!.label, 'Sneaker');
    const denied = await classify(svc.scoringUri);
    assert.equal(denied.status, 401);

    const keysFile = new ServiceStore(ws).keysFile('fashion-svc');
    assert.equal(statSync(keysFile).mode & 0o777, 0o600, 'keys are readable by their owner alone');
    const logText: string[] = [];
    for await (const line of manager.logs('fashion-svc')) logText.push(line);
    assert.ok(logText.some((l) => /POST \/score 200/.test(l)));
    assert.ok(logText.every((l) => !l.includes(keys.primaryKey) && !l.includes(keys.secondaryKey)), 'no key in the log');
  });

  test('update in place to version 2 while requests run: same URI, zero failed requests', async () => {
    const before = await manager.get('fashion-svc');
    const auth = `Bearer ${(await manager.keys('fashion-svc')).primaryKey}`;
    let running = true;
    const statuses: number[] = [];
    const loop = async (): Promise<void> => {
      while (running) {
        try {
          const res = await classify(before.scoringUri, auth);
          statuses.push(res.status);
          await res.arrayBuffer();
        } catch {
          statuses.push(-1);
          // A refused connection fails at once: without a pause this loop would spin (and fill `statuses`).
          await new Promise((r) => setTimeout(r, 20));
        }
      }
    };
    const loops = [loop(), loop(), loop()];
    let updated: Awaited<ReturnType<typeof manager.update>>;
    try {
      await new Promise((r) => setTimeout(r, 300));
      updated = await manager.update('fashion-svc', { models: ['fashion:latest'] });
      await new Promise((r) => setTimeout(r, 300));
    } finally {
      // Stopped however the update ends: a failed update must fail this test, not leave the loops running.
      running = false;
      await Promise.all(loops);
    }
    assert.equal(updated.state, 'Healthy');
    assert.equal(updated.scoringUri, before.scoringUri);
    assert.deepEqual(updated.models, ['fashion:2']);
    assert.equal(updated.generation, before.generation + 1);
    assert.ok(statuses.length > 10, `requests ran during the update (${statuses.length})`);
    assert.deepEqual([...new Set(statuses)], [200], `every request succeeded: ${JSON.stringify(statuses.filter((s) => s !== 200))}`);
    const v2 = await fetch(before.scoringUri.replace('/score', '/v2/models/fashion/versions/2'), { headers: { authorization: auth } });
    assert.equal(v2.status, 200, 'the new instance serves version 2');
  });

  test('regenerating a key retires the old one and keeps the other', async () => {
    const svc = await manager.get('fashion-svc');
    const old = await manager.keys('fashion-svc');
    const next = await manager.regenerateKey('fashion-svc', 'primary');
    assert.notEqual(next.primaryKey, old.primaryKey);
    assert.equal(next.secondaryKey, old.secondaryKey);
    assert.equal((await classify(svc.scoringUri, `Bearer ${old.primaryKey}`)).status, 401);
    assert.equal((await classify(svc.scoringUri, `Bearer ${next.primaryKey}`)).status, 200);
    assert.equal((await classify(svc.scoringUri, `Bearer ${next.secondaryKey}`)).status, 200);
  });

  test('a model in use cannot be forgotten: servicesUsing names the service', async () => {
    assert.deepEqual(await manager.servicesUsing('fashion:2'), ['fashion-svc']);
    assert.deepEqual(await manager.servicesUsing('fashion:1'), []);
  });

  test('a deployed name is taken; a bad name is refused', async () => {
    await assert.rejects(manager.deploy({ name: 'fashion-svc', models: ['fashion:1'] }), /A service named 'fashion-svc' already exists/);
    await assert.rejects(manager.deploy({ name: 'Bad_Name', models: ['fashion:1'] }), /Service name 'Bad_Name' is not valid/);
    await assert.rejects(manager.deploy({ name: 'ghost-svc', models: ['nope:1'] }), /nope/);
  });

  test('a killed service is reported Stopped, never lost, and update starts it again on the same URI', async () => {
    const svc = await manager.get('fashion-svc');
    const host = await new ServiceStore(ws).readHostState('fashion-svc');
    assert.ok(host && isProcessAlive(host.pid));
    process.kill(host.pid, 'SIGKILL');
    if (host.instancePid) process.kill(host.instancePid, 'SIGKILL');
    await new Promise((r) => setTimeout(r, 200));
    const stopped = await manager.get('fashion-svc');
    assert.equal(stopped.state, 'Stopped', stopped.detail);
    assert.match(stopped.detail ?? '', /modelport service start fashion-svc/);
    const restarted = await manager.update('fashion-svc', {});
    assert.equal(restarted.state, 'Healthy');
    assert.equal(restarted.scoringUri, svc.scoringUri);
  });

  test('init() failure: Failed with the exception from the log; the record stays to be read and deleted', async () => {
    await assert.rejects(
      manager.deploy({ name: 'broken-svc', models: [], entryScript: resolve('test/fixtures/entry-scripts/initThrows.js') }),
      (err: unknown) => {
        assert.ok(err instanceof DeploymentFailedError);
        assert.match(err.message, /Deployment of 'broken-svc' failed/);
        assert.ok(err.logTail.some((l) => l.includes('cannot load weights from /nowhere')), err.message);
        return true;
      },
    );
    const failed = await manager.get('broken-svc');
    assert.equal(failed.state, 'Failed');
    await manager.delete('broken-svc');
    await assert.rejects(manager.get('broken-svc'), /There is no service named 'broken-svc'/);
  });

  test('a port in use fails the deployment with that reason', async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const address = blocker.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    try {
      await assert.rejects(manager.deploy({ name: 'port-svc', models: ['fashion:1'], port }), new RegExp(`Port ${port} is already in use`));
    } finally {
      blocker.close();
      await manager.delete('port-svc');
    }
  });

  test('token auth: tokens work until they expire; keys are refused for such a service', async () => {
    const svc = await manager.deploy({ name: 'token-svc', models: ['fashion:2'], authMode: 'token' });
    try {
      const token = await manager.token('token-svc');
      assert.ok(Date.parse(token.expiryOn) > Date.now() + 50 * 60 * 1000);
      assert.equal((await classify(svc.scoringUri, `Bearer ${token.accessToken}`)).status, 200);
      assert.equal((await classify(svc.scoringUri, 'Bearer not-a-token')).status, 401);
      await assert.rejects(manager.keys('token-svc'), /uses token auth/);
    } finally {
      await manager.delete('token-svc');
    }
  });

  test('batching settings of the deployment config reach the scoring instance', async () => {
    const config = join(ws, 'batching.deploymentconfig.json');
    writeFileSync(config, JSON.stringify({ computeType: 'local', batching: { maxBatchSize: 4, maxDelayMs: 2 } }));
    const svc = await manager.deploy({ name: 'batch-svc', models: ['fashion:1'], deploymentConfigPath: config });
    try {
      assert.deepEqual(svc.batching, { enabled: true, maxBatchSize: 4, maxDelayMs: 2 });
      const host = await new ServiceStore(ws).readHostState('batch-svc');
      const environ = readFileSync(`/proc/${host?.instancePid}/environ`, 'utf8').split('\0');
      assert.ok(environ.includes('MODELPORT_MAX_BATCH_SIZE=4') && environ.includes('MODELPORT_MAX_BATCH_DELAY_MS=2'), 'the instance runs with them');
      const off = await manager.update('batch-svc', { deploymentConfigPath: writeConfig(join(ws, 'off.json'), { computeType: 'local', batching: { enabled: false } }) });
      assert.equal(off.batching?.enabled, false);
      const after = await new ServiceStore(ws).readHostState('batch-svc');
      assert.ok(readFileSync(`/proc/${after?.instancePid}/environ`, 'utf8').split('\0').includes('MODELPORT_BATCHING=off'));
    } finally {
      await manager.delete('batch-svc');
    }
  });

  test('delete stops the host and the instance, frees the port and removes the record', async () => {
    const svc = await manager.get('fashion-svc');
    const host = await new ServiceStore(ws).readHostState('fashion-svc');
    await manager.delete('fashion-svc');
    assert.ok(host && !isProcessAlive(host.pid));
    if (host?.instancePid) assert.ok(!isProcessAlive(host.instancePid));
    await assert.rejects(fetch(svc.scoringUri.replace('/score', '/')));
    assert.deepEqual((await manager.list()).services.map((s) => s.name), []);
  });
});
