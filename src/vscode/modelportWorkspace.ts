// The Modelport workspace of the open folder: its registry and service manager, made once per folder.
import { isAbsolute, join, resolve } from 'node:path';
import { NotFoundError } from '../core/errors';
import { ModelRegistry } from '../core/registry/modelRegistry';
import { ServiceManager } from '../core/services/serviceManager';
import type { TargetFactories } from '../core/services/target';
import type { ModelportWorkspace } from './common/deps';

export class WorkspaceCache {
  private cached: ModelportWorkspace | undefined;

  /** `targets`: the deployment targets the extension offers (its composition root names them). */
  constructor(private readonly targets: TargetFactories) {}

  /** undefined when no folder is open. */
  get(projectDir: string | undefined, folderSetting: string): ModelportWorkspace | undefined {
    if (projectDir === undefined) return undefined;
    const dir = isAbsolute(folderSetting) ? folderSetting : resolve(join(projectDir, folderSetting));
    if (this.cached?.dir !== dir || this.cached.projectDir !== projectDir) {
      const registry = new ModelRegistry(dir);
      this.cached = { projectDir, dir, registry, services: new ServiceManager(dir, registry, this.targets) };
    }
    return this.cached;
  }

  require(projectDir: string | undefined, folderSetting: string): ModelportWorkspace {
    const ws = this.get(projectDir, folderSetting);
    if (ws === undefined) throw new NotFoundError('Open a folder first: Modelport keeps its models and services in the project folder (File > Open Folder…).');
    return ws;
  }
}
