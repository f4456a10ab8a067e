// Request smuggling and desync through a deployed service host, with raw sockets: every hostile framing is refused
// with 400 or re-framed, and no other client ever gets an answer that is not its own (issue 14, class 1).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ModelRegistry } from '../../src/core/registry/modelRegistry';
import type { ServiceManager } from '../../src/core/services/serviceManager';
import { rawExchange } from '../helpers/rawHttp';
import { serviceManager } from '../helpers/serviceManager';

const smuggled = 'GET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n';
/** A request line and headers that would swallow the next request on the connection as its body. */
const swallowing = 'POST /score HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 400\r\n\r\n';
const chunk = (text: string): string => `${Buffer.byteLength(text).toString(16)}\r\n${text}\r\n0\r\n\r\n`;

/** Hostile requests: each one's body or headers try to make the instance read a request nobody sent. */
const attacks: Record<string, string> = {
  'GET with a chunked body': `GET / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n${chunk(smuggled)}`,
  'DELETE with a chunked body': `DELETE /score HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n${chunk(smuggled)}`,
  'OPTIONS with a chunked body': `OPTIONS /score HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n${chunk(smuggled)}`,
  'HEAD with a chunked body': `HEAD / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n${chunk(smuggled)}`,
  'GET with a Content-Length body': `GET / HTTP/1.1\r\nHost: x\r\nContent-Length: ${smuggled.length}\r\n\r\n${smuggled}`,
  'GET whose chunked body swallows the next request': `GET / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n${chunk(swallowing)}`,
  'Content-Length and Transfer-Encoding': `POST /score HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n${smuggled}`,
  'two Content-Length headers': `POST /score HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\n{}${smuggled}`,
  'a Content-Length list': `POST /score HTTP/1.1\r\nHost: x\r\nContent-Length: 2, 2\r\n\r\n{}${smuggled}`,
  'obs-fold Transfer-Encoding': `POST /score HTTP/1.1\r\nHost: x\r\nTransfer-Encoding:\r\n chunked\r\n\r\n${chunk(smuggled)}`,
  'a transfer coding other than chunked': `POST /score HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n${chunk(smuggled)}`,
  'Transfer-Encoding in HTTP/1.0': `POST /score HTTP/1.0\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n${chunk(smuggled)}`,
};

describe('the service host refuses request smuggling', () => {
  let ws: string;
  let manager: ServiceManager;
  let port: number;
  let auth: string;
  const name = `smuggle-${randomBytes(3).toString('hex')}`;

  before(async () => {
    ws = mkdtempSync(join(tmpdir(), 'mp-smuggle-'));
    manager = serviceManager(ws, new ModelRegistry(ws));
    const svc = await manager.deploy({ name, models: [], entryScript: resolve('test/fixtures/entry-scripts/echo.js'), authMode: 'key' });
    port = Number(new URL(svc.scoringUri).port);
    auth = `Bearer ${(await manager.keys(name)).primaryKey}`;
  });
  after(async () => {
    await manager.delete(name).catch(() => undefined);
    rmSync(ws, { recursive: true, force: true });
  });

  /** A legitimate client: each victim must get its own echo back. Returns how many did not. */
  async function victims(count: number, tag: string): Promise<string[]> {
    const wrong: string[] = [];
    for (let i = 0; i < count; i++) {
      const body = JSON.stringify({ victim: `${tag}-${i}` });
      const { responses } = await rawExchange(
        port,
        `POST /score HTTP/1.1\r\nHost: x\r\nAuthorization: ${auth}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`,
        { expect: 1, idleMs: 5000 },
      );
      const got = responses[0];
      if (got?.status !== 200 || got.body !== JSON.stringify({ echo: { victim: `${tag}-${i}` } })) wrong.push(`${tag}-${i}: ${got?.status ?? 'none'} ${got?.body.slice(0, 80) ?? ''}`);
    }
    return wrong;
  }

  test('every hostile framing is refused with 400, and no victim gets an answer that is not its own', async () => {
    const misanswered: string[] = [];
    const notRefused: string[] = [];
    for (const [label, raw] of Object.entries(attacks)) {
      const { responses } = await rawExchange(port, raw, { idleMs: 700, head: raw.startsWith('HEAD') });
      if (responses[0]?.status !== 400 || responses.length !== 1) notRefused.push(`${label}: ${responses.map((r) => r.status).join(',') || 'no answer'}`);
      misanswered.push(...(await victims(3, label)));
    }
    assert.deepEqual(misanswered, [], `victims got someone else's answer (or none): ${misanswered.length} of ${Object.keys(attacks).length * 3}`);
    assert.deepEqual(notRefused, [], 'every ambiguous or body-carrying request is refused with 400');
  });

  test('legitimate framings still work: chunked POST, Content-Length POST, keep-alive pipelining', async () => {
    const body = JSON.stringify({ a: 1 });
    const chunked = await rawExchange(port, `POST /score HTTP/1.1\r\nHost: x\r\nAuthorization: ${auth}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n${chunk(body)}`, { expect: 1 });
    assert.equal(chunked.responses[0]?.status, 200);
    assert.equal(chunked.responses[0]?.body, JSON.stringify({ echo: { a: 1 } }));
    const one = (n: number): string => {
      const b = JSON.stringify({ n });
      return `POST /score HTTP/1.1\r\nHost: x\r\nAuthorization: ${auth}\r\nContent-Type: application/json\r\nContent-Length: ${b.length}\r\n\r\n${b}`;
    };
    const pipelined = await rawExchange(port, one(1) + 'GET / HTTP/1.1\r\nHost: x\r\n\r\n' + one(2), { expect: 3 });
    assert.deepEqual(pipelined.responses.map((r) => r.body), [JSON.stringify({ echo: { n: 1 } }), 'Healthy', JSON.stringify({ echo: { n: 2 } })]);
  });
});
