// The filesystem pieces the registry stands on: staging cleanup, atomic writes, hashed copies.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { copyFileHashed } from '../../../../src/core/fs/copyHashed';
import { writeFileAtomic } from '../../../../src/core/fs/atomicWrite';
import { removeStaleStaging } from '../../../../src/core/registry/staging';
import { withTempDir } from './tempDir';

test('stale staging cleanup removes only old folders of dead processes', () =>
  withTempDir(async (dir) => {
    const root = join(dir, '.staging');
    const deadPid = 2 ** 22 + 12345; // above Linux's pid_max default range
    const names = { oldDead: `${deadPid}-a`, youngDead: `${deadPid}-b`, oldAlive: `${process.pid}-c` };
    for (const name of Object.values(names)) await mkdir(join(root, name), { recursive: true });
    const old = new Date(Date.now() - 2 * 60 * 60 * 1000);
    await utimes(join(root, names.oldDead), old, old);
    await utimes(join(root, names.oldAlive), old, old);
    const removed = await removeStaleStaging(dir);
    assert.deepEqual(removed, [join(root, names.oldDead)]);
    assert.deepEqual((await readdir(root)).sort(), [names.oldAlive, names.youngDead].sort());
    assert.deepEqual(await removeStaleStaging(join(dir, 'absent')), []);
  }));

test('writeFileAtomic replaces content and leaves no temporary file', () =>
  withTempDir(async (dir) => {
    const file = join(dir, 'record.json');
    await writeFileAtomic(file, 'one');
    await writeFileAtomic(file, 'two');
    assert.equal(await readFile(file, 'utf8'), 'two');
    assert.deepEqual(await readdir(dir), ['record.json']);
  }));

test('copyFileHashed copies, hashes, reports progress and never overwrites', () =>
  withTempDir(async (dir) => {
    const from = join(dir, 'a.bin');
    const bytes = Buffer.alloc(300_000, 3);
    await writeFile(from, bytes);
    const seen: number[] = [];
    const result = await copyFileHashed(from, join(dir, 'b.bin'), { onProgress: (n) => seen.push(n) });
    assert.deepEqual(result, { size: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') });
    assert.deepEqual(await readFile(join(dir, 'b.bin')), bytes);
    assert.equal(seen.at(-1), bytes.length);
    await assert.rejects(copyFileHashed(from, join(dir, 'b.bin')), /EEXIST/);
  }));
