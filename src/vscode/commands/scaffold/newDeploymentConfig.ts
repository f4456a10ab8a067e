// Modelport: New Deployment Config: target and authentication (defaults from the settings).
import type { AuthMode, ComputeType } from '../../../core/services/types';
import { planScaffold } from '../../../core/scaffold/planScaffold';
import { optionsOf } from '../../common/args';
import type { CommandDeps } from '../../common/deps';
import { pickAuthMode, pickTarget } from '../../common/pickers';
import { targetFolder } from '../../common/scaffoldPrompts';
import { writePlan } from '../../common/writePlan';

export interface NewDeploymentConfigArgs {
  folder: string;
  computeType: ComputeType;
  authMode: AuthMode;
  overwrite: boolean;
}

export async function newDeploymentConfig(deps: CommandDeps, target?: unknown, rawArgs?: unknown): Promise<string[]> {
  const args = { ...optionsOf<NewDeploymentConfigArgs>(target), ...optionsOf<NewDeploymentConfigArgs>(rawArgs) };
  const title = 'New Deployment Config';
  const targetDir = await targetFolder(deps, target, args.folder, title);
  const computeType = args.computeType ?? (await pickTarget(deps, title));
  const authMode = args.authMode ?? (await pickAuthMode(deps, title));
  const plan = planScaffold({ kind: 'deployment-config', targetDir, computeType, authMode, dockerRunArgs: deps.settings().dockerRunArgs });
  return writePlan(deps, plan, args.overwrite !== undefined ? { overwrite: args.overwrite } : {});
}
