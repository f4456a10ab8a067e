// Secrets stay secret (issue 14, class 8): the inference config's environment values are owner-only on disk and
// masked in show/list/deploy output unless asked for; keys and the token secret live outside the workspace (which
// users commit), owner-only, and keys of an older layout move out on first use.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ServiceStore } from '../../src/core/services/serviceStore';
import { runCli } from '../helpers/spawnServe';

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(join(dir, e.name)) : [join(dir, e.name)]));
}

describe('secrets', () => {
  let ws: string;
  let state: string;
  const name = `secret-${randomBytes(3).toString('hex')}`;
  const secret = `tok-${randomBytes(12).toString('hex')}`;
  const cli = (args: string[]) => runCli([...args, '--workspace', ws], { MODELPORT_STATE_DIR: state });

  before(async () => {
    ws = mkdtempSync(join(tmpdir(), 'mp-secrets-'));
    state = mkdtempSync(join(tmpdir(), 'mp-state-'));
    // This process reads the same state folder as the CLI it runs.
    process.env.MODELPORT_STATE_DIR = state;
    const src = join(ws, '..', `${name}-src`);
    mkdirSync(src, { recursive: true });
    writeFileSync(join(src, 'score.js'), readFileSync(resolve('test/fixtures/entry-scripts/echo.js')));
    writeFileSync(join(src, 'inferenceconfig.json'), JSON.stringify({ entryScript: 'score.js', environment: { variables: { API_TOKEN: secret } } }));
    const deploy = cli(['service', 'deploy', name, '--inference-config', join(src, 'inferenceconfig.json'), '--auth', 'key', '--json']);
    assert.equal(await deploy.exit, 0, deploy.output());
    assert.ok(!deploy.output().includes(secret), 'deploy --json masks the value');
  });
  after(async () => {
    await cli(['service', 'delete', name, '--yes']).exit;
    rmSync(ws, { recursive: true, force: true });
    rmSync(state, { recursive: true, force: true });
    delete process.env.MODELPORT_STATE_DIR;
  });

  test('environment values: owner-only record, masked in show and list unless --show-secrets', async () => {
    const store = new ServiceStore(ws);
    assert.equal(statSync(store.recordFile(name)).mode & 0o777, 0o600);
    const show = cli(['service', 'show', name, '--json']);
    await show.exit;
    assert.ok(!show.output().includes(secret));
    assert.deepEqual((JSON.parse(show.output()) as { environment: { variables: Record<string, string> } }).environment.variables, { API_TOKEN: '***' });
    const list = cli(['service', 'list', '--json']);
    await list.exit;
    assert.ok(!list.output().includes(secret));
    const shown = cli(['service', 'show', name, '--json', '--show-secrets']);
    await shown.exit;
    assert.equal((JSON.parse(shown.output()) as { environment: { variables: Record<string, string> } }).environment.variables.API_TOKEN, secret);
    // The instance still gets the real value.
    const host = await store.readHostState(name);
    assert.ok(readFileSync(`/proc/${host?.instancePid}/environ`, 'utf8').split('\0').includes(`API_TOKEN=${secret}`));
  });

  test('keys and the token secret are nowhere in the workspace; they are owner-only in the state folder', async () => {
    const keysOut = cli(['service', 'keys', name, '--json']);
    await keysOut.exit;
    const { primaryKey } = JSON.parse(keysOut.output()) as { primaryKey: string };
    for (const file of filesUnder(ws)) assert.ok(!readFileSync(file, 'latin1').includes(primaryKey), `${file} holds no key`);
    const keysFile = new ServiceStore(ws).keysFile(name);
    assert.ok(keysFile.startsWith(state), keysFile);
    assert.equal(statSync(keysFile).mode & 0o777, 0o600);
    const res = await fetch(JSON.parse((await (async () => { const s = cli(['service', 'show', name, '--json']); await s.exit; return s; })()).output()).scoringUri, { method: 'POST', headers: { authorization: `Bearer ${primaryKey}`, 'content-type': 'application/json' }, body: '{"a":1}' });
    assert.equal(res.status, 200);
    await res.arrayBuffer();
  });

  test('keys of the older layout (inside the workspace) move out on first use', async () => {
    const store = new ServiceStore(ws);
    const keys = JSON.parse(readFileSync(store.keysFile(name), 'utf8')) as Record<string, string>;
    rmSync(store.keysFile(name));
    writeFileSync(store.legacyKeysFile(name), JSON.stringify(keys), { mode: 0o600 });
    const out = cli(['service', 'keys', name, '--json']);
    assert.equal(await out.exit, 0, out.output());
    assert.equal((JSON.parse(out.output()) as { primaryKey: string }).primaryKey, keys.primaryKey);
    assert.ok(!existsSync(store.legacyKeysFile(name)), 'the old file is gone from the workspace');
    assert.ok(existsSync(store.keysFile(name)));
  });
});
