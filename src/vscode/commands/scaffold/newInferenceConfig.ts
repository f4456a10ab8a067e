// Modelport: New Inference Config: names the entry script (and environment file) found in the folder.
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { entryScriptExtensions } from '../../../core/entryScriptFiles';
import { planScaffold } from '../../../core/scaffold/planScaffold';
import { optionsOf, required } from '../../common/args';
import type { CommandDeps } from '../../common/deps';
import { targetFolder } from '../../common/scaffoldPrompts';
import { writePlan } from '../../common/writePlan';

export interface NewInferenceConfigArgs {
  folder: string;
  entryScript: string;
  environmentFile: string | null;
  overwrite: boolean;
}

export async function newInferenceConfig(deps: CommandDeps, target?: unknown, rawArgs?: unknown): Promise<string[]> {
  const args = { ...optionsOf<NewInferenceConfigArgs>(target), ...optionsOf<NewInferenceConfigArgs>(rawArgs) };
  const title = 'New Inference Config';
  const targetDir = await targetFolder(deps, target, args.folder, title);
  let entryScript = args.entryScript;
  if (entryScript === undefined) {
    const scripts = (await readdir(targetDir).catch(() => [] as string[])).filter((f) => (entryScriptExtensions as readonly string[]).includes(extname(f).toLowerCase()));
    entryScript =
      scripts.length === 1
        ? scripts[0]
        : required(
            scripts.length === 0
              ? await deps.ui.input({ title, prompt: 'The entry script, relative to the folder (create it with Modelport: New Entry Script)', value: 'score.ts' })
              : await deps.ui.pick(scripts.map((s) => ({ label: s, value: s })), { title, placeHolder: 'Which entry script?' }),
          );
  }
  // A score.py's environment is a conda env.yml (or requirements.txt); a JavaScript script's is environment.json.
  const candidates = /\.py$/i.test(entryScript ?? '') ? ['env.yml', 'environment.yml', 'conda.yml', 'requirements.txt'] : ['environment.json'];
  const environmentFile = args.environmentFile === null ? undefined : (args.environmentFile ?? candidates.find((c) => existsSync(join(targetDir, c))));
  const plan = planScaffold({ kind: 'inference-config', targetDir, entryScript: entryScript ?? 'score.ts', ...(environmentFile !== undefined ? { environmentFile } : {}) });
  return writePlan(deps, plan, args.overwrite !== undefined ? { overwrite: args.overwrite } : {});
}
