// The Azure ML scoring API over real HTTP, with real onnxruntime sessions on the sample models.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { json, startService, type RunningService } from '../helpers/startService';

const fashionDir = 'samples/fashion-mnist';
const expectedLabels = JSON.parse(readFileSync(`${fashionDir}/images/expected.json`, 'utf8')) as Record<string, string>;

interface Prediction {
  label: string;
  index: number;
  probability: number;
}
interface Predictions {
  predictions: Prediction[][];
}

function imageBytes(name: string): Buffer {
  return readFileSync(`${fashionDir}/images/${name}`);
}

describe('fashion-mnist image model over /score', () => {
  let svc: RunningService;
  before(async () => {
    svc = await startService({ model: [fashionDir] }, {}, { maxBodyBytes: 2 * 1024 * 1024 });
  });
  after(() => svc.close());

  const healthy = async (): Promise<void> => {
    const res = await fetch(`${svc.url}/`);
    assert.equal(res.status, 200);
    assert.equal(await res.text(), 'Healthy');
  };

  test('GET / answers Healthy', healthy);

  for (const [file, label] of Object.entries(expectedLabels)) {
    test(`raw ${file} is classified as ${label}`, async () => {
      const type = file.endsWith('.jpg') ? 'image/jpeg' : 'image/png';
      const res = await fetch(`${svc.url}/score`, { method: 'POST', headers: { 'content-type': type }, body: imageBytes(file) });
      assert.equal(res.status, 200);
      const body = (await json(res)) as Predictions;
      assert.equal(body.predictions.length, 1);
      const top = body.predictions[0]!;
      assert.equal(top.length, 3);
      assert.equal(top[0]!.label, label);
      assert.ok(top[0]!.probability > top[1]!.probability);
      const sum = top.reduce((s, p) => s + p.probability, 0);
      assert.ok(sum <= 1.000001 && sum > 0.5, `top-3 probabilities are a softmax slice, got sum ${sum}`);
    });
  }

  test('base64 JSON images become one batch, in order', async () => {
    const files = ['trouser.png', 'bag.png', 'sandal.png'];
    const res = await fetch(`${svc.url}/score`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ images: files.map((f) => imageBytes(f).toString('base64')) }),
    });
    assert.equal(res.status, 200);
    const body = (await json(res)) as Predictions;
    assert.deepEqual(body.predictions.map((p) => p[0]!.label), files.map((f) => expectedLabels[f]));
  });

  test('a data URL in {"image"} works', async () => {
    const res = await fetch(`${svc.url}/score`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ image: `data:image/png;base64,${imageBytes('dress.png').toString('base64')}` }),
    });
    assert.equal(res.status, 200);
    assert.equal(((await json(res)) as Predictions).predictions[0]![0]!.label, 'Dress');
  });

  test('scoring headers: timing, failure flag, server version, request ids', async () => {
    const res = await fetch(`${svc.url}/score`, {
      method: 'POST',
      headers: { 'content-type': 'image/png', 'x-request-id': 'my-id-1', 'x-ms-client-request-id': 'client-7' },
      body: imageBytes('coat.png'),
    });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('x-ms-run-fn-exec-ms') ?? '', /^\d+\.\d{3}$/);
    assert.equal(res.headers.get('x-ms-run-function-failed'), 'False');
    assert.match(res.headers.get('x-ms-server-version') ?? '', /^modelport\/\d+\.\d+\.\d+/);
    assert.equal(res.headers.get('x-request-id'), 'my-id-1');
    assert.equal(res.headers.get('x-ms-client-request-id'), 'client-7');
    assert.equal(res.headers.get('x-ms-request-id'), 'client-7', 'the client id, when one was sent (WIRE.md §1)');
    assert.ok(svc.logs.some((l) => l.includes('[my-id-1]') && l.includes('POST /score 200')), 'the log line carries the request id');
  });

  test('a request id is minted when absent; the legacy header is echoed, and counts as the client id', async () => {
    const res = await fetch(`${svc.url}/score`, { method: 'POST', headers: { 'content-type': 'image/png', 'x-ms-request-id': 'legacy-1' }, body: imageBytes('coat.png') });
    assert.match(res.headers.get('x-request-id') ?? '', /^[0-9a-f-]{36}$/);
    assert.equal(res.headers.get('x-ms-request-id'), 'legacy-1');
    assert.equal(res.headers.get('x-ms-client-request-id'), 'legacy-1');
    await res.arrayBuffer();
  });

  test('request-id precedence: the client id answers x-ms-request-id; without one, x-request-id does; TraceId is echoed', async () => {
    const both = await fetch(`${svc.url}/`, { headers: { 'x-request-id': 'req-9', 'x-ms-client-request-id': 'client-9', 'x-ms-request-id': 'legacy-9', traceid: 'trace-9' } });
    assert.equal(both.headers.get('x-request-id'), 'req-9');
    assert.equal(both.headers.get('x-ms-client-request-id'), 'client-9', 'x-ms-client-request-id wins over the legacy header');
    assert.equal(both.headers.get('x-ms-request-id'), 'client-9');
    assert.equal(both.headers.get('traceid'), 'trace-9');
    await both.arrayBuffer();
    const none = await fetch(`${svc.url}/`, { headers: { 'x-request-id': 'req-10' } });
    assert.equal(none.headers.get('x-ms-request-id'), 'req-10');
    assert.equal(none.headers.get('x-ms-client-request-id'), null);
    assert.equal(none.headers.get('traceid'), null);
    await none.arrayBuffer();
  });

  test('x-request-id over 100 characters → 431; so are x-ms-request-id and x-ms-client-request-id', async () => {
    const res = await fetch(`${svc.url}/score`, { method: 'POST', headers: { 'content-type': 'image/png', 'x-request-id': 'x'.repeat(101) }, body: imageBytes('coat.png') });
    assert.equal(res.status, 431);
    assert.deepEqual(await json(res), { message: 'x-request-id must not exceed 100 characters' });
    assert.notEqual(res.headers.get('x-request-id'), 'x'.repeat(101), 'the refused id is not echoed');
    for (const header of ['x-ms-request-id', 'x-ms-client-request-id']) {
      const long = await fetch(`${svc.url}/score`, { method: 'POST', headers: { 'content-type': 'image/png', [header]: 'y'.repeat(101) }, body: imageBytes('coat.png') });
      assert.equal(long.status, 431, header);
      assert.deepEqual(await json(long), { message: 'x-ms-request-id and x-ms-client-request-id must not exceed 100 characters' });
    }
    const exactly = await fetch(`${svc.url}/`, { headers: { 'x-ms-client-request-id': 'z'.repeat(100) } });
    assert.equal(exactly.status, 200, '100 characters are allowed');
    await exactly.arrayBuffer();
  });

  test('x-ms-server-version is on every response: health, swagger, errors, 404', async () => {
    for (const [path, init, status] of [
      ['/', {}, 200],
      ['/swagger.json', {}, 200],
      ['/score', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{' }, 400],
      ['/nowhere', {}, 404],
      ['/score', { method: 'PUT' }, 405],
    ] as const) {
      const res = await fetch(`${svc.url}${path}`, init as RequestInit);
      assert.equal(res.status, status, path);
      assert.match(res.headers.get('x-ms-server-version') ?? '', /^modelport\/\d+\.\d+\.\d+/, `${path} ${status}`);
      await res.arrayBuffer();
    }
  });

  const badRequests: Array<{ name: string; init: RequestInit; status: number; message: RegExp }> = [
    { name: 'empty JSON body', init: { headers: { 'content-type': 'application/json' }, body: '' }, status: 400, message: /^POST body is empty\. Expecting a JSON dictionary\.$/ },
    { name: 'malformed JSON', init: { headers: { 'content-type': 'application/json' }, body: '{"data": [1,' }, status: 400, message: /^POST body could not be decoded as JSON: / },
    { name: 'JSON that is not a dictionary', init: { headers: { 'content-type': 'application/json' }, body: '[1,2]' }, status: 400, message: /^POST body should be a JSON dictionary\.$/ },
    { name: 'invalid UTF-8', init: { headers: { 'content-type': 'application/json' }, body: Buffer.from([0x7b, 0xff, 0xfe, 0x7d]) }, status: 400, message: /^Input cannot be decoded as UTF-8: / },
    { name: 'unsupported content type', init: { headers: { 'content-type': 'text/csv' }, body: '1,2,3' }, status: 415, message: /Content-Type 'text\/csv' is not supported/ },
    { name: 'corrupt image', init: { headers: { 'content-type': 'image/png' }, body: Buffer.from('definitely not a png') }, status: 400, message: /could not be decoded/ },
    { name: 'truncated image', init: { headers: { 'content-type': 'image/png' }, body: imageBytes('bag.png').subarray(0, 120) }, status: 400, message: /could not be decoded/ },
    { name: 'empty image body', init: { headers: { 'content-type': 'image/png' }, body: Buffer.alloc(0) }, status: 400, message: /empty/ },
    {
      name: 'wrong tensor shape',
      init: { headers: { 'content-type': 'application/json' }, body: JSON.stringify({ data: [[1, 2, 3]] }) },
      status: 400,
      message: /Input 'image' expects shape \[batch, 1, 28, 28\]/,
    },
    { name: 'wrong element type', init: { headers: { 'content-type': 'application/json' }, body: JSON.stringify({ data: [[[['a']]]] }) }, status: 400, message: /Input 'image'/ },
    { name: 'invalid base64', init: { headers: { 'content-type': 'application/json' }, body: JSON.stringify({ image: 'not base64!!' }) }, status: 400, message: /not valid base64/ },
    { name: 'body over the limit', init: { headers: { 'content-type': 'image/png' }, body: Buffer.alloc(3 * 1024 * 1024, 1) }, status: 413, message: /larger than the limit of 2097152 bytes/ },
  ];

  for (const bad of badRequests) {
    test(`${bad.name} → ${bad.status} with a precise message, and the service keeps serving`, async () => {
      const res = await fetch(`${svc.url}/score`, { method: 'POST', ...bad.init });
      assert.equal(res.status, bad.status);
      assert.match(res.headers.get('content-type') ?? '', /application\/json/);
      const body = (await json(res)) as { message: string };
      assert.match(body.message, bad.message);
      await healthy();
    });
  }

  test('a decompression bomb is refused with 413 before decoding', async () => {
    // A PNG header that declares 30000×30000 pixels, followed by a tiny (invalid) image body.
    const sig = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const ihdr = Buffer.alloc(13);
    ihdr.writeUInt32BE(30000, 0);
    ihdr.writeUInt32BE(30000, 4);
    ihdr.set([8, 0, 0, 0, 0], 8);
    const chunk = (type: string, data: Buffer): Buffer => {
      const len = Buffer.alloc(4);
      len.writeUInt32BE(data.length);
      const crcInput = Buffer.concat([Buffer.from(type, 'ascii'), data]);
      const crc = Buffer.alloc(4);
      crc.writeUInt32BE(crc32(crcInput));
      return Buffer.concat([len, crcInput, crc]);
    };
    const png = Buffer.concat([sig, chunk('IHDR', ihdr), chunk('IDAT', Buffer.from([0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01])), chunk('IEND', Buffer.alloc(0))]);
    const res = await fetch(`${svc.url}/score`, { method: 'POST', headers: { 'content-type': 'image/png' }, body: png });
    assert.equal(res.status, 413);
    assert.match(((await json(res)) as { message: string }).message, /30000x30000/);
    await healthy();
  });

  test('other methods on /score → 405 with the reference wording (HEAD its own), unknown paths → 404, OPTIONS → 200 empty', async () => {
    for (const method of ['PUT', 'DELETE', 'PATCH']) {
      const res = await fetch(`${svc.url}/score`, { method });
      assert.equal(res.status, 405, method);
      assert.deepEqual(await json(res), { message: 'The method is not allowed for the requested URL.' });
    }
    const head = await fetch(`${svc.url}/score`, { method: 'HEAD' });
    assert.equal(head.status, 405);
    assert.equal(await head.text(), '', 'HEAD answers without a body');
    const missing = await fetch(`${svc.url}/no/such/route`);
    assert.equal(missing.status, 404);
    assert.match(((await json(missing)) as { message: string }).message, /^The requested URL was not found on the server\. /);
    const options = await fetch(`${svc.url}/score`, { method: 'OPTIONS' });
    assert.equal(options.status, 200);
    assert.equal(await options.text(), '');
  });

  test('a method a path does not take → 405 (POST /, DELETE /swagger.json); /score/ with a trailing slash → 404', async () => {
    for (const [path, method] of [['/', 'POST'], ['/', 'PUT'], ['/swagger.json', 'DELETE'], ['/swagger.json', 'POST']] as const) {
      const res = await fetch(`${svc.url}${path}`, { method, ...(method === 'POST' || method === 'PUT' ? { body: '{}' } : {}) });
      assert.equal(res.status, 405, `${method} ${path}`);
      assert.deepEqual(await json(res), { message: 'The method is not allowed for the requested URL.' });
    }
    const options = await fetch(`${svc.url}/`, { method: 'OPTIONS' });
    assert.equal(options.status, 200);
    assert.match(options.headers.get('allow') ?? '', /GET/);
    await options.arrayBuffer();
    const slash = await fetch(`${svc.url}/score/`, { method: 'POST', headers: { 'content-type': 'image/png' }, body: imageBytes('coat.png') });
    assert.equal(slash.status, 404);
    assert.match(((await json(slash)) as { message: string }).message, /^The requested URL was not found on the server\./);
  });

  test('swagger.json versions 2, 3 and 3.1; an unknown version → 404 with the supported list', async () => {
    const v2 = (await json(await fetch(`${svc.url}/swagger.json`))) as Record<string, unknown>;
    assert.equal(v2.swagger, '2.0');
    assert.deepEqual((v2 as { consumes: string[] }).consumes.slice(0, 2), ['application/json', 'image/jpeg']);
    const input = (v2 as { definitions: { ServiceInput: { example: { data: unknown[] } } } }).definitions.ServiceInput;
    assert.ok(Array.isArray(input.example.data), 'the input example comes from the model signature');
    const scored = await fetch(`${svc.url}/score`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(input.example) });
    assert.equal(scored.status, 200, 'the swagger example can be posted as it is');
    const v3 = (await json(await fetch(`${svc.url}/swagger.json?version=3`))) as Record<string, unknown>;
    assert.equal(v3.openapi, '3.0.3');
    const v31 = (await json(await fetch(`${svc.url}/swagger.json?version=3.1`))) as Record<string, unknown>;
    assert.equal(v31.openapi, '3.1.0');
    for (const [alias, field, value] of [['2.0', 'swagger', '2.0'], ['3.0', 'openapi', '3.0.3']] as const) {
      const doc = (await json(await fetch(`${svc.url}/swagger.json?version=${alias}`))) as Record<string, unknown>;
      assert.equal(doc[field], value, `version=${alias}`);
    }
    const bad = await fetch(`${svc.url}/swagger.json?version=4`);
    assert.equal(bad.status, 404);
    assert.deepEqual(await json(bad), { message: 'Swagger version [4] is not valid. Supported versions: [2, 3, 3.1]' });
  });

  test('GET /docs: the API page and its packaged Swagger UI files, from this origin only, open without credentials', async () => {
    const page = await fetch(`${svc.url}/docs`);
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-type') ?? '', /^text\/html/);
    assert.match(page.headers.get('content-security-policy') ?? '', /^default-src 'none'; script-src 'self'/);
    const html = await page.text();
    assert.doesNotMatch(html, /https?:\/\//, 'no asset from another origin');
    for (const [path, type] of [['/docs/swagger-ui-bundle.js', /javascript/], ['/docs/swagger-ui.css', /css/], ['/docs/init.js', /javascript/]] as const) {
      const res = await fetch(`${svc.url}${path}`);
      assert.equal(res.status, 200, path);
      assert.match(res.headers.get('content-type') ?? '', type);
      assert.ok((await res.arrayBuffer()).byteLength > 0);
    }
  });

  test('/metrics counts requests by route and status, in Prometheus text format', async () => {
    const res = await fetch(`${svc.url}/metrics`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /text\/plain; version=0\.0\.4/);
    const text = await res.text();
    assert.match(text, /^modelport_requests_total\{method="POST",route="\/score",status="200"\} \d+$/m);
    assert.match(text, /^modelport_requests_total\{method="POST",route="\/score",status="400"\} \d+$/m);
    assert.match(text, /^modelport_request_duration_seconds_bucket\{le="\+Inf",route="\/score"\} \d+$/m);
    assert.match(text, /^modelport_model_run_seconds_count\{model="fashion-mnist:1"\} \d+$/m);
    assert.match(text, /^# TYPE modelport_requests_in_flight gauge$/m);
  });
});

describe('iris tabular model over /score', () => {
  let svc: RunningService;
  before(async () => {
    svc = await startService({ model: ['samples/iris'] });
  });
  after(() => svc.close());

  test('{"data": rows} → labelled predictions per row', async () => {
    const request = readFileSync('samples/iris/request.json', 'utf8');
    const expected = (JSON.parse(readFileSync('samples/iris/expected.json', 'utf8')) as { labels: string[] }).labels;
    const res = await fetch(`${svc.url}/score`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: request });
    assert.equal(res.status, 200);
    const body = (await json(res)) as Predictions;
    assert.deepEqual(body.predictions.map((p) => p[0]!.label), expected);
    assert.ok(body.predictions[0]![0]!.probability > 0.9);
  });

  test('GET /score with the query as the body, parsed as the reference parses it: ?data=[[…]]', async () => {
    const rows = [[6.7, 3.0, 5.2, 2.3], [5.1, 3.5, 1.4, 0.2]];
    const res = await fetch(`${svc.url}/score?data=${encodeURIComponent(JSON.stringify(rows))}`);
    assert.equal(res.status, 200);
    assert.deepEqual(((await json(res)) as Predictions).predictions.map((p) => p[0]!.label), ['virginica', 'setosa']);
    const empty = await fetch(`${svc.url}/score`);
    assert.equal(empty.status, 400);
    await empty.arrayBuffer();
  });

  test('a single row without its batch dimension is accepted', async () => {
    const res = await fetch(`${svc.url}/score`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ data: [6.7, 3.0, 5.2, 2.3] }) });
    assert.equal(res.status, 200);
    assert.equal(((await json(res)) as Predictions).predictions[0]![0]!.label, 'virginica');
  });

  test('a row of the wrong length names the input and what was expected', async () => {
    const res = await fetch(`${svc.url}/score`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ data: [[1, 2, 3, 4], [1, 2, 3]] }) });
    assert.equal(res.status, 400);
    assert.match(((await json(res)) as { message: string }).message, /Input 'features': data\[1\] has 3 values, expected 4/);
  });

  test('images are refused with 415 by a model that does not take them', async () => {
    const res = await fetch(`${svc.url}/score`, { method: 'POST', headers: { 'content-type': 'image/png' }, body: imageBytes('bag.png') });
    assert.equal(res.status, 415);
    assert.match(((await json(res)) as { message: string }).message, /does not take images/);
  });
});

function crc32(buf: Buffer): number {
  let c = ~0;
  for (const byte of buf) {
    c ^= byte;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
  }
  return ~c >>> 0;
}
