// What a container deployment takes from deploymentconfig.json: the docker section and the resource limits.
import { deploymentDefaults, type DeploymentConfig } from '../config/deploymentConfig';
import type { ServiceRecord } from '../services/types';

export type RecordDockerSettings = NonNullable<ServiceRecord['docker']>;

/**
 * `--cpus` and `--memory` are hard limits, so they come from cpuLimit / memoryInGBLimit, else from cpu /
 * memoryInGB. Azure's defaults for those two (0.1 CPU, 0.5 GB: sized for a cloud scheduler) are not imposed on
 * a local container: a file that does not set them gets no limit.
 */
export function dockerSettingsFrom(config: DeploymentConfig): RecordDockerSettings | undefined {
  if (config.computeType !== 'docker') return undefined;
  const r = config.containerResourceRequirements;
  const d = deploymentDefaults.containerResourceRequirements;
  const cpus = r.cpuLimit ?? (r.cpu !== d.cpu ? r.cpu : undefined);
  const memoryInGB = r.memoryInGBLimit ?? (r.memoryInGB !== d.memoryInGB ? r.memoryInGB : undefined);
  return {
    ...(config.docker.baseImage ? { baseImage: config.docker.baseImage } : {}),
    buildArgs: { ...config.docker.buildArgs },
    runArgs: [...config.docker.runArgs],
    ...(cpus !== undefined ? { cpus } : {}),
    ...(memoryInGB !== undefined ? { memoryInGB } : {}),
  };
}
