// The Python runtime over real HTTP with a real interpreter: score.py under the reference server's contract
// (../shared/WIRE.md §1b) — loading, init() once per worker, the three modes and their rules, what run() returns,
// timeouts raised inside run(), crashed and stuck workers, and start-up failures.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ConfigError } from '../../src/core/errors';
import { InitFailedError } from '../../src/server/scoring/entryScript/entryScriptScorer';
import { findPython, skipUnlessPython, venvWith, type TestPython } from '../helpers/python';
import { runCli } from '../helpers/spawnServe';
import { json, startService, type RunningService } from '../helpers/startService';

const fixtures = resolve('test/fixtures/python');
const script = (name: string): string => join(fixtures, name);
const env = (python = findPython()): NodeJS.ProcessEnv => ({ ...process.env, MODELPORT_PYTHON: python?.path ?? 'python3' });
async function rejects(work: Promise<unknown>, type: new (...args: never[]) => Error, message: RegExp): Promise<void> {
  await assert.rejects(work, (err: unknown) => {
    assert.ok(err instanceof type, `expected ${type.name}, got ${String(err)}`);
    assert.match(err.message, message);
    return true;
  });
}
/** numpy and pandas: a python3 that has them (Debian's python3-pandas), else a venv made from pip's configured indexes. */
const scientific = (modules: string[]): TestPython | undefined => findPython(modules) ?? venvWith(modules);
/** What this pandas calls a column of strings: 'object' before pandas 3, 'str' from pandas 3 on. */
function pandasStringDtype(python: TestPython): string {
  const r = spawnSync(python.path, ['-c', 'import pandas as pd; print(pd.DataFrame({"b": ["x"]}).dtypes["b"])'], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim();
}
const noScientific = (modules: string[]): false | string => (scientific(modules) ? false : `${skipUnlessPython(modules)}; no venv with ${modules.join(', ')} could be made either`);
const post = (url: string, body: string | Buffer, headers: Record<string, string> = { 'content-type': 'application/json' }): Promise<Response> =>
  fetch(`${url}/score`, { method: 'POST', headers, body });

describe('plain run(raw_data)', { skip: skipUnlessPython() }, () => {
  let svc: RunningService;
  before(async () => {
    svc = await startService({ entryScript: script('plain.py'), timeoutMs: '20000' }, { ...env(), MODELPORT_PRIMARY_KEY: 'never-in-python' });
  });
  after(() => svc?.close());

  test('run() gets the body as text, whatever its content type; init() ran once', async () => {
    const res = await post(svc.url, '{"a": [1, 2]}');
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'application/json');
    assert.equal(res.headers.get('x-ms-run-function-failed'), 'False');
    assert.match(res.headers.get('x-ms-run-fn-exec-ms') ?? '', /^\d+\.\d{3}$/);
    assert.deepEqual(await json(res), { type: 'str', raw: '{"a": [1, 2]}', init: 1 });
    const text = await post(svc.url, 'not json at all', { 'content-type': 'text/plain' });
    assert.deepEqual(await json(text), { type: 'str', raw: 'not json at all', init: 1 });
  });

  test('form-encoded bodies arrive as an empty string; bytes that are not UTF-8 are a 400', async () => {
    const form = await post(svc.url, 'a=1&b=2', { 'content-type': 'application/x-www-form-urlencoded' });
    assert.deepEqual(await json(form), { type: 'str', raw: '', init: 1 });
    const bad = await post(svc.url, Buffer.from([0xff, 0xfe, 0x41]), { 'content-type': 'application/octet-stream' });
    assert.equal(bad.status, 400);
    assert.match(((await json(bad)) as { message: string }).message, /^Input cannot be decoded as UTF-8: /);
  });

  test('GET: json.dumps of the query, values JSON-parsed when they can be; no query is "{}"', async () => {
    const res = await fetch(`${svc.url}/score?a=1&b=[1,2]&f=x&f=y&s=hello`);
    assert.equal(((await json(res)) as { raw: string }).raw, '{"a": 1, "b": [1, 2], "f": ["x", "y"], "s": "hello"}');
    const none = await fetch(`${svc.url}/score`);
    assert.equal(((await json(none)) as { raw: string }).raw, '{}');
  });

  test('return values are serialised as the reference does: str → JSON string, None → {}, NaN → NaN', async () => {
    assert.equal(await (await post(svc.url, '{"ask": "string"}')).text(), JSON.stringify('{"already": "json"}'));
    assert.equal(await (await post(svc.url, '{"ask": "none"}')).text(), '{}');
    assert.equal(await (await post(svc.url, '{"ask": "nan"}')).text(), '{"x": NaN}');
  });

  test('a value json.dumps cannot serialise is the internal 500, with x-ms-run-function-failed False', async () => {
    const res = await post(svc.url, '{"ask": "bytes"}');
    assert.equal(res.status, 500);
    assert.equal(res.headers.get('x-ms-run-function-failed'), 'False');
    assert.deepEqual(await json(res), { message: 'An unexpected internal error occurred. Check the logs for more info.' });
    assert.ok(svc.logs.some((l) => /json\.dumps cannot serialise \(bytes\)/.test(l)));
  });

  test('run() raising is a 500 with the reference message; the traceback goes to the log with the request id', async () => {
    const res = await post(svc.url, '{"ask": "raise"}', { 'content-type': 'application/json', 'x-request-id': 'py-raise-1' });
    assert.equal(res.status, 500);
    assert.equal(res.headers.get('x-ms-run-function-failed'), 'True');
    assert.deepEqual(await json(res), { message: 'An unexpected error occurred in scoring script. Check the logs for more info.' });
    assert.ok(svc.logs.some((l) => l.includes('[py-raise-1]') && l.includes('ValueError: the script failed on purpose')));
  });

  test('request_headers is a dict of the request headers', async () => {
    const res = await post(svc.url, '{"ask": "headers"}', { 'content-type': 'application/json', TraceId: 't-1', 'x-custom-header': 'v' });
    assert.deepEqual(await json(res), { trace: 't-1', custom: 'v' });
  });

  test('AML_APP_ROOT is on sys.path, credentials never reach the script', async () => {
    const res = (await json(await post(svc.url, '{"ask": "env"}'))) as { appRoot: string; pathTail: string[]; keys: string[] };
    assert.equal(res.appRoot, process.cwd());
    assert.ok(res.pathTail.includes(process.cwd()));
    assert.deepEqual(res.keys, []);
  });

  test('swagger of an undecorated run() documents an object body', async () => {
    const doc = (await json(await fetch(`${svc.url}/swagger.json`))) as { definitions: { ServiceInput: unknown } };
    assert.deepEqual(doc.definitions.ServiceInput, { type: 'object' });
  });

  test('a worker that crashes fails its request with a 502; the next request is served by a new worker', async () => {
    const first = (await json(await post(svc.url, '{"ask": "pid"}'))) as { pid: number };
    const crash = await post(svc.url, '{"ask": "exit"}');
    assert.equal(crash.status, 502);
    assert.match(((await json(crash)) as { message: string }).message, /exited while scoring this request \(exit code 7\); a new worker is starting/);
    const next = await post(svc.url, '{"ask": "pid"}');
    assert.equal(next.status, 200);
    const body = (await json(next)) as { pid: number; init: number };
    assert.notEqual(body.pid, first.pid);
    assert.equal(body.init, 1, 'the new worker ran init() once too');
  });
});

