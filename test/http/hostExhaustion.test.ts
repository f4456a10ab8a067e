// Slow and half-sent requests against a deployed service host (issue 14, class 2): hundreds of clients that never
// finish their bodies must not take health or other clients' scoring down, one client's excess is refused, and a
// half-sent body is answered 408 once the request timeout passes.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ModelRegistry } from '../../src/core/registry/modelRegistry';
import type { ServiceManager } from '../../src/core/services/serviceManager';
import { parseResponses } from '../helpers/rawHttp';
import { serviceManager } from '../helpers/serviceManager';

const held = 300;
/** Generous: a probe that has not answered after this long counts as down (no timing is asserted). */
const probeBoundMs = 20_000;

interface Slow {
  socket: net.Socket;
  data: Buffer[];
}

function halfSend(port: number, localAddress = '127.0.0.1'): Promise<Slow> {
  return new Promise((resolveSlow) => {
    const data: Buffer[] = [];
    const socket = net.connect({ port, host: '127.0.0.1', localAddress }, () => {
      socket.write('POST /score HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{"partial":');
      resolveSlow({ socket, data });
    });
    socket.on('data', (c: Buffer) => data.push(c));
    socket.on('error', () => undefined);
  });
}

describe('the service host under slow and half-sent requests', () => {
  let ws: string;
  let manager: ServiceManager;
  let base: string;
  let port: number;
  const name = `slow-${randomBytes(3).toString('hex')}`;
  const saved = process.env.MODELPORT_HOST_REQUEST_TIMEOUT_MS;

  before(async () => {
    ws = mkdtempSync(join(tmpdir(), 'mp-slow-'));
    manager = serviceManager(ws, new ModelRegistry(ws));
    // The host takes its bounds from the environment of whoever starts it.
    process.env.MODELPORT_HOST_REQUEST_TIMEOUT_MS = '4000';
    try {
      const svc = await manager.deploy({ name, models: [], entryScript: resolve('test/fixtures/entry-scripts/echo.js') });
      base = svc.scoringUri.replace(/\/score$/, '');
      port = Number(new URL(base).port);
    } finally {
      if (saved === undefined) delete process.env.MODELPORT_HOST_REQUEST_TIMEOUT_MS;
      else process.env.MODELPORT_HOST_REQUEST_TIMEOUT_MS = saved;
    }
  });
  after(async () => {
    await manager.delete(name).catch(() => undefined);
    rmSync(ws, { recursive: true, force: true });
  });

  test(`${held} half-sent bodies: every GET / probe answers, another client scores, one client's excess is refused`, async () => {
    const slow: Slow[] = [];
    for (let i = 0; i < held; i++) slow.push(await halfSend(port));
    try {
      const probes = await Promise.all(
        Array.from({ length: 20 }, async () => {
          const res = await fetch(`${base}/`, { signal: AbortSignal.timeout(probeBoundMs) }).catch((err: Error) => err.name);
          if (typeof res === 'string') return res;
          await res.arrayBuffer();
          return res.status;
        }),
      );
      assert.deepEqual([...new Set(probes)], [200], `health kept answering: ${JSON.stringify(probes)}`);

      // Another client (another loopback address) is not held up by the first one's half-sent requests.
      const other = await new Promise<number>((resolveStatus) => {
        const socket = net.connect({ port, host: '127.0.0.1', localAddress: '127.0.0.2' }, () => {
          socket.write('POST /score HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 8\r\nConnection: close\r\n\r\n{"a": 1}');
        });
        const chunks: Buffer[] = [];
        socket.on('data', (c: Buffer) => chunks.push(c));
        socket.on('close', () => resolveStatus(parseResponses(Buffer.concat(chunks))[0]?.status ?? 0));
        socket.setTimeout(probeBoundMs, () => socket.destroy());
      });
      assert.equal(other, 200, 'a client on another address scores while the first holds its requests');

      const refused = slow.filter((s) => parseResponses(Buffer.concat(s.data))[0]?.status === 429).length;
      assert.ok(refused > 0 && refused < held, `one client's requests beyond its in-flight bound are refused with 429 (${refused} of ${held})`);
    } finally {
      for (const s of slow) s.socket.destroy();
    }
    // The clients went away: once the host has seen their connections close it holds nothing for them, and the same
    // address scores again. The closes reach the host a little after destroy() returns, so a request sent at once
    // may still meet the bound: it is refused with the same 429 and retried; slots that were never released would
    // keep refusing it until the bound on tries.
    let after: Response | undefined;
    for (let tries = 0; tries < 200; tries++) {
      after = await fetch(`${base}/score`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"b":2}', signal: AbortSignal.timeout(probeBoundMs) });
      if (after.status !== 429) break;
      assert.match(((await after.json()) as { message: string }).message, /Too many requests in flight from this client/);
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.equal(after?.status, 200);
    assert.deepEqual(await after.json(), { echo: { b: 2 } });
  });

  test('a half-sent body is answered 408 once the request timeout passes, and the connection closes', async () => {
    const slow = await halfSend(port, '127.0.0.3');
    const closed = await new Promise<boolean>((resolveClosed) => {
      slow.socket.once('close', () => resolveClosed(true));
      setTimeout(() => resolveClosed(false), 30_000).unref();
    });
    assert.ok(closed, 'the host closed the connection');
    const answer = parseResponses(Buffer.concat(slow.data))[0];
    assert.equal(answer?.status, 408);
    assert.match(answer?.body ?? '', /not received in time/);
  });
});
