// The endpoint client against a REAL scoring service on loopback: every request kind, errors, auth, bounds.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { serviceBase, swaggerUrl, v2InferUrl, v2ModelName, v2ModelUrl, checkScoringUri } from '../../../../src/core/client/endpoint';
import { scorableJsonExample, swaggerInputExample, v2ExampleRequest, v2ModelMetadataSchema, v2RequestFromTensor } from '../../../../src/core/client/examples';
import { buildRequest, RequestBuildError, type ImageInput } from '../../../../src/core/client/request';
import { getJson, NetworkError, sendRequest } from '../../../../src/core/client/send';
import { startService, type RunningService } from '../../../helpers/startService';

const dir = 'samples/fashion-mnist';
const expected = JSON.parse(readFileSync(`${dir}/images/expected.json`, 'utf8')) as Record<string, string>;
const key = 'unit-client-key-42';
const img = (name: string): ImageInput => ({ name, mime: name.endsWith('.jpg') ? 'image/jpeg' : 'image/png', bytes: new Uint8Array(readFileSync(`${dir}/images/${name}`)) });

describe('endpoint URLs', () => {
  test('derive swagger and V2 routes from the scoring URI', () => {
    assert.equal(serviceBase('http://h:5001/score'), 'http://h:5001');
    assert.equal(serviceBase('https://x.azureml.net/api/v1/service/s1/score?x=1'), 'https://x.azureml.net/api/v1/service/s1');
    assert.equal(swaggerUrl('http://h:5001/score'), 'http://h:5001/swagger.json');
    assert.equal(v2ModelUrl('http://h:5001/score', 'a b'), 'http://h:5001/v2/models/a%20b');
    assert.equal(v2InferUrl('http://h:5001/score/', 'm'), 'http://h:5001/v2/models/m/infer');
    assert.equal(v2ModelName('fashion-mnist:3'), 'fashion-mnist');
    assert.throws(() => checkScoringUri('not a url'), /is not a URL/);
    assert.throws(() => checkScoringUri('file:///etc/passwd'), /must start with http/);
  });
});

