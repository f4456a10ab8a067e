// The terminal's `modelport` launcher, run for real: it passes every argument through untouched, runs its CLI with
// ELECTRON_RUN_AS_NODE=1 by the Node it names, survives quotes and spaces in paths, and runs the bundled CLI.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, test } from 'node:test';
import { cliLauncher, writeCliLauncher } from '../../../src/vscode/cliLauncher';

const dir = mkdtempSync(join(tmpdir(), "modelport-launcher it's-"));
after(() => rmSync(dir, { recursive: true, force: true }));

test('passes arguments through untouched, with ELECTRON_RUN_AS_NODE=1, from a folder whose name has a quote and a space', async () => {
  const cli = join(dir, 'echo cli.js');
  writeFileSync(cli, 'console.log(JSON.stringify({ argv: process.argv.slice(2), electron: process.env.ELECTRON_RUN_AS_NODE }));\n');
  const launcher = await writeCliLauncher(join(dir, 'bin'), process.execPath, cli, 'linux');
  assert.equal(statSync(launcher).mode & 0o777, 0o755);
  const r = spawnSync(launcher, ['a b', '$HOME', "it's", '*'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout), { argv: ['a b', '$HOME', "it's", '*'], electron: '1' });
});

test('runs the bundled CLI (npm run build first)', async () => {
  const launcher = await writeCliLauncher(join(dir, 'real'), process.execPath, resolve('dist/cli.js'), 'linux');
  const r = spawnSync(launcher, ['version'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim(), (JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version);
});

test('Windows gets a .cmd that sets the variable and passes %*', () => {
  const l = cliLauncher('win32', 'C:\\Program Files\\Code\\Code.exe', 'C:\\ext\\dist\\cli.js');
  assert.equal(l.fileName, 'modelport.cmd');
  assert.equal(l.content, '@echo off\r\nset ELECTRON_RUN_AS_NODE=1\r\n"C:\\Program Files\\Code\\Code.exe" "C:\\ext\\dist\\cli.js" %*\r\n');
});
