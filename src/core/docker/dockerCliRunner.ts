// Runs DockerCommand descriptions with the docker CLI (Docker, or Podman behind DOCKER_HOST): the one place a
// docker process is spawned. Output lines stream to `onLine`; failures become typed errors.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { CancelledError } from '../errors';
import { DockerCommandError, EngineUnreachableError, isEngineUnreachable } from './dockerErrors';
import type { DockerCommand, DockerRunOptions, DockerRunner } from './dockerCommand';

const keptStderrChars = 16_384;

export class DockerCliRunner implements DockerRunner {
  constructor(
    /** The client binary: `docker` on PATH unless MODELPORT_DOCKER_CLI names another (e.g. `podman`). */
    private readonly binary: string = process.env.MODELPORT_DOCKER_CLI || 'docker',
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {}

  run<T>(command: DockerCommand<T>, options: DockerRunOptions = {}): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      if (options.signal?.aborted) {
        reject(new CancelledError(`docker ${command.args[0] ?? ''} was cancelled.`));
        return;
      }
      const child = spawn(this.binary, command.args, { env: this.env, stdio: ['pipe', 'pipe', 'pipe'], signal: options.signal });
      child.stdin.on('error', () => undefined); // a command that exits without reading its input
      child.stdin.end(options.stdin ?? '');
      let stdout = '';
      let stderr = '';
      const onLine = options.onLine;
      if (onLine) {
        createInterface({ input: child.stdout }).on('line', (line) => {
          stdout += line + '\n';
          if (stdout.length > keptStderrChars * 4) stdout = stdout.slice(-keptStderrChars);
          onLine(line);
        });
        createInterface({ input: child.stderr }).on('line', (line) => {
          stderr = (stderr + line + '\n').slice(-keptStderrChars);
          onLine(line);
        });
      } else {
        child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
        child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr = (stderr + c).slice(-keptStderrChars)));
      }
      let failed = false;
      child.once('error', (err: NodeJS.ErrnoException) => {
        failed = true;
        if (err.code === 'ENOENT') reject(new EngineUnreachableError(`the '${this.binary}' command is not installed`));
        else if (err.name === 'AbortError') reject(new CancelledError(`docker ${command.args[0] ?? ''} was cancelled.`));
        else reject(err);
      });
      child.once('close', (code) => {
        if (failed) return;
        if (code !== 0) {
          reject(isEngineUnreachable(stderr) ? new EngineUnreachableError(stderr.trim().split('\n').at(-1) ?? '') : new DockerCommandError(command.args, code, stderr));
          return;
        }
        try {
          resolve(command.parse(stdout));
        } catch (err) {
          reject(new DockerCommandError(command.args, code, `could not read its output: ${(err as Error).message}`));
        }
      });
    });
  }
}
