// A ServiceManager over a workspace with the CLI's targets (or a docker target on a given runner), as tests use it.
import type { DockerRunner } from '../../src/core/docker/dockerCommand';
import type { ModelRegistry } from '../../src/core/registry/modelRegistry';
import { LocalDockerTarget } from '../../src/core/services/docker/localDockerTarget';
import { ServiceManager } from '../../src/core/services/serviceManager';
import { cliTargets } from '../../src/cli/targets';
import { cliPath } from './spawnServe';

const runtime = { nodePath: process.execPath, cliPath };

export function serviceManager(workspaceDir: string, registry: ModelRegistry, dockerRunner?: DockerRunner): ServiceManager {
  const targets = cliTargets(runtime);
  if (dockerRunner) return new ServiceManager(workspaceDir, registry, { ...targets, docker: async (context) => new LocalDockerTarget(context, runtime, dockerRunner) });
  return new ServiceManager(workspaceDir, registry, targets);
}
