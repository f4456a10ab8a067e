// A seeded fuzz test over both protocols, through a deployed service host (issue 14): malformed bodies, headers
// and framings, bounded in count. It fails on any 5xx (each request is a client fault, or a valid request), on any
// request left without an answer (a hang), and on a crash (the host or the instance restarted).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ModelRegistry } from '../../src/core/registry/modelRegistry';
import type { ServiceManager } from '../../src/core/services/serviceManager';
import { ServiceStore } from '../../src/core/services/serviceStore';
import { rawExchange } from '../helpers/rawHttp';
import { serviceManager } from '../helpers/serviceManager';
import { seededRandom } from '../helpers/seededRandom';

const seed = Number(process.env.MODELPORT_FUZZ_SEED ?? 20261201);
const count = Number(process.env.MODELPORT_FUZZ_COUNT ?? 300);

describe(`fuzz (seed ${seed}, ${count} requests)`, () => {
  let ws: string;
  let manager: ServiceManager;
  let port: number;
  const name = `fuzz-${randomBytes(3).toString('hex')}`;

  before(async () => {
    ws = mkdtempSync(join(tmpdir(), 'mp-fuzz-'));
    const registry = new ModelRegistry(ws);
    await registry.register({ source: resolve('samples/iris'), name: 'iris' });
    manager = serviceManager(ws, registry);
    const svc = await manager.deploy({ name, models: ['iris:1'] });
    port = Number(new URL(svc.scoringUri).port);
  });
  after(async () => {
    await manager.delete(name).catch(() => undefined);
    rmSync(ws, { recursive: true, force: true });
  });

  test('no 5xx, no hang, no crash', async () => {
    const rnd = seededRandom(seed);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(rnd() * items.length)] as T;
    const int = (n: number): number => Math.floor(rnd() * n);
    const number = (): unknown => pick([1.5, -0, 0, 1e39, -1e308, 3.4e38, 'NaN', '1', null, true, [], {}, 2 ** 53 + 1, -7]);
    const row = (): unknown[] => Array.from({ length: pick([0, 1, 3, 4, 4, 4, 5]) }, () => (rnd() < 0.85 ? rnd() * 10 : number()));
    const bodies: Array<() => string> = [
      () => JSON.stringify({ data: Array.from({ length: int(4) }, row) }),
      () => JSON.stringify({ data: row() }),
      () => JSON.stringify({ inputs: { features: Array.from({ length: int(3) }, row) } }),
      () => JSON.stringify({ inputs: { [pick(['features', 'x', ''])]: row() }, extra: number() }),
      () => JSON.stringify({ inputs: [{ name: pick(['features', 'nope', '']), shape: [int(3), pick([4, 3, -1, 0])], datatype: pick(['FP32', 'FP64', 'INT64', 'BYTES', 'FP9', 'BOOL']), data: row() }], outputs: rnd() < 0.3 ? [{ name: pick(['probabilities', 'x']) }] : undefined }),
      () => JSON.stringify({ inputs: [{ name: 'features', shape: [1, 4], datatype: 'FP32', data: row(), parameters: { binary_data_size: int(20) } }] }),
      () => JSON.stringify({ image: pick(['', '!!!', 'aGVsbG8=', 'data:text/plain;base64,aGk=', 'data:image/png;base64,iVBORw0KGgo=']) }),
      () => JSON.stringify({ images: Array.from({ length: int(3) }, () => pick(['AAAA', 'iVBORw0KGgo=', 5])) }),
      () => '['.repeat(int(200)) + ']'.repeat(int(200)),
      () => `{"data": [[${'1,'.repeat(int(50))}`,
      () => randomBytes(int(64)).toString('latin1'),
      () => pick(['', ' ', 'null', '[]', '"s"', '{}', '{"data": null}', '{"data": "abc"}', '\u00ff\u00fe']),
    ];
    const mutate = (text: string): string => {
      if (text.length === 0 || rnd() < 0.6) return text;
      const at = int(text.length);
      return pick([() => text.slice(0, at), () => text.slice(0, at) + pick(['{', ']', '"', '\\', ',', 'e9999']) + text.slice(at), () => text.slice(0, at) + text.slice(at + 1)])();
    };
    const paths = ['/score', '/score', '/v2/models/iris/infer', '/v2/models/iris/versions/1/infer', '/v2/models/iris', '/v2', '/', '/swagger.json?version=9', '/v2/models/nope/infer', '/score?a=[1,2', '/metrics', '/%zz'];
    const types = ['application/json', 'application/json', 'text/plain', 'image/png', 'application/octet-stream', 'multipart/form-data; boundary=x', undefined, 'application/json; charset=latin1'];
    const framings: Array<(method: string, path: string, head: string, body: Buffer) => Buffer> = [
      (m, p, h, b) => Buffer.concat([Buffer.from(`${m} ${p} HTTP/1.1\r\nHost: x\r\n${h}Content-Length: ${b.length}\r\nConnection: close\r\n\r\n`, 'latin1'), b]),
      (m, p, h, b) => Buffer.concat([Buffer.from(`${m} ${p} HTTP/1.1\r\nHost: x\r\n${h}Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n${b.length.toString(16)}\r\n`, 'latin1'), b, Buffer.from('\r\n0\r\n\r\n')]),
      (m, p, h, b) => Buffer.concat([Buffer.from(`${m} ${p} HTTP/1.1\r\nHost: x\r\n${h}Content-Length: ${b.length}\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n`, 'latin1'), b]),
      (m, p, h, b) => Buffer.concat([Buffer.from(`${m} ${p} HTTP/1.1\r\nHost: x\r\n${h}Transfer-Encoding: chunked\r\nConnection: close\r\n\r\nzz\r\n`, 'latin1'), b, Buffer.from('\r\n0\r\n\r\n')]),
      (m, p, h, b) => Buffer.concat([Buffer.from(`${m} ${p} HTTP/1.1\r\nHost: x\r\n${h}X-Folded: a\r\n b\r\nContent-Length: ${b.length}\r\nConnection: close\r\n\r\n`, 'latin1'), b]),
      (m, p, h, b) => Buffer.concat([Buffer.from(`${m} ${p} HTTP/1.1\r\nHost: x\r\n${h}Content-Length: ${b.length}\r\nContent-Length: ${b.length + 1}\r\nConnection: close\r\n\r\n`, 'latin1'), b]),
      (m, p, h, b) => Buffer.concat([Buffer.from(`${m} ${p} HTTP/1.1\r\nHost: x\r\n${h}X-Request-Id: ${'r'.repeat(pick([10, 101, 500]))}\r\nContent-Length: ${b.length}\r\nConnection: close\r\n\r\n`, 'latin1'), b]),
    ];

    const store = new ServiceStore(ws);
    const before = await store.readHostState(name);
    const failures: string[] = [];
    for (let i = 0; i < count; i++) {
      const method = pick(['POST', 'POST', 'POST', 'GET', 'PUT', 'OPTIONS', 'DELETE', 'PATCH', 'HEAD']);
      const path = pick(paths);
      const type = pick(types);
      const body = Buffer.from(method === 'GET' || method === 'HEAD' || rnd() < 0.05 ? '' : mutate(pick(bodies)()), 'latin1');
      const head = (type ? `Content-Type: ${type}\r\n` : '') + (rnd() < 0.2 ? `Inference-Header-Content-Length: ${pick(['3', 'x', '99999', '-1'])}\r\n` : '');
      const raw = pick(framings)(method, path, head, body);
      const { responses } = await rawExchange(port, raw, { expect: 1, idleMs: 15_000, head: method === 'HEAD' });
      const status = responses[0]?.status;
      const what = `#${i} ${method} ${path} ${type ?? '-'} ${JSON.stringify(raw.toString('latin1').slice(-120))}`;
      if (status === undefined) failures.push(`no answer (hang): ${what}`);
      else if (status >= 500) failures.push(`${status} ${responses[0]?.body.slice(0, 160)}: ${what}`);
    }
    const afterState = await store.readHostState(name);
    assert.deepEqual(failures, [], `seed ${seed}: ${failures.length} of ${count} requests failed`);
    assert.equal(afterState?.pid, before?.pid, 'the host did not restart');
    assert.equal(afterState?.instancePid, before?.instancePid, 'the instance did not crash');
    const health = await fetch(`http://127.0.0.1:${port}/`);
    assert.equal(health.status, 200);
  });
});
