// The registry and service manager a service verb works with, over the resolved workspace.
import { ModelRegistry } from '../../core/registry/modelRegistry';
import { ServiceManager } from '../../core/services/serviceManager';
import type { CliIo } from '../common/io';
import { cliTargets } from '../targets';
import { resolveWorkspace, type Workspace } from '../common/workspace';

export interface Services {
  workspace: Workspace;
  registry: ModelRegistry;
  manager: ServiceManager;
}

export function openServices(workspaceFlag: string | undefined, io: CliIo): Services {
  const workspace = resolveWorkspace(workspaceFlag, io.env, io.cwd);
  const registry = new ModelRegistry(workspace.dir);
  // The service host is this same bundled CLI (`modelport service-host`), run by this same Node.
  const manager = new ServiceManager(workspace.dir, registry, cliTargets({ nodePath: process.execPath, cliPath: __filename }));
  return { workspace, registry, manager };
}
