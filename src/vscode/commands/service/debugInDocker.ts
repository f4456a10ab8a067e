// Modelport: Debug in Docker: runs the service's debug twin (`<name>-debug`) in a container under the Node
// inspector, published on a loopback port, and attaches VS Code's debugger with the entry script's folder
// mapped to /var/azureml-app/source, so a breakpoint in run() stops the next request.
import type { CommandDeps } from '../../common/deps';
import { debugService, type DebugSession } from '../../common/debugTwin';

export function debugInDocker(deps: CommandDeps, target?: unknown): Promise<DebugSession | undefined> {
  return debugService(deps, target, 'docker');
}
