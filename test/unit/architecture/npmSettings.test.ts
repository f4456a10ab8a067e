// The project's npm settings are ones npm knows: npm 11 warns on every command about an unknown .npmrc key
// (and says it will stop honouring it). onnxruntime-node's CUDA download is refused through package.json's
// allowScripts instead (README, "Dependencies worth a word").
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';

test('npm reads this project\'s settings without a warning', () => {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^npm_/i.test(k)) env[k] = v; // not the ones npm test passes down
  const r = spawnSync('npm', ['config', 'get', 'fund'], { encoding: 'utf8', env });
  assert.equal(r.status, 0, r.stderr);
  assert.doesNotMatch(r.stderr, /warn/i, r.stderr);
});
