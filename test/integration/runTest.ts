// The same integration suites through @vscode/test-electron, for contributors whose machine can download
// VS Code (it cannot here: use `npm run test:integration`, which runs them in code-server's real host).
//   npm run build && npx tsx test/integration/runTest.ts
import { cpSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runTests } from '@vscode/test-electron';

async function main(): Promise<void> {
  const root = resolve(__dirname, '..', '..');
  const project = mkdtempSync(join(tmpdir(), 'modelport-project-'));
  mkdirSync(join(project, 'fashion'));
  for (const f of ['model.onnx', 'model.json', 'labels.txt', 'images/sneaker.png']) {
    cpSync(join(root, 'samples', 'fashion-mnist', f), join(project, 'fashion', f.replace('images/', '')));
  }
  await runTests({
    version: '1.100.3',
    extensionDevelopmentPath: root,
    extensionTestsPath: join(root, 'out', 'test', 'integration', 'index'),
    launchArgs: [project, '--disable-extensions', '--disable-workspace-trust'],
  });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
