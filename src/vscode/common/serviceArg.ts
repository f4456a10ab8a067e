// The service a service command acts on: the tree node's, the named one, or one the user picks.
import type { ServiceStatus } from '../../core/services/types';
import { isNode, serviceNameOf } from './args';
import type { CommandDeps } from './deps';
import { pickService } from './pickers';

export async function serviceFor(deps: CommandDeps, target: unknown, title: string): Promise<ServiceStatus> {
  if (isNode(target) && target.kind === 'service') return target.service;
  const name = serviceNameOf(target);
  if (name !== undefined) return deps.workspace().services.get(name);
  return pickService(deps, title);
}
