// Entry scripts (our score.py) over real HTTP: the three run() modes, init(), TypeScript on load, failures.
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ConfigError } from '../../src/core/errors';
import { createLogger } from '../../src/server/logger';
import { resolveServeOptions } from '../../src/server/options';
import { InitFailedError } from '../../src/server/scoring/entryScript/entryScriptScorer';
import { createService } from '../../src/server/service';
import { json, startService, type RunningService } from '../helpers/startService';

const fixtures = resolve('test/fixtures/entry-scripts');
const script = (name: string): string => resolve(fixtures, name);
const post = (url: string, body: unknown, contentType = 'application/json'): Promise<Response> =>
  fetch(`${url}/score`, { method: 'POST', headers: { 'content-type': contentType }, body: typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body) });

describe('untyped run()', () => {
  let svc: RunningService;
  before(async () => {
    svc = await startService({ entryScript: script('untyped.js'), model: ['samples/iris'] });
  });
  after(() => svc.close());

  test('init() runs once; run() gets the parsed JSON and the request id', async () => {
    for (let i = 0; i < 2; i++) {
      const res = await fetch(`${svc.url}/score`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-request-id': `req-${i}` }, body: '{"a": [1, 2]}' });
      assert.equal(res.status, 200);
      const body = (await json(res)) as { echo: unknown; initCalls: number; requestId: string; modelDir: string };
      assert.deepEqual(body.echo, { a: [1, 2] });
      assert.equal(body.initCalls, 1);
      assert.equal(body.requestId, `req-${i}`);
      assert.equal(body.modelDir, resolve('samples/iris'));
    }
    assert.ok(svc.logs.some((l) => /INFO \[req-1\] scoring in untyped run/.test(l)), 'the script logger tags lines with the request id');
  });

  test('GET /score turns the query string into JSON', async () => {
    const res = await fetch(`${svc.url}/score?a=1&b=[1,2]&f=x&f=y&s=hello`);
    assert.equal(res.status, 200);
    assert.deepEqual(((await json(res)) as { echo: unknown }).echo, { a: 1, b: [1, 2], f: ['x', 'y'], s: 'hello' });
  });

  test('a string returned by run() is sent as a JSON string (double-encoded, as Azure does)', async () => {
    const res = await post(svc.url, { returnString: true });
    assert.equal(res.status, 200);
    assert.equal(await res.text(), JSON.stringify('{"already":"json"}'));
  });

  test('untyped run() takes any JSON value, not only dictionaries', async () => {
    const res = await post(svc.url, '[1, 2, 3]');
    assert.deepEqual(((await json(res)) as { echo: unknown }).echo, [1, 2, 3]);
  });
});

describe('schema-typed run() in TypeScript', () => {
  let svc: RunningService;
  before(async () => {
    svc = await startService({ entryScript: script('typed.ts'), model: ['iris=samples/iris'] });
  });
  after(() => svc.close());

  test('scores with the ready-made session and a sibling TypeScript import', async () => {
    const res = await post(svc.url, { data: [[5.1, 3.5, 1.4, 0.2], [6.7, 3.0, 5.2, 2.3]] });
    assert.equal(res.status, 200);
    assert.deepEqual(await json(res), { classes: ['setosa', 'virginica'] });
  });

  test('a missing parameter → 400 in the reference wording', async () => {
    const res = await post(svc.url, { other: 1 });
    assert.equal(res.status, 400);
    assert.match(((await json(res)) as { message: string }).message, /^Unexpected parameter 'other'\. run\(\) takes: data\.$/);
    const missing = await post(svc.url, {});
    assert.equal(missing.status, 400);
    assert.deepEqual(await json(missing), { message: "A value is not provided for the 'data' parameter." });
  });

  test('a value shaped unlike its sample → 400 naming the parameter and the place', async () => {
    const res = await post(svc.url, { data: [[1, 2, 'x', 4]] });
    assert.equal(res.status, 400);
    assert.match(((await json(res)) as { message: string }).message, /Parameter 'data' does not match its sample at \/0\/2: must be number/);
  });

  test('without Content-Type application/json → 415', async () => {
    const res = await post(svc.url, JSON.stringify({ data: [[1, 2, 3, 4]] }), 'text/plain');
    assert.equal(res.status, 415);
    assert.match(((await json(res)) as { message: string }).message, /Expected Content-Type application\/json, got 'text\/plain'/);
  });

  test('a body that is not a dictionary → 400', async () => {
    const res = await post(svc.url, '[1]');
    assert.deepEqual(await json(res), { message: 'POST body should be a JSON dictionary.' });
  });

  test('swagger documents the samples', async () => {
    const doc = (await json(await fetch(`${svc.url}/swagger.json`))) as { definitions: Record<string, { example: unknown; properties?: Record<string, unknown> }> };
    assert.deepEqual(doc.definitions.ServiceInput?.example, { data: [[5.1, 3.5, 1.4, 0.2]] });
    assert.deepEqual(doc.definitions.ServiceOutput?.example, { classes: ['setosa'] });
    assert.deepEqual(Object.keys(doc.definitions.ServiceInput?.properties ?? {}), ['data']);
  });
});

describe('raw run()', () => {
  let svc: RunningService;
  before(async () => {
    svc = await startService({ entryScript: script('raw.mjs') });
  });
  after(() => svc.close());

  test('binary bodies reach run() as bytes; its status, headers and body come back', async () => {
    const res = await post(svc.url, Buffer.from([0, 1, 2, 3, 255]), 'image/png');
    assert.equal(res.status, 201);
    assert.equal(res.headers.get('x-custom'), 'yes');
    assert.equal(res.headers.get('content-type'), 'application/octet-stream');
    assert.equal(await res.text(), 'got 5 bytes');
    assert.equal(res.headers.get('x-ms-run-function-failed'), 'False');
  });

  test('a JSON body can be read with request.json(); a plain return value is JSON 200', async () => {
    const res = await post(svc.url, { k: 'v' });
    assert.equal(res.status, 202);
    assert.deepEqual(await json(res), { parsed: { k: 'v' } });
    const get = await fetch(`${svc.url}/score?x=1&x=2`);
    assert.equal(get.status, 200);
    assert.deepEqual(await json(get), { method: 'GET', query: { x: ['1', '2'] } });
  });
});

describe('failures in the script', () => {
  test('run() that throws → 500 with the generic message; the stack goes to the log; the service keeps serving', async () => {
    const svc = await startService({ entryScript: script('throws.js') });
    try {
      const res = await post(svc.url, { a: 1 });
      assert.equal(res.status, 500);
      assert.deepEqual(await json(res), { message: 'An unexpected error occurred in scoring script. Check the logs for more info.' });
      assert.equal(res.headers.get('x-ms-run-function-failed'), 'True');
      assert.ok(svc.logs.some((l) => l.includes('boom: internal detail') && l.includes('throws.js')), 'the log has the error and its stack');
      assert.equal((await fetch(`${svc.url}/`)).status, 200);
    } finally {
      await svc.close();
    }
  });

  test('run() that never answers → 500 "Scoring timeout after N ms"', async () => {
    const svc = await startService({ entryScript: script('hangs.js'), timeoutMs: '150' });
    try {
      const res = await post(svc.url, { a: 1 });
      assert.equal(res.status, 500);
      assert.deepEqual(await json(res), { message: 'Scoring timeout after 150 ms' });
      assert.equal(res.headers.get('x-ms-run-function-failed'), 'True');
      assert.equal(await (await fetch(`${svc.url}/`)).text(), 'Healthy');
    } finally {
      await svc.close();
    }
  });

  const startFails = async (file: string): Promise<unknown> => {
    const options = resolveServeOptions({ entryScript: script(file), port: '0' }, {});
    try {
      const svc = await createService(options, createLogger('error', () => undefined), {});
      await svc.close();
    } catch (err) {
      return err;
    }
    assert.fail(`${file} should have been refused at start`);
  };

  test('init() that throws keeps the service from starting, with the reason', async () => {
    const err = await startFails('initThrows.js');
    assert.ok(err instanceof InitFailedError);
    assert.match(err.message, /init\(\) in .*initThrows\.js failed: Error: cannot load weights from \/nowhere/);
  });

  test('invalid combinations and broken scripts are refused at start with a precise message', async () => {
    const raw = await startFails('rawWithSample.js');
    assert.ok(raw instanceof ConfigError);
    assert.match(raw.message, /raw = true and inputSample cannot be combined/);
    const noRun = await startFails('noRun.js');
    assert.ok(noRun instanceof ConfigError);
    assert.match(noRun.message, /must export a run\(input, context\) function \(it exports: score\)/);
    const broken = await startFails('broken.ts');
    assert.ok(broken instanceof ConfigError);
    assert.match(broken.message, /broken\.ts does not compile/);
    const missing = await startFails('nope.js');
    assert.ok(missing instanceof ConfigError);
    assert.match(missing.message, /Entry script not found: .*nope\.js/);
  });
});
