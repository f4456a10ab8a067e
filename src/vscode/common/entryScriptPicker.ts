// A model that is not ONNX (a pickle, a joblib file, a folder) needs an entry script to be served: the deploy
// command offers the project's inference configs and Python entry scripts (files defining run()), and uses the
// conda env.yml or requirements.txt beside a chosen score.py as its environment.
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { basename, dirname, join, relative } from 'node:path';
import { ConfigError } from '../../core/errors';
import { required } from './args';
import type { CommandDeps } from './deps';

export type ScriptChoice = { inferenceConfig: string } | { entryScript: string; environmentFile: string | undefined };

const skipped = new Set(['node_modules', '.git', '.modelport', '.venv', 'venv', '__pycache__', 'dist', 'out']);
const environmentNames = ['env.yml', 'environment.yml', 'conda.yml', 'conda_dependencies.yml', 'requirements.txt'];

async function candidates(dir: string, depth: number, out: { configs: string[]; scripts: string[] }): Promise<void> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  for (const e of entries) {
    const p = join(dir, e.name);
    if (e.isDirectory()) {
      if (depth > 0 && !skipped.has(e.name) && !e.name.startsWith('.')) await candidates(p, depth - 1, out);
    } else if (e.name === 'inferenceconfig.json') out.configs.push(p);
    else if (e.name.endsWith('.py') && /^def run\(/m.test(await readFile(p, 'utf8').catch(() => ''))) out.scripts.push(p);
  }
}

export function environmentBeside(script: string): string | undefined {
  return environmentNames.map((n) => join(dirname(script), n)).find((p) => existsSync(p));
}

export async function pickEntryScript(deps: CommandDeps, ref: string, title: string): Promise<ScriptChoice> {
  const projectDir = deps.workspace().projectDir;
  const found = { configs: [] as string[], scripts: [] as string[] };
  await candidates(projectDir, 3, found);
  if (found.configs.length + found.scripts.length === 0) {
    throw new ConfigError(`${ref} is not an ONNX model, so it is served through an entry script, and this project has none yet. Create a score.py with "Modelport: New Entry Script" (Python), then deploy again.`);
  }
  const items = [
    ...found.configs.map((c) => ({ label: `$(gear) ${relative(projectDir, c)}`, description: 'inference config', value: { inferenceConfig: c } as ScriptChoice })),
    ...found.scripts.map((s) => {
      const env = environmentBeside(s);
      return { label: `$(file-code) ${relative(projectDir, s)}`, description: env ? `with ${basename(env)}` : 'with python3 on PATH', value: { entryScript: s, environmentFile: env } as ScriptChoice };
    }),
  ];
  return required(await deps.ui.pick(items, { title, placeHolder: `${ref} is not ONNX: which entry script serves it?` }));
}
