// package.json and the registration table agree: every command is contributed with the Modelport category,
// every contributed command is registered, menus only name known commands, schemas exist.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { commandTable } from '../../../src/vscode/commands/commandTable';
import { testerCommands } from '../../../src/vscode/webviews/testerIds';

/** The table's commands and the endpoint tester's, which registers its own. */
const registered = [...Object.keys(commandTable), ...Object.values(testerCommands)];

interface Manifest {
  main: string;
  contributes: {
    commands: Array<{ command: string; title: string; category: string }>;
    menus: Record<string, Array<{ command?: string; submenu?: string }>>;
    jsonValidation: Array<{ url: string }>;
    viewsWelcome: Array<{ view: string; contents: string }>;
  };
}
const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as Manifest;

test('contributed commands and the registration table are the same set, all in the Modelport category', () => {
  assert.deepEqual(pkg.contributes.commands.map((c) => c.command).sort(), [...registered].sort());
  for (const c of pkg.contributes.commands) {
    assert.equal(c.category, 'Modelport');
    assert.match(c.command, /^modelport\.[a-z]+\.[a-zA-Z]+$/);
  }
});

test('menus name only contributed commands', () => {
  const known = new Set(registered);
  for (const [menu, items] of Object.entries(pkg.contributes.menus)) {
    for (const i of items) if (i.command) assert.ok(known.has(i.command), `${menu}: ${i.command}`);
  }
});

test('the welcome view offers "Register a Model…" and "Open the Sample"', () => {
  const text = pkg.contributes.viewsWelcome.map((w) => w.contents).join('\n');
  assert.match(text, /\[Register a Model…\]\(command:modelport\.model\.register\)/);
  assert.match(text, /\[Open the Sample\]\(command:modelport\.workspace\.openSample\)/);
});

test('jsonValidation points at schema files that exist', () => {
  for (const v of pkg.contributes.jsonValidation) assert.ok(existsSync(v.url), v.url);
});
