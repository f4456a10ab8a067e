// Modelport: Update Service: moves a service to another model version in place (same scoring URI).
import type { ServiceStatus } from '../../../core/services/types';
import { optionsOf } from '../../common/args';
import type { CommandDeps } from '../../common/deps';
import { pickModelVersion } from '../../common/pickers';
import { serviceFor } from '../../common/serviceArg';

export interface UpdateServiceArgs {
  /** The new model ref, `fashion:3`. */
  model: string;
}

export async function updateService(deps: CommandDeps, target?: unknown, rawArgs?: unknown): Promise<ServiceStatus> {
  const args = { ...optionsOf<UpdateServiceArgs>(target), ...optionsOf<UpdateServiceArgs>(rawArgs) };
  const service = await serviceFor(deps, target, 'Update a Service');
  const current = service.models[0];
  const ref = args.model ?? (await pickModelVersion(deps, `Update ${service.name} (now ${service.models.join(', ')}) to`, { only: current?.split(':')[0], exclude: service.models })).id;
  deps.log.info(`Updating service ${service.name} from ${service.models.join(', ')} to ${ref}`);
  const status = await deps.ui.progress(`Updating ${service.name} to ${ref}`, (progress, signal) =>
    deps.workspace().services.update(service.name, { models: [ref] }, {
      signal,
      onProgress: (line) => {
        deps.log.info(`[${service.name}] ${line}`);
        progress.report(line);
      },
    }),
  );
  deps.refresh();
  void deps.ui.info(`Service ${status.name} now serves ${status.models.join(', ')} (${status.state}).`);
  return status;
}
