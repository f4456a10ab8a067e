// The `modelport.docker.runArgs` setting travels in the deploy request to the docker target, which keeps it in
// the service record; the service host adds it to `docker run` after the engine's own arguments (what
// MODELPORT_DOCKER_RUN_ARGS held when the host started). Nothing is written into the extension host's environment.
import { argsFromEnv } from '../../core/docker/engineArgs';
import type { ComputeType, DeployRequest } from '../../core/services/types';
import type { Settings } from './deps';

/** The request field for a deploy or update to `computeType`: the setting's arguments, one per word. */
export function dockerRunArgsFor(computeType: ComputeType, settings: Pick<Settings, 'dockerRunArgs'>): Pick<DeployRequest, 'dockerRunArgs'> {
  if (computeType !== 'docker') return {};
  return { dockerRunArgs: settings.dockerRunArgs.flatMap((a) => argsFromEnv(a)) };
}
