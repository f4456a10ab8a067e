// Modelport: Stop Service / Start Service: stop a service where it runs without deleting it (record, keys and
// log stay), and start it again on the same scoring URI, as `modelport service stop|start` do.
import type { ServiceStatus } from '../../../core/services/types';
import type { CommandDeps } from '../../common/deps';
import { serviceFor } from '../../common/serviceArg';

export async function stopService(deps: CommandDeps, target?: unknown): Promise<ServiceStatus> {
  const service = await serviceFor(deps, target, 'Stop a Service');
  const stopped = await deps.ui.progress(`Stopping ${service.name}`, (progress, signal) =>
    deps.workspace().services.stop(service.name, { signal, onProgress: (line) => progress.report(line) }),
  );
  deps.log.info(`Stopped service ${service.name}`);
  void deps.ui.info(`Stopped ${service.name}. Its record, keys and log are kept: Start Service brings it back at ${service.scoringUri}.`);
  deps.refresh();
  return stopped;
}

export async function startService(deps: CommandDeps, target?: unknown): Promise<ServiceStatus> {
  const service = await serviceFor(deps, target, 'Start a Service');
  const started = await deps.ui.progress(`Starting ${service.name}`, (progress, signal) =>
    deps.workspace().services.start(service.name, { signal, onProgress: (line) => progress.report(line) }),
  );
  deps.log.info(`Started service ${service.name}: ${started.state}`);
  void deps.ui.info(`${service.name} is ${started.state} at ${started.scoringUri}`);
  deps.refresh();
  return started;
}
