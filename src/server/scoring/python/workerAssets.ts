// Where the Python side of Modelport lives: python/ at the repository's top level in a checkout, copied to
// dist/python by scripts/build.mjs (so the VSIX and the docker image carry it beside dist/cli.js).
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { ConfigError } from '../../../core/errors';

const bootName = 'modelport_boot.py';

/** The folder holding modelport_boot.py, modelport_worker/ and shims/. */
export function pythonAssetsDir(env: NodeJS.ProcessEnv = process.env): string {
  const candidates: string[] = [];
  if (env.MODELPORT_PYTHON_ASSETS) candidates.push(resolve(env.MODELPORT_PYTHON_ASSETS));
  // Bundled: dist/cli.js → dist/python. From sources (tsx): walk up to the checkout's python/.
  candidates.push(join(__dirname, 'python'));
  for (let dir = __dirname, i = 0; i < 8; i++, dir = dirname(dir)) candidates.push(join(dir, 'python'));
  const found = candidates.find((c) => existsSync(join(c, bootName)));
  if (!found) throw new ConfigError(`Modelport's Python worker (${bootName}) is missing next to ${__dirname}; reinstall Modelport.`);
  return found;
}

export function bootFileIn(assetsDir: string): string {
  return join(assetsDir, bootName);
}
