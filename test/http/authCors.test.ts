// Key and token auth and CORS on a real service.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { signToken } from '../../src/core/auth/credentials';
import { json, startService, type RunningService } from '../helpers/startService';

const irisRequest = readFileSync('samples/iris/request.json', 'utf8');
const score = (url: string, headers: Record<string, string> = {}): Promise<Response> =>
  fetch(`${url}/score`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: irisRequest });

describe('key auth', () => {
  let svc: RunningService;
  const primary = 'primary-key-0123456789abcdef';
  const secondary = 'secondary-key-0123456789abcdef';
  before(async () => {
    svc = await startService({ model: ['samples/iris'] }, { MODELPORT_AUTH_MODE: 'key', MODELPORT_PRIMARY_KEY: primary, MODELPORT_SECONDARY_KEY: secondary });
  });
  after(() => svc.close());

  test('no credential → 401 saying how to send one', async () => {
    const res = await score(svc.url);
    assert.equal(res.status, 401);
    assert.match(((await json(res)) as { message: string }).message, /Authorization: Bearer <key or token>/);
  });

  test('a wrong key, or a prefix of the right one → 401', async () => {
    for (const key of ['wrong', primary.slice(0, -1), `${primary}x`]) {
      const res = await score(svc.url, { authorization: `Bearer ${key}` });
      assert.equal(res.status, 401, key);
      assert.deepEqual(await json(res), { message: 'The key in the Authorization header is not valid for this service.' });
    }
  });

  test('the primary and the secondary key both work', async () => {
    for (const key of [primary, secondary]) {
      const res = await score(svc.url, { authorization: `Bearer ${key}` });
      assert.equal(res.status, 200);
    }
  });

  test('health, swagger and metrics stay open; keys never reach the log', async () => {
    assert.equal((await fetch(`${svc.url}/`)).status, 200);
    assert.equal((await fetch(`${svc.url}/swagger.json`)).status, 200);
    assert.equal((await fetch(`${svc.url}/metrics`)).status, 200);
    const doc = (await json(await fetch(`${svc.url}/swagger.json`))) as { securityDefinitions?: unknown };
    assert.ok(doc.securityDefinitions, 'swagger declares the Bearer scheme when auth is on');
    assert.ok(svc.logs.length > 0);
    assert.ok(svc.logs.every((l) => !l.includes(primary) && !l.includes(secondary)));
  });
});

describe('token auth', () => {
  let svc: RunningService;
  const secret = 'token-signing-secret';
  before(async () => {
    svc = await startService({ model: ['samples/iris'] }, { MODELPORT_AUTH_MODE: 'token', MODELPORT_TOKEN_SECRET: secret });
  });
  after(() => svc.close());

  test('a valid token works; expired, forged and malformed ones get 401 with the reason', async () => {
    const valid = signToken(secret, new Date(Date.now() + 60_000));
    assert.equal((await score(svc.url, { authorization: `Bearer ${valid}` })).status, 200);

    const expiredAt = new Date(Date.now() - 1000);
    const expired = await score(svc.url, { authorization: `Bearer ${signToken(secret, expiredAt)}` });
    assert.equal(expired.status, 401);
    assert.match(((await json(expired)) as { message: string }).message, /^The token expired at \d{4}-\d\d-\d\dT/);

    const forged = await score(svc.url, { authorization: `Bearer ${signToken('other-secret', new Date(Date.now() + 60_000))}` });
    assert.equal(forged.status, 401);
    assert.match(((await json(forged)) as { message: string }).message, /not valid for this service/);

    const malformed = await score(svc.url, { authorization: 'Bearer abc' });
    assert.equal(malformed.status, 401);
    assert.match(((await json(malformed)) as { message: string }).message, /malformed/);
  });
});

describe('CORS', () => {
  let svc: RunningService;
  before(async () => {
    svc = await startService({ model: ['samples/iris'], corsOrigins: 'https://app.example, https://other.example' });
  });
  after(() => svc.close());

  test('an allowed origin gets the CORS headers, on the preflight and on the answer', async () => {
    const pre = await fetch(`${svc.url}/score`, { method: 'OPTIONS', headers: { origin: 'https://app.example', 'access-control-request-method': 'POST' } });
    assert.equal(pre.status, 200);
    assert.equal(pre.headers.get('access-control-allow-origin'), 'https://app.example');
    assert.match(pre.headers.get('access-control-allow-methods') ?? '', /POST/);
    assert.match(pre.headers.get('access-control-allow-headers') ?? '', /Authorization/);
    const res = await score(svc.url, { origin: 'https://other.example' });
    assert.equal(res.headers.get('access-control-allow-origin'), 'https://other.example');
    assert.match(res.headers.get('access-control-expose-headers') ?? '', /x-ms-run-fn-exec-ms/);
  });

  test('another origin gets no CORS headers', async () => {
    const res = await score(svc.url, { origin: 'https://evil.example' });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('access-control-allow-origin'), null);
  });
});
