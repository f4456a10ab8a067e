// The rooms of the code are enforced by ESLint (eslint.config.mjs): a file that crosses one fails the lint. These
// tests lint imports as if they stood in each room, through the project's own config, and check the verdicts.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ESLint } from 'eslint';

const eslint = new ESLint({ cwd: process.cwd() });

/** The messages of the room rules for `code` placed at `filePath`. */
async function roomErrors(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(`${code}\nexport const used = x;\n`, { filePath });
  return (result?.messages ?? []).filter((m) => m.ruleId === '@typescript-eslint/no-restricted-imports').map((m) => m.message);
}

test('src/core imports nothing outside src/core, nor vscode', async () => {
  assert.match((await roomErrors('src/core/services/x.ts', "import { x } from '../../server/app';"))[0] ?? '', /src\/core is shared/);
  assert.match((await roomErrors('src/core/x.ts', "import { x } from '../serviceHost/proxy';"))[0] ?? '', /src\/core is shared/);
  assert.match((await roomErrors('src/core/a/b/x.ts', "import { x } from '../../../vscode/settings';"))[0] ?? '', /src\/core is shared/);
  assert.match((await roomErrors('src/core/x.ts', "import * as x from 'vscode';"))[0] ?? '', /VS Code-free/);
  assert.deepEqual(await roomErrors('src/core/services/x.ts', "import { x } from '../errors';"), []);
  assert.deepEqual(await roomErrors('src/core/x.ts', "import x from 'sharp';"), [], 'core may load sharp (lazily, where it is used)');
});

test('the extension never imports the server or the service host, nor heavy packages as values', async () => {
  assert.match((await roomErrors('src/extension.ts', "import { x } from './server/models/modelSet';"))[0] ?? '', /never loads the server/);
  assert.match((await roomErrors('src/vscode/webviews/x.ts', "import { x } from '../../serviceHost/proxy';"))[0] ?? '', /never loads the server/);
  assert.match((await roomErrors('src/vscode/x.ts', "import x from 'sharp';"))[0] ?? '', /must not load in the extension host/);
  assert.match((await roomErrors('src/vscode/x.ts', "import { x } from 'onnxruntime-node';"))[0] ?? '', /must not load in the extension host/);
  assert.deepEqual(await roomErrors('src/vscode/x.ts', "import type x from 'sharp';"), [], 'types are erased');
  assert.deepEqual(await roomErrors('src/vscode/webviews/x.ts', "import { x } from '../../core/client/send';"), []);
});

test('the webview shares only src/core and src/protocol; the server and the host stay apart', async () => {
  assert.match((await roomErrors('webview/tester/x.ts', "import { x } from '../../src/server/app';"))[0] ?? '', /runs in the browser/);
  assert.deepEqual(await roomErrors('webview/tester/x.ts', "import { x } from '../../src/protocol/tester';"), []);
  assert.match((await roomErrors('src/server/x.ts', "import { x } from '../serviceHost/proxy';"))[0] ?? '', /stands on src\/core alone/);
  assert.match((await roomErrors('src/serviceHost/x.ts', "import { x } from '../server/app';"))[0] ?? '', /does not link the server in/);
});
