// Runs a program (argument array, never a shell string) and streams its output line by line.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { CancelledError } from '../errors';

export interface RunResult {
  code: number | null;
  /** The last lines of output, for error messages. */
  tail: string[];
}

export function runLines(command: string, args: readonly string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; onLine?: (line: string) => void; signal?: AbortSignal; tailLines?: number } = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    options.signal?.throwIfAborted();
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    const tail: string[] = [];
    const max = options.tailLines ?? 30;
    const onLine = (line: string): void => {
      tail.push(line);
      if (tail.length > max) tail.shift();
      options.onLine?.(line);
    };
    if (child.stdout) createInterface({ input: child.stdout }).on('line', onLine);
    if (child.stderr) createInterface({ input: child.stderr }).on('line', onLine);
    const abort = (): void => {
      child.kill('SIGTERM');
    };
    options.signal?.addEventListener('abort', abort, { once: true });
    child.once('error', (err) => {
      options.signal?.removeEventListener('abort', abort);
      reject(err);
    });
    child.once('close', (code) => {
      options.signal?.removeEventListener('abort', abort);
      if (options.signal?.aborted) reject(new CancelledError(`${command} was cancelled.`));
      else resolve({ code, tail });
    });
  });
}

/** The first of `names` found on PATH, as an absolute path. */
export async function findOnPath(names: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<string | undefined> {
  const { access, constants } = await import('node:fs/promises');
  const { delimiter, join } = await import('node:path');
  for (const name of names) {
    for (const dir of (env.PATH ?? '').split(delimiter).filter(Boolean)) {
      const candidate = join(dir, name);
      try {
        await access(candidate, constants.X_OK);
        return candidate;
      } catch {
        // not here
      }
    }
  }
  return undefined;
}
