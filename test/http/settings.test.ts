// Settings are honoured or refused, never ignored (issue 14, class 9): sslEnabled serves HTTPS with the given
// certificate, maxConcurrentRequestsPerContainer / maxQueueWaitMs answer 503 after the queue wait as Azure does,
// appInsightsEnabled is refused with a message, and a scoring timeout is the 500 the schema now documents.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ModelRegistry } from '../../src/core/registry/modelRegistry';
import type { ServiceManager } from '../../src/core/services/serviceManager';
import { ServiceStore } from '../../src/core/services/serviceStore';
import { serviceManager } from '../helpers/serviceManager';
import { json, startService } from '../helpers/startService';

const slow = resolve('test/fixtures/entry-scripts/slow.js');

function httpsPost(uri: string, ca: Buffer, body: unknown): Promise<{ status: number; body: string }> {
  return new Promise((resolvePost, reject) => {
    const req = request(uri, { method: 'POST', ca, checkServerIdentity: () => undefined, headers: { 'content-type': 'application/json' } }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => resolvePost({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

describe('deployment settings', () => {
  let ws: string;
  let manager: ServiceManager;
  let cert: Buffer;
  const name = `tls-${randomBytes(3).toString('hex')}`;

  before(() => {
    ws = mkdtempSync(join(tmpdir(), 'mp-settings-'));
    manager = serviceManager(ws, new ModelRegistry(ws));
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(ws, 'key.pem'), '-out', join(ws, 'cert.pem'), '-days', '1', '-subj', '/CN=127.0.0.1'], { stdio: 'ignore' });
    cert = readFileSync(join(ws, 'cert.pem'));
  });
  after(async () => {
    await manager.delete(name).catch(() => undefined);
    rmSync(ws, { recursive: true, force: true });
  });

  test('sslEnabled serves HTTPS; maxConcurrentRequestsPerContainer and maxQueueWaitMs give 503 after the queue wait', async () => {
    const config = join(ws, 'deploymentconfig.json');
    writeFileSync(config, JSON.stringify({ computeType: 'local', sslEnabled: true, sslCertificate: 'cert.pem', sslKey: 'key.pem', maxConcurrentRequestsPerContainer: 1, maxQueueWaitMs: 200 }));
    const svc = await manager.deploy({ name, models: [], entryScript: slow, deploymentConfigPath: config });
    assert.equal(svc.state, 'Healthy');
    assert.match(svc.scoringUri, /^https:\/\/127\.0\.0\.1:\d+\/score$/);
    assert.deepEqual(svc.limits, { maxConcurrentRequests: 1, maxQueueWaitMs: 200 });
    // Plain HTTP on the same port is not served.
    const plain = await fetch(svc.scoringUri.replace('https:', 'http:'), { method: 'POST', body: '{}' }).then((r) => r.status, () => 'refused');
    assert.notEqual(plain, 200);
    // One runs (2 s); the next two wait 200 ms for a slot and get 503 without running.
    const answers = await Promise.all([0, 1, 2].map(async (i) => {
      await new Promise((r) => setTimeout(r, i * 50));
      return httpsPost(svc.scoringUri, cert, { delayMs: 2000 });
    }));
    assert.deepEqual(answers.map((a) => a.status), [200, 503, 503]);
    assert.match(answers[1]?.body ?? '', /waited 200 ms in the queue \(maxConcurrentRequestsPerContainer, maxQueueWaitMs\)/);
    const host = await new ServiceStore(ws).readHostState(name);
    const environ = readFileSync(`/proc/${host?.instancePid}/environ`, 'utf8').split('\0');
    assert.ok(environ.includes('MODELPORT_MAX_CONCURRENT_REQUESTS=1') && environ.includes('MODELPORT_MAX_QUEUE_WAIT_MS=200'));
    assert.equal((await manager.get(name)).state, 'Healthy', 'the health check speaks HTTPS too');
  });

  test('appInsightsEnabled is refused with a message, before anything starts', async () => {
    const config = join(ws, 'insights.json');
    writeFileSync(config, JSON.stringify({ computeType: 'local', appInsightsEnabled: true }));
    await assert.rejects(manager.deploy({ name: `ai-${name}`, models: [], entryScript: slow, deploymentConfigPath: config }), /Application Insights is not available in Modelport/);
    assert.deepEqual(await new ServiceStore(ws).names(), [name]);
  });

  test('requests wait for a slot in arrival order when the queue wait allows it', async () => {
    const svc = await startService({ entryScript: slow, limits: { maxConcurrent: '1', maxQueueWaitMs: '10000' } });
    try {
      const order: number[] = [];
      await Promise.all([0, 1, 2].map(async (i) => {
        await new Promise((r) => setTimeout(r, i * 30));
        const res = await fetch(`${svc.url}/score`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ delayMs: 100, i }) });
        assert.equal(res.status, 200);
        order.push(((await json(res)) as { input: { i: number } }).input.i);
      }));
      assert.deepEqual(order, [0, 1, 2]);
    } finally {
      await svc.close();
    }
  });

  test('a scoring timeout is 500 "Scoring timeout after N ms", as the schema now says', async () => {
    const svc = await startService({ entryScript: slow, timeoutMs: '300' });
    try {
      const res = await fetch(`${svc.url}/score`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ delayMs: 2000 }) });
      assert.equal(res.status, 500);
      assert.deepEqual(await json(res), { message: 'Scoring timeout after 300 ms' });
      const schema = JSON.parse(readFileSync('schemas/deploymentconfig.schema.json', 'utf8')) as { properties: { scoringTimeoutMs: { description: string } } };
      assert.match(schema.properties.scoringTimeoutMs.description, /gets 500 with the message "Scoring timeout after N ms"/);
      assert.doesNotMatch(schema.properties.scoringTimeoutMs.description, /504/);
    } finally {
      await svc.close();
    }
  });
});
