// `modelport model …` as a real process (the built dist/cli.js), on a temporary workspace.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { runCli } from '../helpers/spawnServe';

const sample = resolve('samples/fashion-mnist/model.onnx');
const sampleSha = createHash('sha256').update(readFileSync(sample)).digest('hex');
const ESC = '\u001b';

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

const temps: string[] = [];
function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  temps.push(dir);
  return dir;
}
after(() => temps.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** Every output of every run, checked at the end for escape sequences (all runs here are piped). */
const allOutput: string[] = [];

async function model(workspace: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<Result> {
  const run = runCli(['model', ...args], { MODELPORT_WORKSPACE: workspace, ...env });
  let stdout = '';
  let stderr = '';
  run.child.stdout?.on('data', (c: Buffer) => (stdout += c.toString()));
  run.child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
  const closed = once(run.child, 'close'); // after 'exit', once stdout and stderr are drained
  const code = await run.exit;
  await closed;
  allOutput.push(stdout, stderr);
  return { code, stdout, stderr };
}

function assertExit(r: Result, code: number): void {
  assert.equal(r.code, code, `exit ${r.code}, expected ${code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
}

function metaFile(workspace: string, name: string, version: number): string {
  return join(workspace, 'models', name, String(version), 'model.meta.json');
}

describe('modelport model: register, list, show, download, delete', () => {
  let ws: string;
  before(async () => {
    ws = tempDir('mp-cli-ws-');
    const first = await model(ws, ['register', sample, '--name', 'fashion', '--description', 'CNN v1', '--tag', 'stage=dev', '--property', 'accuracy=0.9077']);
    assertExit(first, 0);
    assert.match(first.stdout, /^Registered fashion:1 \(sha256 [0-9a-f]{12}…, 415 KB, onnx: image float32 \[batch,1,28,28\] → logits float32 \[batch,10\]\)\n$/);
    assert.ok(first.stdout.includes(sampleSha.slice(0, 12)), first.stdout);
    const second = await model(ws, ['register', sample, '--name', 'fashion', '--json']);
    assertExit(second, 0);
    const record = JSON.parse(second.stdout) as { id: string; version: number; sha256: string; size: number };
    assert.deepEqual([record.id, record.version, record.sha256, record.size], ['fashion:2', 2, sampleSha, 424892]);
  });

  test('register records description, tags and properties', () => {
    const meta = JSON.parse(readFileSync(metaFile(ws, 'fashion', 1), 'utf8')) as { description: string; tags: object; properties: object };
    assert.equal(meta.description, 'CNN v1');
    assert.deepEqual(meta.tags, { stage: 'dev' });
    assert.deepEqual(meta.properties, { accuracy: '0.9077' });
  });

  test('list prints a table with one row per version', async () => {
    const r = await model(ws, ['list']);
    assertExit(r, 0);
    const [header, ...rows] = r.stdout.trimEnd().split('\n').map((l) => l.split(/\s{2,}/).map((c) => c.trim()));
    assert.deepEqual(header, ['NAME', 'VERSION', 'FRAMEWORK', 'SIZE', 'CREATED', 'DESCRIPTION']);
    assert.deepEqual(rows.map((row) => row.slice(0, 4)), [
      ['fashion', '1', 'onnx', '415 KB'],
      ['fashion', '2', 'onnx', '415 KB'],
    ]);
    assert.equal(rows[0]?.[5], 'CNN v1');
    assert.match(rows[0]?.[4] ?? '', /^\d{4}-\d\d-\d\d \d\d:\d\d$/);
    assert.equal(r.stderr, '');
  });

  test('list --json gives {models, problems} with full records', async () => {
    const r = await model(ws, ['list', '--json']);
    assertExit(r, 0);
    const doc = JSON.parse(r.stdout) as { models: Array<{ id: string; sha256: string; signature: unknown }>; problems: unknown[] };
    assert.deepEqual(doc.models.map((m) => m.id), ['fashion:1', 'fashion:2']);
    assert.ok(doc.models.every((m) => m.sha256 === sampleSha && m.signature));
    assert.deepEqual(doc.problems, []);
  });

  test('list --name filters; a name with no versions lists nothing and says so', async () => {
    const r = await model(ws, ['list', '--name', 'fashion', '--json']);
    assertExit(r, 0);
    assert.equal((JSON.parse(r.stdout) as { models: unknown[] }).models.length, 2);
    const none = await model(ws, ['list', '--name', 'other']);
    assertExit(none, 0);
    assert.equal(none.stdout, '');
    assert.match(none.stderr, /No versions of model "other" are registered/);
  });

  test('show by name, name:1 and name:latest', async () => {
    const byName = await model(ws, ['show', 'fashion']);
    assertExit(byName, 0);
    assert.match(byName.stdout, /^fashion:2\n/);
    const one = await model(ws, ['show', 'fashion:1']);
    assertExit(one, 0);
    assert.match(one.stdout, /^fashion:1\n/);
    assert.match(one.stdout, /description +CNN v1/);
    assert.match(one.stdout, /tags +stage=dev/);
    assert.match(one.stdout, /properties +accuracy=0\.9077/);
    assert.match(one.stdout, /Signature\n {2}inputs\n {4}image float32 \[batch,1,28,28\]\n {2}outputs\n {4}logits float32 \[batch,10\]/);
    assert.match(one.stdout, new RegExp(`Files \\(1\\)\\n.*\\n {2}model\\.onnx +415 KB +${sampleSha}`));
    const latest = await model(ws, ['show', 'fashion:latest', '--json']);
    assertExit(latest, 0);
    assert.equal((JSON.parse(latest.stdout) as { id: string }).id, 'fashion:2');
  });

  test('download writes identical bytes, refuses to overwrite unless --overwrite', async () => {
    const target = join(tempDir('mp-cli-dl-'), 'out');
    const r = await model(ws, ['download', 'fashion:1', '--target', target]);
    assertExit(r, 0);
    assert.match(r.stdout, /^Downloaded fashion:1 \(1 file, 415 KB\) to /);
    assert.deepEqual(readFileSync(join(target, 'model.onnx')), readFileSync(sample));
    const again = await model(ws, ['download', 'fashion:1', '--target', target]);
    assertExit(again, 1);
    assert.match(again.stderr, /already exists/);
    assert.match(again.stderr, /Pass --overwrite/);
    writeFileSync(join(target, 'model.onnx'), 'stale');
    const forced = await model(ws, ['download', 'fashion', '--target', target, '--overwrite', '--json']);
    assertExit(forced, 0);
    assert.deepEqual(JSON.parse(forced.stdout), { id: 'fashion:2', target, files: [join(target, 'model.onnx')] });
    assert.deepEqual(readFileSync(join(target, 'model.onnx')), readFileSync(sample));
  });

  test('download needs --target', async () => {
    const r = await model(ws, ['download', 'fashion:1']);
    assertExit(r, 2);
    assert.match(r.stderr, /needs --target DIR/);
  });

  test('every verb answers --help with its usage and exit code 0', async () => {
    for (const verb of ['register', 'list', 'show', 'download', 'delete']) {
      const r = await model(ws, [verb, '--help']);
      assertExit(r, 0);
      assert.match(r.stdout, new RegExp(`^Usage: modelport model ${verb} `));
    }
    const noun = await model(ws, ['--help']);
    assertExit(noun, 0);
    assert.match(noun.stdout, /Exit codes: 0 success; 1 failure[\s\S]*2 bad usage[\s\S]*4 no such model or version/);
  });
});

/** A complete service record (src/core/services/types.ts ServiceRecord), as `service deploy` writes one. */
function serviceRecord(name: string, models: string[]): object {
  const now = new Date().toISOString();
  const uri = 'http://127.0.0.1:5001';
  return { name, computeType: 'local', models, authMode: 'none', port: 5001, corsOrigins: [], timeoutMs: 60000, scoringUri: `${uri}/score`, swaggerUri: `${uri}/swagger.json`, createdTime: now, updatedTime: now, generation: 1 };
}

describe('modelport model delete', () => {
  test('refused with the service names while a service record uses the version, allowed with --yes otherwise', async () => {
    const ws = tempDir('mp-cli-del-');
    assertExit(await model(ws, ['register', sample, '--name', 'fashion']), 0);
    assertExit(await model(ws, ['register', sample, '--name', 'fashion']), 0);
    for (const [service, models] of [['web', ['fashion:1']], ['batch', ['iris:3', 'fashion:1']], ['other', ['fashion:2x']]] as const) {
      mkdirSync(join(ws, 'services', service), { recursive: true });
      writeFileSync(join(ws, 'services', service, 'service.json'), JSON.stringify(serviceRecord(service, [...models])));
    }
    const refused = await model(ws, ['delete', 'fashion:1', '--yes']);
    assertExit(refused, 1);
    assert.match(refused.stderr, /^modelport: Model fashion:1 is used by services batch, web\./);
    assert.match(refused.stderr, /modelport service list/);
    assert.ok(existsSync(metaFile(ws, 'fashion', 1)), 'version 1 must survive a refused delete');

    const unconfirmed = await model(ws, ['delete', 'fashion:2']);
    assertExit(unconfirmed, 2);
    assert.match(unconfirmed.stderr, /Deleting fashion:2 needs confirmation: pass --yes/);
    assert.ok(existsSync(metaFile(ws, 'fashion', 2)));

    const deleted = await model(ws, ['delete', 'fashion:latest', '--yes']);
    assertExit(deleted, 0);
    assert.equal(deleted.stdout, 'Deleted fashion:2\n');
    assert.ok(!existsSync(join(ws, 'models', 'fashion', '2')));
    assertExit(await model(ws, ['show', 'fashion:2']), 4);
  });

  test('a bare name is refused (exit 2); an unreadable service record refuses the delete naming the file', async () => {
    const ws = tempDir('mp-cli-del2-');
    assertExit(await model(ws, ['register', sample, '--name', 'm']), 0);
    const bare = await model(ws, ['delete', 'm', '--yes']);
    assertExit(bare, 2);
    assert.match(bare.stderr, /Say which version of "m" to delete/);
    const record = join(ws, 'services', 'svc', 'service.json');
    mkdirSync(join(ws, 'services', 'svc'), { recursive: true });
    writeFileSync(record, '{"name": "svc", "models": [');
    const r = await model(ws, ['delete', 'm:1', '--yes', '--json']);
    assertExit(r, 2);
    assert.ok(r.stderr.includes(record), r.stderr);
    assert.ok(existsSync(metaFile(ws, 'm', 1)));
    rmSync(join(ws, 'services'), { recursive: true });
    const ok = await model(ws, ['delete', 'm:1', '--yes', '--json']);
    assertExit(ok, 0);
    assert.deepEqual(JSON.parse(ok.stdout), { deleted: 'm:1' });
  });
});

describe('modelport model: bad input', () => {
  let ws: string;
  before(async () => {
    ws = tempDir('mp-cli-bad-');
    assertExit(await model(ws, ['register', sample, '--name', 'fashion']), 0);
  });

  test('unknown model or version: exit 4, the message, and a hint', async () => {
    const r = await model(ws, ['show', 'nope']);
    assertExit(r, 4);
    assert.equal(r.stderr, `modelport: Model "nope" is not registered. Registered models: fashion.\nRun 'modelport model list' to see registered models.\n`);
    const v = await model(ws, ['download', 'fashion:9', '--target', join(ws, 'x')]);
    assertExit(v, 4);
    assert.match(v.stderr, /Model "fashion" has no version 9\. Known versions: 1\./);
    assertExit(await model(ws, ['delete', 'nope:1', '--yes']), 4);
  });

  test('bad reference a:b:c: exit 2 on every verb that takes one', async () => {
    for (const args of [['show', 'a:b:c'], ['download', 'a:b:c', '--target', 'x'], ['delete', 'a:b:c', '--yes']]) {
      const r = await model(ws, args);
      assertExit(r, 2);
      assert.match(r.stderr, /^modelport: Bad model reference "a:b:c": expected NAME, NAME:VERSION or NAME:latest/);
      assert.match(r.stderr, new RegExp(`Run 'modelport model ${args[0]} --help' for usage\\.`));
    }
  });

  test('missing source file: exit 2, nothing registered', async () => {
    const r = await model(ws, ['register', join(ws, 'missing.onnx'), '--name', 'ghost']);
    assertExit(r, 2);
    assert.match(r.stderr, /Model source .*missing\.onnx does not exist/);
    assert.ok(!existsSync(join(ws, 'models', 'ghost')));
  });

  test('usage errors: unknown flag, missing --name, bad --tag, bad name, extra argument, unknown verb: exit 2', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['list', '--bogus'], /Unknown option '--bogus'/],
      [['register', sample, '--name', 'x', '--frobnicate'], /Unknown option '--frobnicate'/],
      [['register', sample], /needs --name NAME/],
      [['register', sample, '--name', 'x', '--tag', 'novalue'], /--tag expects KEY=VALUE, got 'novalue'/],
      [['register', sample, '--name', '.hidden'], /Invalid model name "\.hidden"/],
      [['show', 'fashion', 'extra'], /takes one .*got also: extra/],
      [['show'], /needs a model REF/],
      [['lst'], /Unknown verb 'lst'[\s\S]*Did you mean 'modelport model list'/],
    ];
    for (const [args, message] of cases) {
      const r = await model(ws, args);
      assertExit(r, 2);
      assert.match(r.stderr, message);
    }
    assert.ok(!existsSync(join(ws, 'models', 'x')), 'a rejected register writes nothing');
  });

  test('an explicit workspace that does not exist is exit 2, naming it; --workspace wins over the environment', async () => {
    const missing = join(ws, 'no-such-workspace');
    const r = await model(missing, ['list']);
    assertExit(r, 2);
    assert.match(r.stderr, /Workspace .*no-such-workspace \(from MODELPORT_WORKSPACE\) does not exist/);
    const other = tempDir('mp-cli-other-');
    assertExit(await model(ws, ['register', sample, '--name', 'elsewhere', '--workspace', other]), 0);
    assert.ok(existsSync(metaFile(other, 'elsewhere', 1)));
    assert.ok(!existsSync(join(ws, 'models', 'elsewhere')));
    const listed = await model(ws, ['list', '--json', '--workspace', other]);
    assert.deepEqual((JSON.parse(listed.stdout) as { models: Array<{ id: string }> }).models.map((m) => m.id), ['elsewhere:1']);
  });
});

describe('modelport model: damaged metadata', () => {
  test('list reports the damaged file on stderr, still lists the rest, exits 0; show of that version names the file (exit 2)', async () => {
    const ws = tempDir('mp-cli-corrupt-');
    for (let i = 0; i < 3; i++) assertExit(await model(ws, ['register', sample, '--name', 'fashion']), 0);
    const broken = metaFile(ws, 'fashion', 2);
    writeFileSync(broken, '{"schemaVersion": 1, "name": "fash');

    const table = await model(ws, ['list']);
    assertExit(table, 0);
    assert.deepEqual(table.stdout.trimEnd().split('\n').slice(1).map((l) => l.split(/\s+/).slice(0, 2).join(':')), ['fashion:1', 'fashion:3']);
    assert.ok(table.stderr.includes(`modelport: skipped a damaged version: Model metadata ${broken} is not valid JSON`), table.stderr);
    assert.match(table.stderr, /Remove it with 'modelport model delete fashion:2 --yes'/);

    const json = await model(ws, ['list', '--json']);
    assertExit(json, 0);
    const doc = JSON.parse(json.stdout) as { models: Array<{ id: string }>; problems: Array<{ file: string; message: string }> };
    assert.deepEqual(doc.models.map((m) => m.id), ['fashion:1', 'fashion:3']);
    assert.deepEqual(doc.problems.map((p) => p.file), [broken]);

    const show = await model(ws, ['show', 'fashion:2']);
    assertExit(show, 2);
    assert.ok(show.stderr.includes(broken), show.stderr);
    assert.match(show.stderr, /modelport model delete fashion:2 --yes/);

    // The damaged version can still be deleted, and then nothing is left to report.
    assertExit(await model(ws, ['delete', 'fashion:2', '--yes']), 0);
    const clean = await model(ws, ['list', '--json']);
    assert.deepEqual((JSON.parse(clean.stdout) as { problems: unknown[] }).problems, []);
  });

  test('list exits 1 when every version found is damaged', async () => {
    const ws = tempDir('mp-cli-allbad-');
    assertExit(await model(ws, ['register', sample, '--name', 'only']), 0);
    writeFileSync(metaFile(ws, 'only', 1), '{}');
    const r = await model(ws, ['list']);
    assertExit(r, 1);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /only\/1\/model\.meta\.json is invalid at \/schemaVersion/);
  });
});

describe('modelport model: progress and piped output', () => {
  test('a large registration prints plain progress lines at each quarter when piped', async () => {
    const ws = tempDir('mp-cli-big-');
    const source = tempDir('mp-cli-bigsrc-');
    writeFileSync(join(source, 'weights.bin'), Buffer.alloc(6 * 1024 * 1024, 7));
    writeFileSync(join(source, 'notes.txt'), 'hello');
    const r = await model(ws, ['register', source, '--name', 'big']);
    assertExit(r, 0);
    assert.match(r.stdout, /^Registered big:1 \(sha256 [0-9a-f]{12}…, 6\.0 MB, custom\)\n$/);
    const lines = r.stderr.trimEnd().split('\n');
    assert.ok(lines.length >= 2 && lines.length <= 5, r.stderr);
    assert.ok(lines.every((l) => /^Registering big: \d+% \([\d.]+ [KMB]+ of 6\.0 MB\) \S+$/.test(l)), r.stderr);
    assert.match(lines.at(-1) ?? '', /^Registering big: 100% \(6\.0 MB of 6\.0 MB\) weights\.bin$/);
    assert.ok(!r.stderr.includes('\r'), 'no carriage-return redraws when piped');
  });

  test('a small registration prints no progress at all', async () => {
    const r = await model(tempDir('mp-cli-small-'), ['register', sample, '--name', 'small']);
    assertExit(r, 0);
    assert.equal(r.stderr, '');
  });

  test('a description holding an escape sequence is printed inert', async () => {
    const ws = tempDir('mp-cli-esc-');
    assertExit(await model(ws, ['register', sample, '--name', 'esc', '--description', `red ${ESC}[31mtext`]), 0);
    const r = await model(ws, ['list']);
    assert.match(r.stdout, /red \\u001b\[31mtext/);
    const json = await model(ws, ['list', '--json']);
    assert.equal((JSON.parse(json.stdout) as { models: Array<{ description: string }> }).models[0]?.description, `red ${ESC}[31mtext`);
  });

  // Runs last (tests in a file run in order): every output above came through pipes.
  test('no output of any run above carries an ANSI escape code', () => {
    assert.ok(allOutput.length > 40, `expected the runs above to be recorded, got ${allOutput.length}`);
    const dirty = allOutput.filter((o) => o.includes(ESC));
    assert.deepEqual(dirty, []);
  });
});
