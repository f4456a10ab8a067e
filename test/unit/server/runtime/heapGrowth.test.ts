// The server's heap growth: kept when the process was started with its own, and a flag this Node's V8 knows
// (setFlagsFromString ignores an unknown one without a word, so a rename in a Node upgrade would go unseen).
// Its effect is measured by the bench (BENCHMARKS.md), not here: it shows only under a server's steady load.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { heapGrowingPercent, heapGrowthFlag } from '../../../../src/server/runtime/heapGrowth';

test('the growth is set unless the node arguments or NODE_OPTIONS choose their own', () => {
  assert.equal(heapGrowthFlag([], undefined), `--heap-growing-percent=${heapGrowingPercent}`);
  assert.equal(heapGrowthFlag(['--enable-source-maps'], '--max-old-space-size=512'), `--heap-growing-percent=${heapGrowingPercent}`);
  assert.equal(heapGrowthFlag(['--heap-growing-percent=50'], undefined), undefined);
  assert.equal(heapGrowthFlag([], '--max-old-space-size=512 --heap_growing_percent=20'), undefined);
});

test("this Node's V8 has the flag", () => {
  const r = spawnSync(process.execPath, ['--v8-options'], { encoding: 'utf8', timeout: 30_000 });
  assert.equal(r.status, 0, r.stderr);
  const name = (heapGrowthFlag([], undefined) ?? '').split('=')[0] ?? '';
  assert.match(r.stdout, new RegExp(`^\\s*${name}\\b`, 'm'));
});
