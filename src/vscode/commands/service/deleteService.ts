// Modelport: Delete Service: stops it and removes its record, after a modal confirmation.
import { optionsOf, required } from '../../common/args';
import type { CommandDeps } from '../../common/deps';
import { forgetCredentials } from '../../common/credentials';
import { serviceFor } from '../../common/serviceArg';

export async function deleteService(deps: CommandDeps, target?: unknown, rawArgs?: unknown): Promise<void> {
  const args = { ...optionsOf<{ confirm: boolean }>(target), ...optionsOf<{ confirm: boolean }>(rawArgs) };
  const service = await serviceFor(deps, target, 'Delete a Service');
  if (args.confirm !== false) {
    const ok = await deps.ui.confirm(`Delete service ${service.name}?`, `It stops answering at ${service.scoringUri}. The models it serves stay registered.`, 'Delete');
    required(ok ? true : undefined);
  }
  await deps.ui.progress(`Deleting ${service.name}`, (progress, signal) =>
    deps.workspace().services.delete(service.name, { signal, onProgress: (line) => progress.report(line) }),
  );
  await forgetCredentials(deps, service.name);
  deps.serviceLogs.forget(service.name);
  deps.log.info(`Deleted service ${service.name}`);
  deps.refresh();
}
