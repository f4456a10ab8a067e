// Before an update of a service whose target restarts it (aci), say so: it will not answer for a while.
import type { ServiceLifecycle } from '../../core/services/types';
import type { CliIo } from '../common/io';

export async function warnBeforeRestart(manager: Pick<ServiceLifecycle, 'get'>, name: string, io: CliIo): Promise<void> {
  const status = await manager.get(name);
  if (status.updateStrategy !== 'restart') return;
  io.stderr.write(
    `Note: service '${name}' runs on ${status.computeType}, where an update restarts it: it does not answer until the new ` +
      'container does (usually tens of seconds; the update reports how long). Press Ctrl+C now to keep it as it is.\n',
  );
}
