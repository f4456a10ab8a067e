// The CLI tells the truth, once: what a new user meets on their first mistakes and first service — unknown flags
// and commands with a suggestion, a taken name or port named with what to do, stop/start, a stopped service
// called, one line per result, --json where a script wants it, and logs that tell an update's generations apart.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { runCli } from '../helpers/spawnServe';

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

async function cli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Result> {
  const run = runCli(args, env);
  let stdout = '';
  let stderr = '';
  run.child.stdout?.on('data', (c: Buffer) => (stdout += c.toString()));
  run.child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
  const code = await run.exit;
  return { code, stdout, stderr };
}

const sneaker = resolve('samples/fashion-mnist/images/sneaker.png');

describe('mistakes get one line and a suggestion', () => {
  test('an unknown option names the command and the documented flag it resembles', async () => {
    const r = await cli(['service', 'deploy', 'x-svc', '--modle', 'fashion']);
    assert.equal(r.code, 2);
    assert.equal(r.stderr, "modelport: Unknown option '--modle' for 'modelport service deploy'. Did you mean '--model'?\nRun 'modelport service deploy --help' for usage.\n");
    const serve = await cli(['serve', '--prot', '5001']);
    assert.equal(serve.code, 2);
    assert.match(serve.stderr, /^modelport: Unknown option '--prot' for 'modelport serve'\. Did you mean '--port'\?$/m);
    const invoke = await cli(['invoke', 'x-svc', '--dta', '{}']);
    assert.match(invoke.stderr, /Did you mean '--data'\?/);
    const far = await cli(['model', 'list', '--zzzzzz']);
    assert.match(far.stderr, /^modelport: Unknown option '--zzzzzz' for 'modelport model list'\.$/m, 'no suggestion when nothing is close');
  });

  test('an unknown command says modelport:, what was meant, and where the list is', async () => {
    const r = await cli(['servce', 'list']);
    assert.equal(r.code, 2);
    assert.equal(r.stderr, "modelport: Unknown command 'servce'. Did you mean 'modelport service'?\nRun 'modelport --help' to see the commands.\n");
  });

  test('the top-level help lists every service and model verb, from the verbs themselves', async () => {
    const r = await cli(['--help']);
    assert.equal(r.code, 0);
    const text = r.stdout.replace(/\s+/g, ' ');
    for (const verb of ['deploy', 'list', 'show', 'logs', 'update', 'stop', 'start', 'delete', 'keys', 'regen-key', 'token', 'export-dockerfile']) assert.match(text, new RegExp(`\\b${verb}\\b`), verb);
    for (const verb of ['register', 'download']) assert.match(text, new RegExp(`\\b${verb}\\b`), verb);
  });
});

