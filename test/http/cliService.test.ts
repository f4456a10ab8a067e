// The whole lifecycle through the built CLI, as a CI pipeline would run it.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { runCli } from '../helpers/spawnServe';

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

async function cli(args: string[], env: NodeJS.ProcessEnv): Promise<Result> {
  const run = runCli(args, env);
  let stdout = '';
  let stderr = '';
  run.child.stdout?.on('data', (c: Buffer) => (stdout += c.toString()));
  run.child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
  const code = await run.exit;
  return { code, stdout, stderr };
}

describe('modelport service lifecycle through the CLI', () => {
  let ws: string;
  let env: NodeJS.ProcessEnv;
  before(async () => {
    ws = mkdtempSync(join(tmpdir(), 'mp-cli-svc-'));
    env = { MODELPORT_WORKSPACE: ws };
    for (let i = 0; i < 2; i++) assert.equal((await cli(['model', 'register', 'samples/fashion-mnist', '--name', 'fashion'], env)).code, 0);
  });
  after(async () => {
    await cli(['service', 'delete', 'fashion-svc', '--yes'], env);
    rmSync(ws, { recursive: true, force: true });
  });

  test('deploy version 1 with key auth: progress on stderr, Healthy with URIs on stdout', async () => {
    const r = await cli(['service', 'deploy', 'fashion-svc', '--model', 'fashion:1', '--auth', 'key'], env);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /Loaded model fashion:1/);
    assert.match(r.stdout, /^fashion-svc {2}Healthy$/m);
    assert.match(r.stdout, /scoring URI: {2}http:\/\/127\.0\.0\.1:\d+\/score/);
    assert.match(r.stdout, /auth: {9}key \(modelport service keys fashion-svc\)/);
  });

  test('invoke uses the key and prints the prediction; a direct call without it gets 401', async () => {
    const r = await cli(['invoke', 'fashion-svc', '--file', 'samples/fashion-mnist/images/trouser.png'], env);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /^200 OK in [\d.]+ ms \(server [\d.]+ ms, request id [0-9a-f-]{36}\)$/m);
    assert.equal((JSON.parse(r.stdout) as { predictions: Array<Array<{ label: string }>> }).predictions[0]![0]!.label, 'Trouser');
    const show = JSON.parse((await cli(['service', 'show', 'fashion-svc', '--json'], env)).stdout) as { scoringUri: string; state: string };
    assert.equal(show.state, 'Healthy');
    const denied = await fetch(show.scoringUri, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"data": []}' });
    assert.equal(denied.status, 401);
  });

  test('update to version 2 while a loop of requests runs: zero failures, same URI', async () => {
    const show = JSON.parse((await cli(['service', 'show', 'fashion-svc', '--json'], env)).stdout) as { scoringUri: string };
    const keys = JSON.parse((await cli(['service', 'keys', 'fashion-svc', '--json'], env)).stdout) as { primaryKey: string };
    let running = true;
    const statuses: number[] = [];
    // One blank 1×28×28 image as a tensor: the batch dimension is added by the service.
    const blank = [Array.from({ length: 28 }, () => new Array<number>(28).fill(0))];
    const body = JSON.stringify({ data: blank });
    const loop = async (): Promise<void> => {
      while (running) {
        const res = await fetch(show.scoringUri, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${keys.primaryKey}` }, body }).catch(() => undefined);
        statuses.push(res?.status ?? -1);
        await res?.arrayBuffer();
      }
    };
    const loops = [loop(), loop()];
    const r = await cli(['service', 'update', 'fashion-svc', '--model', 'fashion:2', '--json'], env);
    running = false;
    await Promise.all(loops);
    assert.equal(r.code, 0, r.stderr);
    const updated = JSON.parse(r.stdout) as { scoringUri: string; models: string[]; state: string };
    assert.deepEqual([updated.state, updated.scoringUri, updated.models], ['Healthy', show.scoringUri, ['fashion:2']]);
    assert.ok(statuses.length > 5);
    assert.deepEqual([...new Set(statuses)], [200]);
  });

  test('logs, list --json, and the model in use cannot be deleted', async () => {
    const logs = await cli(['service', 'logs', 'fashion-svc', '--tail', '50'], env);
    assert.equal(logs.code, 0);
    assert.match(logs.stdout, /POST \/score 200/);
    assert.ok(logs.stdout.split('\n').length <= 51);
    const list = JSON.parse((await cli(['service', 'list', '--json'], env)).stdout) as { services: Array<{ name: string; state: string }> };
    assert.deepEqual(list.services.map((s) => [s.name, s.state]), [['fashion-svc', 'Healthy']]);
    const refused = await cli(['model', 'delete', 'fashion:2', '--yes'], env);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /fashion-svc/);
  });

  test('bad inputs: unknown model, bad reference, broken config with its location, unknown service, init() failure', async () => {
    const unknown = await cli(['service', 'deploy', 'x-svc', '--model', 'nope:1'], env);
    assert.equal(unknown.code, 4);
    assert.match(unknown.stderr, /nope/);
    const badRef = await cli(['service', 'deploy', 'x-svc', '--model', 'a:b:c'], env);
    assert.equal(badRef.code, 2);
    const config = join(ws, 'deploymentconfig.json');
    writeFileSync(config, '{\n  "computeType": "local",\n  "prot": 5000\n}\n');
    const broken = await cli(['service', 'deploy', 'x-svc', '--model', 'fashion:1', '--deployment-config', config], env);
    assert.equal(broken.code, 2);
    assert.match(broken.stderr, /deploymentconfig\.json:3:3: unknown property "prot" \(did you mean "port"\?\)/);
    const missing = await cli(['service', 'show', 'ghost-svc'], env);
    assert.equal(missing.code, 4);
    assert.match(missing.stderr, /There is no service named 'ghost-svc'/);
    const init = await cli(['service', 'deploy', 'init-svc', '--entry-script', resolve('test/fixtures/entry-scripts/initThrows.js')], env);
    assert.equal(init.code, 1);
    assert.match(init.stderr, /Deployment of 'init-svc' failed/);
    assert.match(init.stderr, /cannot load weights from \/nowhere/);
    assert.match(init.stderr, /modelport service logs init-svc'\. Fix the cause, then deploy again with 'modelport service deploy init-svc … --overwrite'/, 'the advice names the service and a command that can fix a failed deploy');
    assert.equal((await cli(['service', 'delete', 'init-svc', '--yes'], env)).code, 0);
  });

  test('delete without --yes in a pipe is refused; with --yes it stops the service', async () => {
    const refused = await cli(['service', 'delete', 'fashion-svc'], env);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /needs confirmation: pass --yes/);
    const show = JSON.parse((await cli(['service', 'show', 'fashion-svc', '--json'], env)).stdout) as { scoringUri: string };
    const deleted = await cli(['service', 'delete', 'fashion-svc', '--yes'], env);
    assert.equal(deleted.code, 0);
    await assert.rejects(fetch(show.scoringUri.replace('/score', '/')));
  });
});
