// A client that closes its connection before its answer, over real loopback sockets: while the entry script works
// on its request, as soon as it has sent it (large answers included, which are written part by part), and before
// its body has all arrived. Each request leaves the in-flight gauge and is counted once: with status 499 (nginx's
// "client closed request") and a log line saying so when the service saw the client go before its answer was
// written; nothing is logged as an error; the service answers the next request. A client that leaves while waiting
// for a turn (maxConcurrentRequestsPerContainer) gives the turn back.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { resolve } from 'node:path';
import { buildIdentityModel, createModelDir, type ModelDir } from '../helpers/onnxModels';
import { startService, type RunningService } from '../helpers/startService';

const slowScript = resolve('test/fixtures/entry-scripts/slow.js');
const width = 20_000;

let models: ModelDir;
let script: RunningService;
let wide: RunningService;
let gated: RunningService;

before(async () => {
  models = await createModelDir('modelport-client-leaves-');
  const file = await models.write('wide.onnx', buildIdentityModel('float32', { shape: ['batch', width] }));
  script = await startService({ entryScript: slowScript });
  wide = await startService({ model: [`wide:1=${file}`] });
  // One request at a time (maxConcurrentRequestsPerContainer), the others wait up to 5 s for their turn.
  gated = await startService({ entryScript: slowScript }, { MODELPORT_MAX_CONCURRENT_REQUESTS: '1', MODELPORT_MAX_QUEUE_WAIT_MS: '5000' });
});

after(async () => {
  await Promise.all([script?.close(), wide?.close(), gated?.close()]);
  await models?.remove();
});

function open(url: string): Promise<Socket> {
  const { hostname, port } = new URL(url);
  return new Promise((ok, fail) => {
    const socket = connect(Number(port), hostname, () => ok(socket));
    socket.once('error', fail);
  });
}

function closed(socket: Socket): Promise<void> {
  return new Promise((ok) => {
    if (socket.destroyed) ok();
    else socket.once('close', () => ok());
  });
}

interface Counts {
  inFlight: number;
  byStatus: Map<string, number>;
}

/** The service's own counters, read over HTTP (this request is in flight while they are read). */
async function counts(svc: RunningService, route: string): Promise<Counts> {
  const text = await (await fetch(`${svc.url}/metrics`)).text();
  const byStatus = new Map<string, number>();
  const escaped = route.replace(/[/.*+?^${}()|[\]\\]/g, '\\$&');
  for (const m of text.matchAll(new RegExp(`^modelport_requests_total\\{method="POST",route="${escaped}",status="(\\d+)"\\} (\\d+)$`, 'gm'))) byStatus.set(m[1] ?? '', Number(m[2]));
  return { inFlight: Number(/^modelport_requests_in_flight (\d+)$/m.exec(text)?.[1] ?? NaN), byStatus };
}

/** Waits until the service has settled the request that was left: only the metrics request itself in flight. */
async function settled(svc: RunningService, route: string): Promise<Counts> {
  for (let i = 0; i < 200; i++) {
    const c = await counts(svc, route);
    if (c.inFlight === 1 && (c.byStatus.get('499') ?? 0) > 0) return c;
    await new Promise((r) => setTimeout(r, 25));
  }
  return counts(svc, route);
}

function assertLeftCleanly(svc: RunningService, c: Counts, path: string): void {
  assert.equal(c.inFlight, 1, 'only the metrics request is in flight');
  assert.equal(c.byStatus.get("499"), 1, `counted once, as 499: ${JSON.stringify([...c.byStatus])} ${svc.logs.slice(-4).join(" / ")}`);
  assert.ok(svc.logs.some((l) => l.includes(`POST ${path} 499`) && l.includes('the client closed the connection before the answer was sent')), svc.logs.join('\n'));
  assert.deepEqual(svc.logs.filter((l) => / ERROR /.test(l)), [], 'nothing is logged as an error');
}

