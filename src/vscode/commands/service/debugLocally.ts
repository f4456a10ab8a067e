// Modelport: Debug Locally: runs the service's debug twin (`<name>-debug`) as a local process under the Node
// inspector and attaches VS Code's debugger, so a breakpoint in run() stops the next request. No Docker needed.
import type { CommandDeps } from '../../common/deps';
import { debugService, type DebugSession } from '../../common/debugTwin';

export function debugLocally(deps: CommandDeps, target?: unknown): Promise<DebugSession | undefined> {
  return debugService(deps, target, 'local');
}
