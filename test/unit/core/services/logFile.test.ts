import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { followLines, tailLines } from '../../../../src/core/services/logFile';

const dir = mkdtempSync(join(tmpdir(), 'modelport-logfile-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('followLines gives the lines appended after the offset, and once aborted reads the file one last time', { timeout: 10_000 }, async () => {
  const file = join(dir, 'follow.log');
  writeFileSync(file, 'before\n');
  const { size } = await tailLines(file, 0);
  const stop = new AbortController();
  const seen: string[] = [];
  // A long interval: without the last read, the lines appended just before the abort would be lost.
  const pump = (async () => {
    for await (const line of followLines(file, size, stop.signal, 60_000)) seen.push(line);
  })();
  await new Promise((r) => setTimeout(r, 50));
  appendFileSync(file, 'one\ntwo\nhalf a li');
  stop.abort();
  await pump;
  assert.deepEqual(seen, ['one', 'two'], 'the complete lines written before the abort, not the partial one nor what came before the offset');
});

test('followLines on a missing file ends when aborted, giving nothing', { timeout: 10_000 }, async () => {
  const stop = new AbortController();
  stop.abort();
  const seen: string[] = [];
  for await (const line of followLines(join(dir, 'missing.log'), 0, stop.signal)) seen.push(line);
  assert.deepEqual(seen, []);
});
