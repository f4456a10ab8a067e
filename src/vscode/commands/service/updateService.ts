// Modelport: Update Service: moves a service to another model version in place (same scoring URI).
import { CancelledError } from '../../../core/errors';
import type { ServiceStatus } from '../../../core/services/types';
import { optionsOf } from '../../common/args';
import type { CommandDeps } from '../../common/deps';
import { pickModelVersion } from '../../common/pickers';
import { serviceFor } from '../../common/serviceArg';

export interface UpdateServiceArgs {
  /** The new model ref, `fashion:3`. */
  model: string;
  /** false: skip the warning that the update restarts the service (aci). */
  confirm: boolean;
}

/** Before an update that restarts the service (aci), a modal says so; false when the user keeps it as it is. */
export async function confirmRestart(deps: CommandDeps, service: ServiceStatus, what: string, confirm: boolean | undefined): Promise<boolean> {
  if (service.updateStrategy !== 'restart' || confirm === false) return true;
  return deps.ui.confirm(
    `${what} restarts ${service.name}.`,
    `On ${service.computeType}, Azure restarts the container group: ${service.scoringUri} does not answer until the new container does (usually tens of seconds). Modelport reports how long it was.`,
    'Restart and Update',
  );
}

/** The line a restart update ends with ("The service was unavailable for 12.3 s…"), for the closing message. */
export function unavailableLine(lines: readonly string[]): string | undefined {
  return lines.find((l) => /^The service (was unavailable for|answered throughout)/.test(l));
}

export async function updateService(deps: CommandDeps, target?: unknown, rawArgs?: unknown): Promise<ServiceStatus> {
  const args = { ...optionsOf<UpdateServiceArgs>(target), ...optionsOf<UpdateServiceArgs>(rawArgs) };
  const service = await serviceFor(deps, target, 'Update a Service');
  const current = service.models[0];
  const ref = args.model ?? (await pickModelVersion(deps, `Update ${service.name} (now ${service.models.join(', ')}) to`, { only: current?.split(':')[0], exclude: service.models })).id;
  if (!(await confirmRestart(deps, service, `Updating to ${ref}`, args.confirm))) throw new CancelledError('Update cancelled.');
  deps.log.info(`Updating service ${service.name} from ${service.models.join(', ')} to ${ref}`);
  const lines: string[] = [];
  const status = await deps.ui.progress(`Updating ${service.name} to ${ref}`, (progress, signal) =>
    deps.workspace().services.update(service.name, { models: [ref] }, {
      signal,
      onProgress: (line) => {
        lines.push(line);
        deps.log.info(`[${service.name}] ${line}`);
        progress.report(line);
      },
    }),
  );
  deps.refresh();
  const downtime = unavailableLine(lines);
  void deps.ui.info(`Service ${status.name} now serves ${status.models.join(', ')} (${status.state}).${downtime ? ` ${downtime}` : ''}`);
  return status;
}
