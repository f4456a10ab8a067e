// Modelport: Show Service Logs: follows the service's log in its own output channel.
import type { CommandDeps } from '../../common/deps';
import { serviceFor } from '../../common/serviceArg';

export async function showServiceLogs(deps: CommandDeps, target?: unknown): Promise<void> {
  const service = await serviceFor(deps, target, 'Show Service Logs');
  await deps.serviceLogs.show(service.name);
}
