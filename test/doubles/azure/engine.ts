// How the ARM double runs a container group for real: the docker CLI (Podman here) with the engine's network
// arguments. Each container carries the double's label, so the double (and a test's after hook) can find and
// remove everything it started.
import { execFile } from 'node:child_process';

export const doubleLabel = 'modelport.aci-double';

export interface EngineResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function docker(args: readonly string[], timeoutMs = 600_000): Promise<EngineResult> {
  return new Promise((resolve) => {
    execFile('docker', [...args], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, timeout: timeoutMs }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

export async function dockerOk(args: readonly string[]): Promise<string> {
  const r = await docker(args);
  if (r.code !== 0) throw new Error(`docker ${args[0] ?? ''} failed: ${r.stderr.trim().split('\n').slice(-3).join(' ')}`);
  return r.stdout.trim();
}

export interface ContainerFacts {
  running: boolean;
  exitCode: number;
  startedAt: string;
  finishedAt: string;
}

export async function inspectContainer(id: string): Promise<ContainerFacts | undefined> {
  const r = await docker(['container', 'inspect', '--format', '{{json .State}}', id], 30_000);
  if (r.code !== 0) return undefined;
  const s = JSON.parse(r.stdout) as { Running?: boolean; ExitCode?: number; StartedAt?: string; FinishedAt?: string };
  return { running: s.Running === true, exitCode: s.ExitCode ?? 0, startedAt: s.StartedAt ?? '', finishedAt: s.FinishedAt ?? '' };
}

/** Resolves when the container stops running (or is removed, or the engine is gone): `docker wait`. */
export async function waitContainer(id: string): Promise<void> {
  await docker(['wait', id], 24 * 3600_000);
}
