// Client faults are 4xx (issue 14, class 4) and entry-script faults stay contained (class 7), through real
// scoring services: deep nesting and values no float32 can hold are 400, a model's NaN/Infinity gets its
// documented 500, a forgotten promise rejection fails only its own request, a function or a symbol is a 500
// with the reference's message, and the service serves on after each.
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { buildPairModel, createModelDir, type ModelDir } from '../helpers/onnxModels';
import { spawnServe, type ServeProcess } from '../helpers/spawnServe';
import { json, startService, type RunningService } from '../helpers/startService';

async function post(url: string, body: unknown): Promise<{ status: number; headers: Headers; body: Record<string, unknown> }> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) });
  return { status: res.status, headers: res.headers, body: (await json(res)) as Record<string, unknown> };
}

const deep = (levels: number): string => '['.repeat(levels) + ']'.repeat(levels);

describe('client faults are 4xx', () => {
  let iris: RunningService;
  let echo: RunningService;
  let pair: RunningService;
  let models: ModelDir;
  before(async () => {
    models = await createModelDir();
    iris = await startService({ model: ['iris=samples/iris'] });
    echo = await startService({ entryScript: resolve('test/fixtures/entry-scripts/echo.js') });
    pair = await startService({ model: [`pair=${await models.write('pair.onnx', buildPairModel())}`] });
  });
  after(async () => {
    await Promise.all([iris?.close(), echo?.close(), pair?.close()]);
    await models?.remove();
  });

  test('deeply nested JSON (about 12 KB) is 400 on /score, on an entry script, in a query and on V2 infer', async () => {
    const nested = `{"data": ${deep(6000)}}`;
    for (const url of [`${iris.url}/score`, `${echo.url}/score`, `${iris.url}/v2/models/iris/infer`]) {
      const res = await post(url, nested);
      assert.equal(res.status, 400, url);
      assert.match(String(res.body.message ?? res.body.error), /nests JSON deeper than 64 levels/);
    }
    const query = await fetch(`${echo.url}/score?x=${encodeURIComponent(deep(200))}`);
    assert.equal(query.status, 400);
    await query.arrayBuffer();
    assert.equal((await post(`${echo.url}/score`, { a: [[[1]]] })).status, 200, 'ordinary nesting is fine');
  });

  test('a value no float32 can hold is 400 on /score and V2 infer', async () => {
    const score = await post(`${iris.url}/score`, { data: [[1e39, 3.5, 1.4, 0.2]] });
    assert.equal(score.status, 400);
    assert.match(String(score.body.message), /1e\+39, expected a number float32 can hold/);
    const v2 = await post(`${iris.url}/v2/models/iris/infer`, { inputs: [{ name: 'features', shape: [1, 4], datatype: 'FP32', data: [5.1, -4e38, 1.4, 0.2] }] });
    assert.equal(v2.status, 400);
    assert.match(String(v2.body.error), /float32 can hold/);
  });

  test('a model that outputs Infinity gets the documented 500 in JSON, and its bits through V2 binary output', async () => {
    const big = [3e38, 3e38, 1];
    const score = await post(`${pair.url}/score`, { inputs: { a: [big], b: [big] } });
    assert.equal(score.status, 500);
    assert.match(String(score.body.message), /Output '(sum|difference)' holds Infinity at flat index 0, which JSON cannot carry/);
    const binary = await fetch(`${pair.url}/v2/models/pair/infer`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ inputs: [{ name: 'a', shape: [1, 3], datatype: 'FP32', data: big }, { name: 'b', shape: [1, 3], datatype: 'FP32', data: big }], parameters: { binary_data_output: true } }),
    });
    assert.equal(binary.status, 200);
    await binary.arrayBuffer();
    assert.equal((await fetch(`${pair.url}/`)).status, 200);
  });
});

describe('entry-script faults stay contained (a real serve process)', () => {
  let svc: ServeProcess;
  before(async () => {
    svc = await spawnServe(['--entry-script', resolve('test/fixtures/entry-scripts/faults.js')]);
  });
  after(async () => {
    svc?.child.kill('SIGTERM');
    await svc?.exit;
  });

  const matrix: Array<{ fault: string; status: number; message: RegExp; failed: string }> = [
    { fault: 'floating-rejection', status: 500, message: /^An unexpected error occurred in scoring script\. Check the logs for more info\.$/, failed: 'True' },
    { fault: 'late-rejection', status: 500, message: /^An unexpected error occurred in scoring script\. Check the logs for more info\.$/, failed: 'True' },
    { fault: 'throws', status: 500, message: /^An unexpected error occurred in scoring script\. Check the logs for more info\.$/, failed: 'True' },
    { fault: 'function', status: 500, message: /^An unexpected internal error occurred\. Check the logs for more info\.$/, failed: 'False' },
    { fault: 'symbol', status: 500, message: /^An unexpected internal error occurred\. Check the logs for more info\.$/, failed: 'False' },
    { fault: 'bigint', status: 500, message: /^An unexpected internal error occurred\. Check the logs for more info\.$/, failed: 'False' },
  ];
  for (const { fault, status, message, failed } of matrix) {
    test(`${fault}: ${status} for that request, and the service serves on`, async () => {
      const res = await post(`${svc.url}/score`, { fault });
      assert.equal(res.status, status);
      assert.match(String(res.body.message), message);
      assert.equal(res.headers.get('x-ms-run-function-failed'), failed);
      const next = await post(`${svc.url}/score`, { fault: 'none' });
      assert.equal(next.status, 200);
      assert.deepEqual(next.body, { ok: true, echo: { fault: 'none' } });
      assert.equal(svc.child.exitCode, null, 'the process is still running');
    });
  }

  test('the details reach the log, never the caller', () => {
    assert.match(svc.output(), /forgotten rejection/);
    assert.match(svc.output(), /not JSON-serialisable/);
  });
});