test('a client that leaves while run() works on its request', async () => {
  const socket = await open(script.url);
  const body = JSON.stringify({ delayMs: 600 });
  socket.write(`POST /score HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
  const sent = Date.now();
  // run() has the request (the script's own log line would say so; its delay is what matters): leave mid-run.
  await new Promise((r) => setTimeout(r, 150));
  socket.destroy();
  await closed(socket);
  // The answer comes 600 ms in; the 499 is recorded as the connection closes.
  assertLeftCleanly(script, await settled(script, '/score'), '/score');
  const next = await fetch(`${script.url}/score`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ delayMs: 1 }) });
  assert.equal(next.status, 200);
  // And the answer that came after the client left (600 ms after the request, by run()'s timer) changed nothing.
  await new Promise((r) => setTimeout(r, Math.max(0, sent + 900 - Date.now())));
  const after = await counts(script, '/score');
  assert.equal(after.inFlight, 1);
  assert.equal(after.byStatus.get('499'), 1);
  assert.deepEqual(script.logs.filter((l) => / ERROR /.test(l)), []);
});

test('clients that leave as soon as their request is sent, and one that leaves before its body has arrived', async () => {
  const path = '/v2/models/wide/infer';
  const route = '/v2/models/:name/infer';
  const request = (rows: number): { head: string; header: Buffer; data: Buffer } => {
    const header = Buffer.from(JSON.stringify({ inputs: [{ name: 'x', shape: [rows, width], datatype: 'FP32', parameters: { binary_data_size: rows * width * 4 } }], parameters: { binary_data_output: true } }));
    const data = Buffer.alloc(rows * width * 4);
    const head = `POST ${path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/octet-stream\r\nInference-Header-Content-Length: ${header.length}\r\nContent-Length: ${header.length + data.length}\r\n\r\n`;
    return { head, header, data };
  };

  // From 320 KB (written part by part, as large answers are) to 4 MB. Whether the service notices the client has
  // gone before or while it answers depends on timing: either way each request is settled once.
  const sizes = [4, 8, 16, 50];
  for (const rows of sizes) {
    const { head, header, data } = request(rows);
    const socket = await open(wide.url);
    socket.pause();
    socket.write(head);
    socket.write(header);
    await new Promise((ok) => socket.write(data, ok));
    socket.destroy();
    await closed(socket);
  }
  let c = await counts(wide, route);
  for (let i = 0; i < 200 && (c.inFlight !== 1 || total(c) < sizes.length); i++) {
    await new Promise((r) => setTimeout(r, 25));
    c = await counts(wide, route);
  }
  assert.equal(c.inFlight, 1, 'only the metrics request is in flight');
  assert.equal(total(c), sizes.length, `each request counted once: ${JSON.stringify([...c.byStatus])}`);
  assert.deepEqual([...c.byStatus.keys()].filter((k) => k !== '200' && k !== '499'), []);
  assert.deepEqual(wide.logs.filter((l) => / ERROR /.test(l)), [], 'nothing is logged as an error');

  // This one never finishes its body.
  const { head, header, data } = request(4);
  const uploader = await open(wide.url);
  uploader.write(head);
  uploader.write(header);
  uploader.write(data.subarray(0, 1000));
  await new Promise((r) => setTimeout(r, 100));
  uploader.destroy();
  await closed(uploader);
  const before499 = c.byStatus.get('499') ?? 0;
  for (let i = 0; i < 200 && (c.byStatus.get('499') ?? 0) === before499; i++) {
    await new Promise((r) => setTimeout(r, 25));
    c = await counts(wide, route);
  }
  assert.equal(c.inFlight, 1, 'only the metrics request is in flight');
  assert.equal(c.byStatus.get('499'), before499 + 1, 'the upload that was cut is a 499');
  assert.equal(total(c), sizes.length + 1);
  assert.ok(wide.logs.some((l) => l.includes(`POST ${path} 499`) && l.includes('the client closed the connection before the answer was sent')));
  assert.deepEqual(wide.logs.filter((l) => / ERROR /.test(l)), []);

  const small = Buffer.from(Float32Array.from({ length: width }, (_, i) => i).buffer);
  const okHeader = Buffer.from(JSON.stringify({ inputs: [{ name: 'x', shape: [1, width], datatype: 'FP32', parameters: { binary_data_size: small.length } }] }));
  const next = await fetch(`${wide.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/octet-stream', 'inference-header-content-length': String(okHeader.length) },
    body: Buffer.concat([okHeader, small]),
  });
  assert.equal(next.status, 200, 'the service answers the next request');
});

function total(c: Counts): number {
  return [...c.byStatus.values()].reduce((a, b) => a + b, 0);
}

test('a client that leaves while waiting for its turn gives its turn back', async () => {
  const post = (delayMs: number): Promise<number> =>
    fetch(`${gated.url}/score`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ delayMs }) }).then((r) => r.status);
  const first = post(600);
  await new Promise((r) => setTimeout(r, 100));
  // Second in line, then gone before the first is done.
  const leaver = await open(gated.url);
  const body = JSON.stringify({ delayMs: 1 });
  leaver.write(`POST /score HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
  await new Promise((r) => setTimeout(r, 100));
  leaver.destroy();
  await closed(leaver);
  // Third in line: it gets the turn the leaver would have had. Had the leaver kept it, this one would wait its 5 s
  // and get 503.
  const third = post(1);
  assert.equal(await first, 200);
  assert.equal(await third, 200);
  const c = await settled(gated, '/score');
  assert.equal(c.inFlight, 1, 'only the metrics request is in flight');
  assert.equal(c.byStatus.get('499'), 1);
  assert.equal(c.byStatus.get('200'), 2);
});
