// Which inspector to attach to for a service, from its live status.
import { dirname } from 'node:path';
import { ConflictError } from '../errors';
import type { ServiceStatus } from '../services/types';
import type { DebugTarget } from './debugConfig';

export function debugTargetOf(status: ServiceStatus): DebugTarget {
  if (status.computeType !== 'local' && status.computeType !== 'docker') {
    throw new ConflictError(`Service '${status.name}' runs on '${status.computeType}'; only local and docker services can be debugged.`);
  }
  if (!status.debug) {
    throw new ConflictError(`Service '${status.name}' does not run under the debugger. Deploy it with --debug (or the Debug command) first.`);
  }
  if (status.debugPort === undefined) {
    throw new ConflictError(`Service '${status.name}' is ${status.state}: its inspector is not available${status.detail ? ` (${status.detail})` : ''}.`);
  }
  const sourceDir = status.sourceDir ?? (status.entryScript ? dirname(status.entryScript) : undefined);
  return { serviceName: status.name, computeType: status.computeType, inspectorPort: status.debugPort, sourceDir };
}
