// Where the browser tests find their Chromium: MODELPORT_CHROMIUM first, then PATH; without one, a single line
// saying what to install.
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { findChromium } from '../../helpers/chromium';

const dir = mkdtempSync(join(tmpdir(), 'modelport-chromium-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function fakeBrowser(path: string): string {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, '#!/bin/sh\n');
  chmodSync(path, 0o755);
  return path;
}

test('MODELPORT_CHROMIUM wins over PATH, and a wrong one is named', () => {
  const mine = fakeBrowser(join(dir, 'mine', 'chrome'));
  const onPath = fakeBrowser(join(dir, 'bin', 'chromium'));
  assert.deepEqual(findChromium({ MODELPORT_CHROMIUM: mine, PATH: join(dir, 'bin') }), { path: mine });
  assert.deepEqual(findChromium({ PATH: join(dir, 'bin') }), { path: onPath });
  assert.deepEqual(findChromium({ MODELPORT_CHROMIUM: join(dir, 'nothing'), PATH: join(dir, 'bin') }), { missing: `MODELPORT_CHROMIUM=${join(dir, 'nothing')} is not an executable file` });
});

test('other names on PATH are found; a file that is not executable is not', () => {
  const chrome = fakeBrowser(join(dir, 'chrome-bin', 'google-chrome'));
  assert.deepEqual(findChromium({ PATH: `${join(dir, 'empty')}:${join(dir, 'chrome-bin')}` }), { path: chrome });
  mkdirSync(join(dir, 'not-x'));
  writeFileSync(join(dir, 'not-x', 'chromium'), '');
  const none = findChromium({ PATH: join(dir, 'not-x') });
  assert.ok('missing' in none);
  assert.match(none.missing, /^no Chromium found: install Debian's chromium \(apt-get install chromium\) or set MODELPORT_CHROMIUM/);
  assert.doesNotMatch(none.missing, /\n/, 'one line');
});
