// Runs `modelport serve` as a real child process from the built CLI (npm test builds before testing).
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';

export const cliPath = resolve('dist/cli.js');

export interface ServeProcess {
  child: ChildProcess;
  url: string;
  output(): string;
  exit: Promise<number | null>;
}

export interface CommandRun {
  child: ChildProcess;
  output(): string;
  exit: Promise<number | null>;
}

/** Runs a command with its output collected (stdout and stderr interleaved). */
export function runCommand(command: string, args: string[], env: NodeJS.ProcessEnv = {}, cwd?: string): CommandRun {
  const child = spawn(command, args, { env: { ...process.env, ...env }, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout?.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (out += c.toString()));
  const exit = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return { child, output: () => out, exit };
}

export function runCli(args: string[], env: NodeJS.ProcessEnv = {}): CommandRun {
  return runCommand(process.execPath, [cliPath, ...args], env);
}

/** Resolves with the base URL once a `modelport serve` run prints its scoring URI; rejects if it exits first. */
export function scoringUrlOf(run: CommandRun): Promise<string> {
  return new Promise<string>((resolveUrl, reject) => {
    const timer = setInterval(() => {
      const m = /listening: (http:\/\/[\d.]+:\d+)\/score/.exec(run.output());
      if (m?.[1]) {
        clearInterval(timer);
        resolveUrl(m[1]);
      }
    }, 20);
    void run.exit.then((code) => {
      clearInterval(timer);
      reject(new Error(`serve exited with ${code} before listening:\n${run.output()}`));
    });
  });
}

/** Starts `modelport serve ARGS --port 0` and resolves once it prints its scoring URI. */
export async function spawnServe(args: string[], env: NodeJS.ProcessEnv = {}): Promise<ServeProcess> {
  const run = runCli(['serve', '--port', '0', ...args], env);
  return { ...run, url: await scoringUrlOf(run) };
}
