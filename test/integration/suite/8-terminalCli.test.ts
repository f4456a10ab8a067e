// The extension puts its `modelport` on the PATH of the editor's integrated terminals: a new terminal finds the
// launcher, and the launcher runs the bundled CLI with the editor's own Node.
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { activateModelport, screenshot, waitUntil } from './helpers';

suite('modelport in the integrated terminal', () => {
  test('a new terminal runs the bundled modelport from the launcher the extension put on PATH', async () => {
    const api = await activateModelport();
    const launcherDir = await api.terminalCli();
    assert.ok(launcherDir, 'the launcher was written (see the Modelport log)');
    const out = join(await mkdtemp(join(tmpdir(), 'modelport-terminal-')), 'out.txt');
    // The script reads its output file from the environment: no path is pasted into the shell's text.
    const terminal = vscode.window.createTerminal({
      name: 'modelport on PATH',
      shellPath: '/bin/sh',
      shellArgs: ['-c', '{ command -v modelport; modelport version; } > "$OUT.part" 2>&1; mv "$OUT.part" "$OUT"'],
      env: { OUT: out },
    });
    try {
      await waitUntil('the terminal to run modelport', async () => (existsSync(out) ? true : undefined), 60_000);
      const [where, version] = readFileSync(out, 'utf8').trim().split('\n');
      assert.equal(where, join(launcherDir, 'modelport'));
      assert.equal(version, (vscode.extensions.getExtension('modelport.modelport')?.packageJSON as { version: string }).version);
    } finally {
      terminal.dispose();
    }
  });

  test('an interactive terminal shows modelport --help (screenshot)', async () => {
    const terminal = vscode.window.createTerminal({ name: 'modelport' });
    try {
      terminal.show();
      terminal.sendText('modelport --help');
      // The help's last line: its first ("Usage: modelport") has scrolled out of the panel's rows by then, so waiting
      // for it always ran into the runner's 15 s bound.
      assert.ok(await screenshot('terminal-modelport-help.png', ['.xterm-rows:has-text("130 cancelled")']));
    } finally {
      terminal.dispose();
    }
  });
});
