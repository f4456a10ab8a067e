// Bounded work per request (issue 14, class 3): rows, decoded tensor bytes, images and JSON size are limited, with
// defaults that protect a small machine, configurable, and refused with 413 naming the limit.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { json, startService, type RunningService } from '../helpers/startService';

const row = [5.1, 3.5, 1.4, 0.2];
const rowsOf = (n: number): number[][] => Array.from({ length: n }, () => row);

async function post(url: string, body: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) });
  return { status: res.status, body: (await json(res)) as Record<string, unknown> };
}

describe('work limits', () => {
  let defaults: RunningService;
  let tight: RunningService;
  let images: RunningService;
  before(async () => {
    defaults = await startService({ model: ['iris=samples/iris'] });
    tight = await startService({ model: ['iris=samples/iris'], limits: { maxRows: '5' } }, { MODELPORT_MAX_TENSOR_BYTES: '48' });
    images = await startService({ model: ['fashion=samples/fashion-mnist'], limits: { maxImages: '2' } });
  });
  after(async () => {
    await Promise.all([defaults?.close(), tight?.close(), images?.close()]);
  });

  test('the default row limit: 10000 rows score, 10001 are refused with 413 naming the limit', async () => {
    const ok = await post(`${defaults.url}/score`, { data: rowsOf(10_000) });
    assert.equal(ok.status, 200);
    const refused = await post(`${defaults.url}/score`, { data: rowsOf(10_001) });
    assert.equal(refused.status, 413);
    assert.match(String(refused.body.message), /10001 rows; this service takes at most 10000 per request \(limit maxRowsPerRequest\)/);
    // The service answers on: health and a small request.
    assert.equal((await fetch(`${defaults.url}/`)).status, 200);
    assert.equal((await post(`${defaults.url}/score`, { data: [row] })).status, 200);
  });

  test('configured limits hold on /score and on V2 infer: rows (flag) and tensor bytes (environment)', async () => {
    const rows = await post(`${tight.url}/score`, { data: rowsOf(6) });
    assert.equal(rows.status, 413);
    assert.match(String(rows.body.message), /at most 5 per request/);
    const v2 = await post(`${tight.url}/v2/models/iris/infer`, { inputs: [{ name: 'features', shape: [6, 4], datatype: 'FP32', data: rowsOf(6).flat() }] });
    assert.equal(v2.status, 413);
    assert.match(String(v2.body.error), /limit maxRowsPerRequest/);
    const bytes = await post(`${tight.url}/score`, { data: rowsOf(4) });
    assert.equal(bytes.status, 413, '4 rows of 4 float32 are 64 bytes, over 48');
    assert.match(String(bytes.body.message), /64 bytes; this service takes at most 48 per request \(limit maxTensorBytes\)/);
    assert.equal((await post(`${tight.url}/score`, { data: rowsOf(3) })).status, 200);
  });

  test('images per request', async () => {
    const png = readFileSync('samples/fashion-mnist/images/sneaker.png').toString('base64');
    assert.equal((await post(`${images.url}/score`, { images: [png, png] })).status, 200);
    const refused = await post(`${images.url}/score`, { images: [png, png, png] });
    assert.equal(refused.status, 413);
    assert.match(String(refused.body.message), /3 images; this service takes at most 2 per request \(limit maxImagesPerRequest\)/);
  });

  test('a JSON body with more arrays than any request needs is refused before it is parsed', async () => {
    const body = `{"data": [${Array.from({ length: 1_000_001 }, () => '[]').join(',')}]}`;
    const refused = await post(`${defaults.url}/score`, body);
    assert.equal(refused.status, 413);
    assert.match(String(refused.body.message), /more than 1000000 arrays/);
  });

  test('bad limit settings are refused with the variable named', async () => {
    await assert.rejects(startService({ model: ['iris=samples/iris'] }, { MODELPORT_MAX_ROWS: 'lots' }), /MODELPORT_MAX_ROWS must be a positive whole number, got 'lots'/);
  });
});
