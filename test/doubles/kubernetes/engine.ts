// The local container engine as the double's kubelet uses it: the docker CLI (Docker or Podman behind
// DOCKER_HOST), argument arrays only. Secret values reach a container as `-e NAME` with the value in the CLI's
// own environment, never in its arguments.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

export interface EngineResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function docker(args: readonly string[], options: { env?: Record<string, string>; timeoutMs?: number } = {}): Promise<EngineResult> {
  return new Promise((resolve) => {
    execFile('docker', [...args], { env: { ...process.env, ...options.env }, maxBuffer: 32 * 1024 * 1024, timeout: options.timeoutMs ?? 300_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : 1) : 0;
      resolve({ code, stdout: String(stdout), stderr: String(stderr) });
    });
  });
}

/** `docker logs` of a container, stdout and stderr together, as a child process to stream. */
export function dockerLogs(id: string, options: { follow?: boolean; tail?: number }): ChildProcess {
  const args = ['logs', ...(options.follow ? ['--follow'] : []), ...(options.tail !== undefined ? ['--tail', String(options.tail)] : []), id];
  return spawn('docker', args, { stdio: ['ignore', 'pipe', 'pipe'] });
}

export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Extra `docker run` arguments this engine needs (Podman here: `--network slirp4netns`). */
export function runNetArgs(): string[] {
  return (process.env.CTR_RUN_NET_ARGS ?? '').split(/\s+/).filter(Boolean);
}