describe('schema-typed run() (inference-schema decorators)', { skip: noScientific(['numpy', 'pandas']) }, () => {
  let svc: RunningService;
  before(async () => {
    svc = await startService({ entryScript: script('schema.py') }, env(scientific(['numpy', 'pandas'])));
  });
  after(() => svc?.close());
  // The frame is converted to the sample's dtypes, so its string column has whatever dtype this pandas gives strings.
  const stringDtype = (): string => pandasStringDtype(scientific(['numpy', 'pandas']) as TestPython);
  const good = { data: [[1.9, 2, 3, 4]], frame: [{ a: 1, b: 'y' }], scale: 2, extra: 'ignored' };

  test('named parameters from the JSON keys, converted by their parameter types; extra keys ignored', async () => {
    const res = await post(svc.url, JSON.stringify(good));
    assert.equal(res.status, 200);
    assert.deepEqual(await json(res), { total: 20, dtype: 'int64', shape: [1, 4], frameTypes: ['float64', stringDtype()], frameColumns: ['a', 'b'], mode: 'sum', hasHeaders: true });
  });

  test('415 without a JSON content type; 400 for a missing parameter, an empty body, a body that is not a dictionary', async () => {
    const noJson = await post(svc.url, JSON.stringify(good), { 'content-type': 'text/plain' });
    assert.equal(noJson.status, 415);
    assert.deepEqual(await json(noJson), { message: 'Expects Content-Type to be application/json' });
    const plusJson = await post(svc.url, JSON.stringify(good), { 'content-type': 'application/vnd.x+json' });
    assert.equal(plusJson.status, 200);
    const missing = await post(svc.url, JSON.stringify({ data: [[1, 2, 3, 4]], frame: [] }));
    assert.equal(missing.status, 400);
    assert.deepEqual(await json(missing), { message: "A value is not provided for the 'scale' parameter." });
    assert.deepEqual(await json(await post(svc.url, '  ')), { message: 'POST body is empty. Expecting a JSON dictionary.' });
    assert.deepEqual(await json(await post(svc.url, '[1]')), { message: 'POST body should be a JSON dictionary.' });
    assert.match(((await json(await post(svc.url, '{oops'))) as { message: string }).message, /^POST body could not be decoded as JSON: /);
  });

  test('conversion failures happen inside run(): a wrong shape or type is a 500 from the script', async () => {
    const shape = await post(svc.url, JSON.stringify({ ...good, data: [[1, 2, 3]] }));
    assert.equal(shape.status, 500);
    assert.equal(shape.headers.get('x-ms-run-function-failed'), 'True');
    const type = await post(svc.url, JSON.stringify({ ...good, scale: 'two' }));
    assert.equal(type.status, 500);
    assert.ok(svc.logs.some((l) => /Invalid input data/.test(l)));
  });

  test('swagger is generated from the decorators\' samples', async () => {
    const doc = (await json(await fetch(`${svc.url}/swagger.json`))) as { definitions: { ServiceInput: { example: unknown; properties: Record<string, unknown> }; ServiceOutput: { example: unknown } } };
    assert.deepEqual(doc.definitions.ServiceInput.example, { data: [[1, 2, 3, 4]], frame: [{ a: 1.5, b: 'x' }], scale: 1.0, mode: 'sum' });
    assert.deepEqual(Object.keys(doc.definitions.ServiceInput.properties), ['data', 'frame', 'scale', 'mode']);
    assert.deepEqual(doc.definitions.ServiceOutput.example, { total: 10 });
  });
});

