// Modelport: Deploy Model…: from a model file or folder (register, then deploy), a registered version, or the palette;
// a model that is not ONNX is deployed with its entry script (a score.py and its env.yml, or an inference config).
// Asks for the service name, target and auth mode, streams the deployment's output into a progress
// notification and the log, and offers the next steps.
import type { AzurePlacement } from '../../../core/services/target';
import type { ServiceStatus, AuthMode, ComputeType, KubernetesRequest } from '../../../core/services/types';
import { isNode, isUriLike, optionsOf, required } from '../../common/args';
import { pickAzurePlacement } from '../../common/azurePickers';
import type { CommandDeps } from '../../common/deps';
import { dockerRunArgsFor } from '../../common/dockerRunArgs';
import { suggestServiceName, validateServiceNameInput } from '../../common/names';
import { pickAuthMode, pickKubernetesPlace, pickModelVersion, pickTarget } from '../../common/pickers';
import { environmentBeside, pickEntryScript } from '../../common/entryScriptPicker';
import { registerModel } from './registerModel';

export interface DeployArgs {
  /** The service name. */
  name: string;
  /** A registry ref (`fashion:2`) when the target is not a file or a tree node. */
  model: string;
  computeType: ComputeType;
  authMode: AuthMode;
  /** When deploying a file: the model name and what to register (see registerModel). */
  modelName: string;
  source: 'file' | 'folder';
  entryScript: string;
  /** aci: any of subscription, resource group, region, registry (the rest is asked). */
  azure: AzurePlacement;
  /** inferenceconfig.json (entry script, source directory, environment), e.g. for a score.py and its env.yml. */
  inferenceConfig: string;
  /** A score.py's conda env.yml or requirements.txt. */
  environmentFile: string;
  /** Kubernetes: context, namespace, registry (asked when the target is kubernetes and these are absent). */
  kubernetes: KubernetesRequest;
}

async function modelRefFor(deps: CommandDeps, target: unknown, args: Partial<DeployArgs>): Promise<string> {
  if (isNode(target) && target.kind === 'version') return target.model.id;
  if (isNode(target) && target.kind === 'model') return `${target.name}:${target.versions[0]?.version ?? 'latest'}`;
  if (isUriLike(target)) {
    // One flow at a time: the deploy's own questions follow, and its notification ends it.
    const model = await registerModel(deps, target, { quiet: true, ...(args.modelName !== undefined ? { name: args.modelName } : {}), ...(args.source !== undefined ? { source: args.source } : {}) });
    return model.id;
  }
  if (typeof target === 'string' && target.length > 0) return target;
  if (args.model !== undefined) return args.model;
  return (await pickModelVersion(deps, 'Deploy a Model: which version?')).id;
}

export async function deployModel(deps: CommandDeps, target?: unknown, rawArgs?: unknown): Promise<ServiceStatus> {
  const args = { ...optionsOf<DeployArgs>(target), ...optionsOf<DeployArgs>(rawArgs) };
  const ws = deps.workspace();
  const ref = await modelRefFor(deps, target, args);
  const taken = (await ws.services.list()).services.map((s) => s.name);
  const modelName = ref.split(':')[0] ?? 'model';
  const name =
    args.name ??
    required(await deps.ui.input({ title: `Deploy ${ref}: service name`, value: suggestServiceName(modelName, taken), validate: (v) => validateServiceNameInput(v, taken) }));
  // Only ONNX models are scored without code; anything else (a pickle, a folder) needs its entry script.
  let script: { entryScript?: string; environmentFile?: string; inferenceConfigPath?: string } = {};
  if (args.inferenceConfig !== undefined) script = { inferenceConfigPath: args.inferenceConfig };
  else if (args.entryScript !== undefined) {
    const env = args.environmentFile ?? (args.entryScript.endsWith('.py') ? environmentBeside(args.entryScript) : undefined);
    script = { entryScript: args.entryScript, ...(env !== undefined ? { environmentFile: env } : {}) };
  } else if (!(await ws.registry.get(ref)).modelFile) {
    const choice = await pickEntryScript(deps, ref, `Deploy ${ref} as ${name}: entry script`);
    script = 'inferenceConfig' in choice ? { inferenceConfigPath: choice.inferenceConfig } : { entryScript: choice.entryScript, ...(choice.environmentFile !== undefined ? { environmentFile: choice.environmentFile } : {}) };
  }
  const computeType = args.computeType ?? (await pickTarget(deps, `Deploy ${ref} as ${name}: target`));
  const azure = computeType === 'aci' ? await pickAzurePlacement(deps, `Deploy ${ref} as ${name}`, args.azure) : undefined;
  const kubernetes = computeType === 'kubernetes' ? (args.kubernetes ?? (await pickKubernetesPlace(deps, `Deploy ${ref} as ${name}`))) : undefined;
  const authMode = args.authMode ?? (await pickAuthMode(deps, `Deploy ${ref} as ${name}: authentication`));
  deps.log.info(`Deploying ${ref} as service ${name} (${computeType}, auth ${authMode})`);
  const status = await deps.ui.progress(`Deploying ${name}`, (progress, signal) =>
    ws.services.deploy(
      {
        name,
        models: [ref],
        computeType,
        authMode,
        ...script,
        ...dockerRunArgsFor(computeType, deps.settings()),
        ...(azure ? { azure } : {}),
        ...(kubernetes ? { kubernetes } : {}),
      },
      {
        signal,
        onProgress: (line) => {
          deps.log.info(`[${name}] ${line}`);
          progress.report(line);
        },
      },
    ),
  );
  deps.refresh();
  deps.log.info(`Service ${name} is ${status.state} at ${status.scoringUri}`);
  void deps.ui.info(`Service ${name} is ${status.state}: ${status.scoringUri}`, 'Test Endpoint', 'Copy Scoring URI', 'Open Swagger').then((button) => {
    const command = button === 'Test Endpoint' ? 'modelport.service.test' : button === 'Copy Scoring URI' ? 'modelport.service.copyScoringUri' : button === 'Open Swagger' ? 'modelport.service.openSwagger' : undefined;
    if (command) void deps.runCommand(command, name);
  });
  return status;
}
