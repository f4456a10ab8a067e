// extensionTestsPath module: VS Code calls run() inside the extension host. Runs every *.test.js bundled
// next to this file (scripts/build.mjs) with mocha, and prints the tally the runner reads (test/integration/host).
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import Mocha from 'mocha';

export function run(): Promise<void> {
  // MODELPORT_GREP=… runs only the matching tests (the extension host inherits the runner's environment).
  const mocha = new Mocha({ ui: 'tdd', color: false, timeout: 120_000, grep: process.env.MODELPORT_GREP || undefined });
  for (const f of readdirSync(__dirname).sort()) if (f.endsWith('.test.js')) mocha.addFile(join(__dirname, f));
  return new Promise((resolve, reject) => {
    const runner = mocha.run((failures) => {
      const s = runner.stats;
      console.log(`__VSHOST_RESULT__ ${JSON.stringify({ passes: s?.passes ?? 0, failures, pending: s?.pending ?? 0 })}`);
      if (failures > 0) reject(new Error(`${failures} tests failed.`));
      else resolve();
    });
  });
}
