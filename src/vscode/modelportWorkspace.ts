// The Modelport workspace of each open folder: its registry and service manager, made once per folder.
import { isAbsolute, join, resolve } from 'node:path';
import { NotFoundError } from '../core/errors';
import { ModelRegistry } from '../core/registry/modelRegistry';
import { ServiceManager } from '../core/services/serviceManager';
import type { TargetFactories } from '../core/services/target';
import type { ModelportWorkspace } from './common/deps';

/** `<project>/<setting>`, or the setting itself when absolute. */
export function workspaceDirOf(projectDir: string, folderSetting: string): string {
  return isAbsolute(folderSetting) ? folderSetting : resolve(join(projectDir, folderSetting));
}

export class WorkspaceCache {
  private readonly cached = new Map<string, ModelportWorkspace>();

  /** `targets`: the deployment targets the extension offers (its composition root names them). */
  constructor(private readonly targets: TargetFactories) {}

  /** undefined when no folder is open. */
  get(projectDir: string | undefined, folderSetting: string): ModelportWorkspace | undefined {
    if (projectDir === undefined) return undefined;
    const dir = workspaceDirOf(projectDir, folderSetting);
    const key = `${projectDir}\0${dir}`;
    let ws = this.cached.get(key);
    if (ws === undefined) {
      const registry = new ModelRegistry(dir);
      ws = { projectDir, dir, registry, services: new ServiceManager(dir, registry, this.targets) };
      this.cached.set(key, ws);
    }
    return ws;
  }

  require(projectDir: string | undefined, folderSetting: string): ModelportWorkspace {
    const ws = this.get(projectDir, folderSetting);
    if (ws === undefined) throw new NotFoundError('Open a folder first: Modelport keeps its models and services in the project folder (File > Open Folder…).');
    return ws;
  }
}