describe('nested parameter types (Inputs / GlobalParameters)', { skip: noScientific(['numpy', 'pandas']) }, () => {
  let svc: RunningService;
  before(async () => {
    svc = await startService({ entryScript: script('nested.py') }, env(scientific(['numpy', 'pandas'])));
  });
  after(() => svc?.close());

  test('nested types convert their values; plain values inside lists are not checked', async () => {
    const res = await post(svc.url, JSON.stringify({ Inputs: { data: [[1, 2]] }, GlobalParameters: { labels: ['not', 'floats'] } }));
    assert.equal(res.status, 200);
    assert.deepEqual(await json(res), { type: 'ndarray', sum: 3, labels: ['not', 'floats'] });
  });
});

describe('@rawhttp run(request) with AMLResponse', { skip: skipUnlessPython() }, () => {
  let svc: RunningService;
  before(async () => {
    svc = await startService({ entryScript: script('raw.py') }, env());
  });
  after(() => svc?.close());

  test('the request has Flask\'s surface: bytes, get_json, headers', async () => {
    const res = await post(svc.url, '{"k": 1}', { 'content-type': 'application/json' });
    assert.deepEqual(await json(res), { isBytes: true, length: 8, json: { k: 1 }, ct: 'application/json', type: 'AMLRequest' });
    const bin = await post(svc.url, Buffer.from([0, 1, 2, 255]), { 'content-type': 'image/png' });
    assert.deepEqual(await json(bin), { isBytes: true, length: 4, json: null, ct: 'image/png', type: 'AMLRequest' });
  });

  test('GET reaches run() with args; AMLResponse(json_str=True) is sent as JSON', async () => {
    const res = await fetch(`${svc.url}/score?x=1&x=2&y=z`);
    assert.equal(res.status, 200);
    assert.deepEqual(await json(res), { args: { x: ['1', '2'], y: ['z'] }, path: '/score', full: '/score?x=1&x=2&y=z' });
  });

  test('multipart uploads arrive in files and form', async () => {
    const form = new FormData();
    form.append('note', 'hello');
    form.append('image', new Blob([Buffer.from('PNGDATA')], { type: 'image/png' }), 'sneaker.png');
    const res = await fetch(`${svc.url}/score?kind=files`, { method: 'POST', body: form });
    assert.deepEqual(await json(res), { filename: 'sneaker.png', size: 7, field: 'hello' });
  });

  test('AMLResponse status and headers are sent as they are; comma values become repeated headers; >= 500 sets run-function-failed', async () => {
    const res = await fetch(`${svc.url}/score?kind=teapot`, { method: 'POST', body: 'x' });
    assert.equal(res.status, 418);
    assert.equal(await res.text(), 'short and stout');
    assert.equal(res.headers.get('x-multi'), 'a, b');
    assert.equal(res.headers.get('content-type'), 'text/plain');
    assert.equal(res.headers.get('x-ms-run-function-failed'), 'False');
    const broken = await fetch(`${svc.url}/score?kind=broken`, { method: 'POST', body: 'x' });
    assert.equal(broken.status, 503);
    assert.equal(broken.headers.get('x-ms-run-function-failed'), 'True');
    assert.equal(await broken.text(), 'upstream broke');
  });

  test('swagger of a raw run() takes any body', async () => {
    const doc = (await json(await fetch(`${svc.url}/swagger.json`))) as { consumes: string[] };
    assert.deepEqual(doc.consumes, ['*/*']);
  });
});

