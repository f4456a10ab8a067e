// What can go wrong talking to a container engine, as typed errors whose messages say what to do next.
import { ModelportError } from '../errors';

export const engineHowTo = [
  'Start a Docker-compatible engine and point the docker CLI at it:',
  '  - Docker Desktop / dockerd: start it, then check with `docker version`.',
  '  - Podman: `podman system service --time=0 unix:///tmp/podman.sock &` and `export DOCKER_HOST=unix:///tmp/podman.sock`.',
  '  - In this repository: `bash ../shared/container-engine/engine.sh up`, then `source` the env file its last line names.',
  'Engines that need extra arguments take them from MODELPORT_DOCKER_RUN_ARGS / MODELPORT_DOCKER_BUILD_ARGS',
  '(for example `--network slirp4netns` for Podman).',
].join('\n');

/** The docker CLI is missing, or no engine answers it. */
export class EngineUnreachableError extends ModelportError {
  constructor(detail: string) {
    super('unavailable', `No container engine is reachable (${detail.trim() || 'no answer'}).\n${engineHowTo}`);
    this.name = 'EngineUnreachableError';
  }
}

/** A docker command failed; `stderr` is what the engine said. */
export class DockerCommandError extends ModelportError {
  constructor(
    readonly args: readonly string[],
    readonly exitCode: number | null,
    readonly stderr: string,
  ) {
    super('internal', `docker ${args.slice(0, 2).join(' ')} failed (exit code ${exitCode}): ${stderr.trim().split('\n').slice(-5).join('\n')}`);
    this.name = 'DockerCommandError';
  }
}

/** The image build failed: the last lines of its output say why. */
export class ImageBuildError extends ModelportError {
  constructor(
    readonly image: string,
    readonly logTail: readonly string[],
  ) {
    super('unavailable', `Building the image ${image} failed.\n--- last lines of the build ---\n${logTail.join('\n')}`);
    this.name = 'ImageBuildError';
  }
}

/** The container stopped before it was healthy, or while serving. */
export class ContainerExitedError extends ModelportError {
  constructor(
    readonly container: string,
    readonly exitCode: number | null,
    readonly logTail: readonly string[],
  ) {
    super('unavailable', `The container ${container} exited with code ${exitCode}${exitCode === 137 ? ' (killed: out of memory, or stopped)' : ''}.${logTail.length ? `\n--- last lines of the container log ---\n${logTail.join('\n')}` : ''}`);
    this.name = 'ContainerExitedError';
  }
}

const unreachablePatterns = [
  /Cannot connect to the Docker daemon/i,
  /Is the docker daemon running/i,
  /error during connect/i,
  /connect: no such file or directory/i,
  /connect: connection refused/i,
  /dial unix .*: connect/i,
  /permission denied while trying to connect/i,
];

/** Whether the docker CLI's stderr means "no engine answered" (rather than "the engine refused"). */
export function isEngineUnreachable(stderr: string): boolean {
  return unreachablePatterns.some((p) => p.test(stderr));
}

const portInUsePatterns = [/address already in use/i, /port is already allocated/i, /bind: .*in use/i];

export function isPortInUse(stderr: string): boolean {
  return portInUsePatterns.some((p) => p.test(stderr));
}