describe('client against a real scoring service', () => {
  let svc: RunningService;
  let secured: RunningService;
  before(async () => {
    [svc, secured] = await Promise.all([
      startService({ model: [dir] }),
      startService({ model: [dir] }, { MODELPORT_AUTH_MODE: 'key', MODELPORT_PRIMARY_KEY: key }),
    ]);
  });
  after(() => Promise.all([svc.close(), secured.close()]));
  const score = (): string => `${svc.url}/score`;

  test('raw image bytes: status, latency, server time, request id, top label', async () => {
    const spec = buildRequest({ mode: 'image', encoding: 'raw', images: [img('sneaker.png')] }, { scoringUri: score() });
    assert.equal(spec.headers['Content-Type'], 'image/png');
    const res = await sendRequest(spec, { requestId: 'my-request-1' });
    assert.equal(res.status, 200);
    assert.equal(res.requestId, 'my-request-1', 'x-request-id is echoed');
    assert.ok(res.totalMs > 0);
    assert.equal(typeof res.serverMs, 'number');
    assert.ok(res.serverMs! <= res.totalMs);
    assert.equal(res.predictions?.[0]?.[0]?.label, 'Sneaker');
    assert.ok(res.headers.some(([k]) => k === 'x-ms-server-version'));
    assert.equal(res.truncated, false);
  });

  test('several images as one base64 JSON batch', async () => {
    const names = ['trouser.png', 'bag.png', 'sneaker-large.jpg'];
    const spec = buildRequest({ mode: 'image', encoding: 'base64', images: names.map(img) }, { scoringUri: score() });
    const res = await sendRequest(spec);
    assert.equal(res.status, 200);
    assert.deepEqual(res.predictions?.map((row) => row[0]?.label), names.map((n) => expected[n]));
  });

  test('raw bytes refuse a batch, empty JSON and invalid JSON before anything is sent', () => {
    assert.throws(() => buildRequest({ mode: 'image', encoding: 'raw', images: [img('bag.png'), img('coat.png')] }, { scoringUri: score() }), RequestBuildError);
    assert.throws(() => buildRequest({ mode: 'json', body: '  ' }, { scoringUri: score() }), /empty/);
    assert.throws(() => buildRequest({ mode: 'json', body: '{"a":' }, { scoringUri: score() }), /not valid JSON/);
    assert.throws(() => buildRequest({ mode: 'v2', body: '{}' }, { scoringUri: score() }), /model name/);
    assert.throws(() => buildRequest({ mode: 'image', encoding: 'base64', images: [] }, { scoringUri: score() }), /Add an image/);
  });

  test('JSON prefilled from swagger (completed to the model shape) scores; a bad body returns the service message', async () => {
    const swagger = await getJson(swaggerUrl(score()));
    const metadata = v2ModelMetadataSchema.parse(await getJson(v2ModelUrl(score(), 'fashion-mnist')));
    const example = scorableJsonExample(swaggerInputExample(swagger), metadata);
    const ok = await sendRequest(buildRequest({ mode: 'json', body: JSON.stringify(example) }, { scoringUri: score() }));
    assert.equal(ok.status, 200);
    assert.equal(ok.predictions?.[0]?.length, 3);
    const bad = await sendRequest(buildRequest({ mode: 'json', body: '{"data": "x"}' }, { scoringUri: score() }));
    assert.equal(bad.status, 400);
    assert.equal(bad.ok, false);
    assert.match(bad.errorMessage ?? '', /image/);
    assert.equal(bad.predictions, undefined);
  });

  test('V2: the example from the signature and a tensor made from real pixels', async () => {
    const metadata = v2ModelMetadataSchema.parse(await getJson(v2ModelUrl(score(), 'fashion-mnist')));
    const example = await sendRequest(buildRequest({ mode: 'v2', body: JSON.stringify(v2ExampleRequest(metadata)) }, { scoringUri: score(), model: 'fashion-mnist' }));
    assert.equal(example.status, 200);
    assert.deepEqual((example.json as { outputs: Array<{ shape: number[] }> }).outputs[0]?.shape, [1, 10]);
    const body = v2RequestFromTensor('image', [1, 1, 28, 28], new Float32Array(784));
    const res = await sendRequest(buildRequest({ mode: 'image', encoding: 'v2', images: [img('bag.png')], v2Body: body }, { scoringUri: score(), model: 'fashion-mnist' }));
    assert.equal(res.status, 200);
    const unknown = await sendRequest(buildRequest({ mode: 'v2', body: '{"inputs": []}' }, { scoringUri: score(), model: 'nope' }));
    assert.equal(unknown.status, 404);
    assert.match(unknown.errorMessage ?? '', /nope/);
  });

  test('auth: 401 with the service message without a key, 200 with it', async () => {
    const spec = buildRequest({ mode: 'image', encoding: 'raw', images: [img('coat.png')] }, { scoringUri: `${secured.url}/score` });
    const denied = await sendRequest(spec);
    assert.equal(denied.status, 401);
    assert.match(denied.errorMessage ?? '', /Authorization/);
    const ok = await sendRequest(spec, { authorization: `Bearer ${key}` });
    assert.equal(ok.status, 200);
    assert.equal(ok.predictions?.[0]?.[0]?.label, 'Coat');
  });

  test('the body is bounded: only the first bytes are kept, the size is still counted', async () => {
    const spec = buildRequest({ mode: 'image', encoding: 'raw', images: [img('sneaker.png')] }, { scoringUri: score() });
    const res = await sendRequest(spec, { maxBodyBytes: 20 });
    assert.equal(res.body.length, 20);
    assert.ok(res.bodyBytes > 20);
    assert.equal(res.truncated, true);
    assert.equal(res.json, undefined);
    assert.equal(res.predictions, undefined);
  });

  test('a service that is not there is a NetworkError that says so; abort is an AbortError', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as { port: number }).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const spec = buildRequest({ mode: 'json', body: '{}' }, { scoringUri: `http://127.0.0.1:${port}/score` });
    await assert.rejects(sendRequest(spec), (err: Error) => err instanceof NetworkError && /Could not reach 127\.0\.0\.1:\d+: ECONNREFUSED/.test(err.message));
    const abort = new AbortController();
    abort.abort();
    await assert.rejects(sendRequest(buildRequest({ mode: 'json', body: '{}' }, { scoringUri: score() }), { signal: abort.signal }), { name: 'AbortError' });
  });
});