describe('timeouts inside run()', { skip: skipUnlessPython() }, () => {
  let svc: RunningService;
  before(async () => {
    svc = await startService({ entryScript: script('timeout.py'), timeoutMs: '300' }, env());
  });
  after(() => svc?.close());

  test('TimeoutError is raised inside run(): uncaught, it is the 500 "Scoring timeout after N ms"', async () => {
    const res = await post(svc.url, '{"ask": "sleep"}');
    assert.equal(res.status, 500);
    assert.equal(res.headers.get('x-ms-run-function-failed'), 'True');
    assert.deepEqual(await json(res), { message: 'Scoring timeout after 300 ms' });
  });

  test('a script that catches it answers as it likes, as under the reference server', async () => {
    const res = await post(svc.url, '{"ask": "swallow"}');
    assert.equal(res.status, 200);
    assert.deepEqual(await json(res), { swallowed: 'Scoring timeout after 300 ms' });
  });

  test('a worker that never returns is killed after the grace period; the next request is served', async () => {
    const res = await post(svc.url, '{"ask": "stuck"}');
    assert.equal(res.status, 500);
    assert.deepEqual(await json(res), { message: 'Scoring timeout after 300 ms' });
    assert.ok(svc.logs.some((l) => /killing its Python worker/.test(l)));
    const next = await post(svc.url, '{"ask": "fine"}');
    assert.equal(next.status, 200);
    assert.deepEqual(await json(next), { ok: true });
  });
});

describe('the scoring timeout counts from each run\'s own start', { skip: skipUnlessPython() }, () => {
  let svc: RunningService;
  before(async () => {
    svc = await startService({ entryScript: script('timeout.py'), timeoutMs: '1000' }, env());
  });
  after(() => svc?.close());

  test('a run that starts while an earlier run\'s alarm is pending is not cut at that alarm', async () => {
    // The worker keeps one alarm pending across runs (handler.py, _RunTimer): the first run's fires about 400 ms
    // into the nap, which must go on to its end (700 ms, inside its own 1,000 ms).
    assert.equal((await post(svc.url, '{"ask": "fine"}')).status, 200);
    await new Promise((r) => setTimeout(r, 600));
    const nap = await post(svc.url, '{"ask": "nap", "seconds": 0.7}');
    assert.equal(nap.status, 200);
    assert.deepEqual(await json(nap), { napped: 0.7 });
    const over = await post(svc.url, '{"ask": "sleep"}');
    assert.equal(over.status, 500);
    assert.deepEqual(await json(over), { message: 'Scoring timeout after 1000 ms' });
    const after = await post(svc.url, '{"ask": "fine"}');
    assert.deepEqual(await json(after), { ok: true });
  });

  test('a script that cancels the alarm and takes SIGALRM for itself does not disable the timeout', async () => {
    const { pid } = (await json(await post(svc.url, '{"ask": "pid"}'))) as { pid: number };
    assert.deepEqual(await json(await post(svc.url, '{"ask": "take-alarm"}')), { took: true });
    const over = await post(svc.url, '{"ask": "sleep"}');
    assert.equal(over.status, 500);
    assert.deepEqual(await json(over), { message: 'Scoring timeout after 1000 ms' });
    // Raised inside run() by the worker itself, not the kill that follows a timeout ignored: the same worker answers.
    assert.deepEqual(await json(await post(svc.url, '{"ask": "pid"}')), { pid });
  });
});

