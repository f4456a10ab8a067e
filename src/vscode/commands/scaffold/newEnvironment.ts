// Modelport: New Environment File: the Node.js range, npm packages and variables of an entry script.
import { planScaffold } from '../../../core/scaffold/planScaffold';
import { optionsOf } from '../../common/args';
import type { CommandDeps } from '../../common/deps';
import { targetFolder } from '../../common/scaffoldPrompts';
import { writePlan } from '../../common/writePlan';

export async function newEnvironment(deps: CommandDeps, target?: unknown, rawArgs?: unknown): Promise<string[]> {
  const args = { ...optionsOf<{ folder: string; fileName: string; overwrite: boolean }>(target), ...optionsOf<{ folder: string; fileName: string; overwrite: boolean }>(rawArgs) };
  const targetDir = await targetFolder(deps, target, args.folder, 'New Environment File');
  const plan = planScaffold({ kind: 'environment', targetDir, ...(args.fileName !== undefined ? { fileName: args.fileName } : {}) });
  return writePlan(deps, plan, args.overwrite !== undefined ? { overwrite: args.overwrite } : {});
}
