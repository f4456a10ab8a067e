// Modelport: New Environment File: a conda env.yml for a score.py (Azure ML's format), or environment.json for a
// JavaScript/TypeScript entry script (Node.js range, npm packages, variables).
import { planScaffold } from '../../../core/scaffold/planScaffold';
import { optionsOf, required } from '../../common/args';
import type { CommandDeps } from '../../common/deps';
import { targetFolder } from '../../common/scaffoldPrompts';
import { writePlan } from '../../common/writePlan';

interface NewEnvironmentArgs {
  kind: 'conda' | 'node';
  folder: string;
  fileName: string;
  overwrite: boolean;
}

export async function newEnvironment(deps: CommandDeps, target?: unknown, rawArgs?: unknown): Promise<string[]> {
  const args = { ...optionsOf<NewEnvironmentArgs>(target), ...optionsOf<NewEnvironmentArgs>(rawArgs) };
  const title = 'New Environment File';
  const kind =
    args.kind ??
    required(
      await deps.ui.pick<NewEnvironmentArgs['kind']>(
        [
          { label: 'Conda env.yml (Python)', description: 'the packages of a score.py, in Azure ML\'s format', value: 'conda' },
          { label: 'environment.json (Node.js)', description: 'the Node.js range and npm packages of a JavaScript or TypeScript entry script', value: 'node' },
        ],
        { title, placeHolder: 'Which entry script is the environment for?' },
      ),
    );
  const targetDir = await targetFolder(deps, target, args.folder, title);
  const plan = planScaffold({ kind: kind === 'conda' ? 'conda-environment' : 'environment', targetDir, ...(args.fileName !== undefined ? { fileName: args.fileName } : {}) });
  return writePlan(deps, plan, args.overwrite !== undefined ? { overwrite: args.overwrite } : {});
}