describe('a service from deploy to stop and start', () => {
  let ws: string;
  let env: NodeJS.ProcessEnv;
  before(async () => {
    ws = mkdtempSync(join(tmpdir(), 'mp-cli-truth-'));
    env = { MODELPORT_WORKSPACE: ws };
    for (let i = 0; i < 2; i++) assert.equal((await cli(['model', 'register', 'samples/fashion-mnist', '--name', 'fashion'], env)).code, 0);
  });
  after(async () => {
    for (const name of ['truth-svc', 'other-svc']) await cli(['service', 'delete', name, '--yes'], env);
    rmSync(ws, { recursive: true, force: true });
  });

  test("deploy: the progress shows the instance's port as private, never as a second scoring URI", async () => {
    const r = await cli(['service', 'deploy', 'truth-svc', '--model', 'fashion:1'], env);
    assert.equal(r.code, 0, r.stderr);
    const uri = /scoring URI: {2}(http:\/\/127\.0\.0\.1:\d+)\/score/.exec(r.stdout)?.[1];
    assert.ok(uri, r.stdout);
    assert.doesNotMatch(r.stderr, /Scoring service listening/);
    assert.match(r.stderr, new RegExp(`Instance listening: http://127\\.0\\.0\\.1:\\d+/ \\(private; the service answers at ${uri.replace(/\./g, '\\.')}/score\\)`));
  });

  test('a taken name and a taken port are refused before anything is created, naming what to do', async () => {
    const again = await cli(['service', 'deploy', 'truth-svc', '--model', 'fashion:1'], env);
    assert.equal(again.code, 1);
    assert.equal(again.stderr.split('\n').filter((l) => l.startsWith('modelport:')).length, 1, 'one error line');
    assert.match(again.stderr, /^modelport: A service named 'truth-svc' already exists\.\nUpdate it in place with 'modelport service update truth-svc', replace it with 'modelport service deploy truth-svc … --overwrite', or remove it with 'modelport service delete truth-svc --yes'\.\n$/);
    const port = (JSON.parse((await cli(['service', 'show', 'truth-svc', '--json'], env)).stdout) as { target: { port: number } }).target.port;
    const clash = await cli(['service', 'deploy', 'other-svc', '--model', 'fashion:1', '--port', String(port)], env);
    assert.equal(clash.code, 1);
    assert.match(clash.stderr, new RegExp(`^modelport: Port ${port} is in use by service 'truth-svc'\\. Deploy with another port, or stop that service first \\('modelport service stop truth-svc'\\)\\.$`, 'm'));
    assert.doesNotMatch(clash.stderr, /Created service/);
    const list = JSON.parse((await cli(['service', 'list', '--json'], env)).stdout) as { services: Array<{ name: string }> };
    assert.deepEqual(list.services.map((s) => s.name), ['truth-svc'], 'no record was left for the refused deploy');
  });

  test('stop keeps the service; invoke says it is Stopped and how to start it; start brings it back on the same URI', async () => {
    const before = JSON.parse((await cli(['service', 'show', 'truth-svc', '--json'], env)).stdout) as { scoringUri: string };
    const stopped = await cli(['service', 'stop', 'truth-svc', '--json'], env);
    assert.equal(stopped.code, 0, stopped.stderr);
    assert.equal((JSON.parse(stopped.stdout) as { state: string }).state, 'Stopped');
    const call = await cli(['invoke', 'truth-svc', '--file', sneaker], env);
    assert.equal(call.code, 1);
    assert.match(call.stderr, /^modelport: Service 'truth-svc' is Stopped: Stopped by request\. Start it again with 'modelport service start truth-svc'\.$/m);
    assert.doesNotMatch(call.stderr, /fetch failed/);
    const started = await cli(['service', 'start', 'truth-svc', '--json'], env);
    assert.equal(started.code, 0, started.stderr);
    const after = JSON.parse(started.stdout) as { state: string; scoringUri: string };
    assert.equal(after.state, 'Healthy');
    assert.equal(after.scoringUri, before.scoringUri);
  });

  test('invoke --json gives status, timings, request id and the parsed answer', async () => {
    const r = await cli(['invoke', 'truth-svc', '--file', sneaker, '--json'], env);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { status: number; latencyMs: number; serverMs: number; requestId: string; contentType: string; body: { predictions: Array<Array<{ label: string }>> } };
    assert.equal(out.status, 200);
    assert.ok(out.latencyMs > 0 && out.serverMs > 0);
    assert.match(out.requestId, /^[0-9a-f-]{36}$/);
    assert.match(out.contentType, /application\/json/);
    assert.equal(out.body.predictions[0]![0]!.label, 'Sneaker');
  });

  test('after an update the log tells the generations apart; logs --json parses each line', async () => {
    assert.equal((await cli(['service', 'update', 'truth-svc', '--model', 'fashion:2', '-q'], env)).code, 0);
    assert.equal((await cli(['invoke', 'truth-svc', '--file', sneaker], env)).code, 0);
    const text = await cli(['service', 'logs', 'truth-svc'], env);
    assert.match(text.stdout, /^\[gen 1\] \S+ INFO .*POST \/score 200/m);
    assert.match(text.stdout, /^\[gen 2\] \S+ INFO .*POST \/score 200/m);
    const json = await cli(['service', 'logs', 'truth-svc', '--json'], env);
    const lines = json.stdout.trim().split('\n').map((l) => JSON.parse(l) as { source: string; generation?: number; requestId?: string; message: string; level?: string });
    const scored = lines.filter((l) => l.source === 'instance' && /^POST \/score 200/.test(l.message));
    assert.deepEqual([...new Set(scored.map((l) => l.generation))], [1, 2]);
    assert.ok(scored.every((l) => /^[0-9a-f-]{36}$/.test(l.requestId ?? '') && l.level === 'INFO'));
    assert.ok(lines.some((l) => l.source === 'host' && /generation 2 is serving/.test(l.message)));
  });

  test('a failed deploy prints the log once (as progress), then the reason and advice that names the service', async () => {
    const r = await cli(['service', 'deploy', 'other-svc', '--entry-script', resolve('test/fixtures/entry-scripts/initThrows.js')], env);
    assert.equal(r.code, 1);
    assert.equal(r.stderr.match(/cannot load weights from \/nowhere/g)?.length, 1, 'the init() error appears once');
    assert.doesNotMatch(r.stderr, /last lines of the service log/);
    const quiet = await cli(['service', 'deploy', 'other-svc', '--overwrite', '-q', '--entry-script', resolve('test/fixtures/entry-scripts/initThrows.js')], env);
    assert.equal(quiet.code, 1);
    assert.match(quiet.stderr, /--- last lines of the service log ---[\s\S]*cannot load weights from \/nowhere/, 'with --quiet the tail is the only place the log appears');
  });

  test('delete prints one line', async () => {
    const r = await cli(['service', 'delete', 'other-svc', '--yes'], env);
    assert.equal(r.code, 0);
    assert.equal(r.stdout, 'Deleted service other-svc\n');
    assert.doesNotMatch(r.stderr, /Deleted/);
  });
});