describe('Python workers', { skip: skipUnlessPython() }, () => {
  test('--workers 2: two requests run at once in two processes, each of which ran init() once', async () => {
    const svc = await startService({ entryScript: script('plain.py'), python: { workers: '2' } }, env());
    try {
      const flag = join(mkdtempSync(join(tmpdir(), 'modelport-py-flag-')), 'flag');
      const headers = { 'content-type': 'application/json', 'x-flag-file': flag };
      const waiting = post(svc.url, '{"ask": "wait"}', headers).then(json) as Promise<{ pid: number; sawOther: boolean }>;
      const signalling = (await json(await post(svc.url, '{"ask": "signal"}', headers))) as { pid: number };
      const waited = await waiting;
      assert.equal(waited.sawOther, true, 'the second request ran while the first was still in run()');
      assert.notEqual(waited.pid, signalling.pid);
      const bodies = (await Promise.all(Array.from({ length: 4 }, () => post(svc.url, '{"ask": "pid"}').then(json)))) as Array<{ pid: number; init: number }>;
      assert.ok(bodies.every((b) => b.init === 1));
      rmSync(dirname(flag), { recursive: true, force: true });
      assert.ok(svc.logs.some((l) => /plain run\(\); 2 worker\(s\), Python \d+\.\d+/.test(l)));
    } finally {
      await svc.close();
    }
  });

  test('models are laid out as Azure does: AZUREML_MODEL_DIR and Model.get_model_path find the file under its own name', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'modelport-py-models-'));
    writeFileSync(join(dir, 'model.pkl'), 'pickled');
    const svc = await startService({ entryScript: script('models.py'), model: [`clf=${join(dir, 'model.pkl')}`] }, env());
    try {
      const body = (await json(await post(svc.url, '{}'))) as { modelDir: string; path: string; listing: string[]; content: string };
      assert.match(body.modelDir, /\/azureml-models\/clf\/1$/);
      assert.equal(body.path, join(body.modelDir, 'model.pkl'));
      assert.deepEqual(body.listing, ['model.pkl']);
      assert.equal(body.content, 'pickled');
    } finally {
      await svc.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('the script\'s folder is not on sys.path; AZUREML_SOURCE_DIRECTORY is', async () => {
    const svc = await startService({ entryScript: 'score.py', sourceDir: script('sibling') }, env());
    try {
      assert.equal(await (await post(svc.url, '{}')).text(), '"from the source directory"');
    } finally {
      await svc.close();
    }
    await rejects(startService({ entryScript: script('sibling/score.py') }, env()), InitFailedError, /No module named 'helper_module'/);
  });
});

describe('start-up failures', { skip: skipUnlessPython() }, () => {
  const cases: Array<[string, RegExp]> = [
    ['import_error.py', /failed while loading: ModuleNotFoundError: No module named 'a_module_nobody_installed'/],
    ['init_raises.py', /init\(\) raised RuntimeError: the model file is corrupt/],
    ['varargs.py', /run\(\) cannot take \*args/],
    ['headers_only.py', /run\(\) must take at least one parameter \(the input\) besides request_headers/],
    ['no_init.py', /must define init\(\)/],
  ];
  for (const [file, message] of cases) {
    test(`${file}: the service does not start (${message.source.slice(0, 40)}…)`, async () => {
      await rejects(startService({ entryScript: script(file) }, env()), InitFailedError, message);
    });
  }

  test('an interpreter that does not exist is a configuration error naming it', async () => {
    await rejects(startService({ entryScript: script('plain.py'), python: { python: '/nonexistent/python3' } }, env()), ConfigError, /\/nonexistent\/python3/);
  });

  test('modelport serve exits with code 3 when init() raises, as the reference server does', async () => {
    const run = runCli(['serve', '--port', '0', '--entry-script', script('init_raises.py')], env());
    assert.equal(await run.exit, 3);
    assert.match(run.output(), /the model file is corrupt/);
  });
});
