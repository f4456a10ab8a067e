// Real processes: the registry's concurrency and crash guarantees are about separate processes sharing a
// workspace, which no in-process test can show.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, stat, utimes, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { ModelRegistry } from '../../../../src/core/registry/modelRegistry';
import { withTempDir } from './tempDir';

const fixture = resolve(__dirname, '../../../fixtures/registry/registerChild.ts');
const repoRoot = resolve(__dirname, '../../../..');

interface Child {
  proc: ChildProcess;
  /** Resolves with the first stdout line equal to `line`. */
  waitFor(line: string): Promise<void>;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
}

function startChild(args: string[], env: Record<string, string>): Child {
  const proc = spawn(process.execPath, ['--import', 'tsx', fixture, ...args], { cwd: repoRoot, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  const waiters: Array<{ line: string; resolve: () => void }> = [];
  proc.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    for (const w of [...waiters]) if (stdout.split('\n').includes(w.line)) w.resolve();
  });
  proc.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>((res) =>
    proc.on('exit', (code, signal) => res({ code, signal, stdout, stderr })),
  );
  return {
    proc,
    exit,
    waitFor: (line) =>
      new Promise<void>((res, rej) => {
        if (stdout.split('\n').includes(line)) return res();
        waiters.push({ line, resolve: res });
        void exit.then((e) => rej(new Error(`child exited (${e.code ?? e.signal}) before printing "${line}": ${e.stderr}`)));
      }),
  };
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

test('four processes registering the same name at once get versions 1-4 with complete folders', { timeout: 60_000 }, () =>
  withTempDir(async (dir) => {
    const workspace = join(dir, 'ws');
    const source = join(dir, 'weights.bin');
    const bytes = randomBytes(2 * 1024 * 1024);
    await writeFile(source, bytes);
    const goFile = join(dir, 'go');
    const children = Array.from({ length: 4 }, () => startChild([workspace, source, 'raced'], { MODELPORT_TEST_GO_FILE: goFile }));
    try {
      // Start them together: each has loaded tsx and the registry before any begins to register.
      await Promise.all(children.map((c) => c.waitFor('ready')));
      await writeFile(goFile, '');
      const results = await Promise.all(children.map((c) => c.exit));
      for (const r of results) assert.equal(r.code, 0, r.stderr);
      const reported = results.map((r) => JSON.parse(r.stdout.trim().split('\n').at(-1) ?? '') as { version: number; path: string });
      assert.deepEqual(reported.map((r) => r.version).sort(), [1, 2, 3, 4]);
      assert.equal(new Set(reported.map((r) => r.path)).size, 4);

      const registry = new ModelRegistry(workspace);
      const { models, problems } = await registry.list();
      assert.deepEqual(problems, []);
      assert.deepEqual(models.map((m) => m.version), [1, 2, 3, 4]);
      for (const m of models) {
        assert.equal(m.sha256, sha256(bytes));
        assert.deepEqual(await readFile(join(m.path, 'weights.bin')), bytes);
      }
      assert.deepEqual(await readdir(join(workspace, 'models', '.staging')), []);
    } finally {
      for (const c of children) c.proc.kill('SIGKILL');
    }
  }));

test('a process killed mid-registration leaves no visible version; the next register gets version 1', { timeout: 60_000 }, () =>
  withTempDir(async (dir) => {
    const workspace = join(dir, 'ws');
    const source = join(dir, 'big.bin');
    // 50 MB, random-ish and cheap to make: one random MiB repeated with a varying first byte.
    const mib = randomBytes(1024 * 1024);
    await writeFile(source, Buffer.concat(Array.from({ length: 50 }, (_, i) => Buffer.concat([Buffer.from([i]), mib.subarray(1)]))));
    const child = startChild([workspace, source, 'big'], { MODELPORT_TEST_PAUSE_AFTER_BYTES: String(8 * 1024 * 1024) });
    try {
      await child.waitFor('paused');
      const stagingRoot = join(workspace, 'models', '.staging');
      const [staged] = await readdir(stagingRoot);
      assert.ok(staged, 'the child has a staging folder');
      const partial = await stat(join(stagingRoot, staged, 'big.bin'));
      assert.ok(partial.size > 0 && partial.size < 50 * 1024 * 1024, `partial copy (${partial.size} bytes)`);
      child.proc.kill('SIGKILL');
      const exit = await child.exit;
      assert.equal(exit.signal, 'SIGKILL');

      const registry = new ModelRegistry(workspace);
      assert.deepEqual(await registry.list(), { models: [], problems: [] });
      assert.equal(existsSync(join(workspace, 'models', 'big')), false);
      await assert.rejects(registry.get('big'), /not registered/);

      // Its process is gone (and ran in this pid namespace, as the folder's name says): the next registration
      // removes the leftover at once, however young it is.
      const small = join(dir, 'small.bin');
      await writeFile(small, 'small');
      assert.equal((await registry.register({ source: small, name: 'big' })).version, 1);
      assert.deepEqual(await readdir(stagingRoot), [], 'no staging folder lingers');
      // A folder whose pid cannot be checked here (another namespace, or an older layout) waits for the hour rule.
      const foreign = join(stagingRoot, `${staged.split('-')[0]}-x`);
      await mkdir(foreign);
      assert.equal((await registry.register({ source: small, name: 'big' })).version, 2);
      assert.ok(existsSync(foreign));
      const old = new Date(Date.now() - 2 * 60 * 60 * 1000);
      await utimes(foreign, old, old);
      assert.equal((await registry.register({ source: small, name: 'big' })).version, 3);
      assert.deepEqual(await readdir(stagingRoot), []);
    } finally {
      child.proc.kill('SIGKILL');
    }
  }));
