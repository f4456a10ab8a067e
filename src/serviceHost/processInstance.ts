// One scoring instance as a child process (the `local` target): `modelport serve` on a private loopback port, its
// output passed through to the service log. The host starts a new one for every update and retires the old one
// once it is idle.
import { constants } from 'node:os';
import { InFlight } from './inFlight';
import type { ScoringInstance } from './scoringInstance';
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

export interface InstanceSpec {
  nodePath: string;
  cliPath: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  generation: number;
  /** Node options before the CLI, e.g. `--inspect=127.0.0.1:0` for a service deployed with --debug. */
  nodeArgs?: string[];
}

export class ProcessInstance implements ScoringInstance {
  readonly child: ChildProcess;
  readonly generation: number;
  /** Resolves with the instance's port once it listens; rejects if it exits first. */
  readonly ready: Promise<number>;
  readonly exited: Promise<number | null>;
  port: number | undefined;
  debugPort: number | undefined;
  readonly inFlight = new InFlight();

  constructor(spec: InstanceSpec, log: (line: string) => void) {
    this.generation = spec.generation;
    this.child = spawn(spec.nodePath, [...(spec.nodeArgs ?? []), spec.cliPath, 'serve', '--port', '0', '--host', '127.0.0.1', ...spec.args], {
      // The instance's stdin is its liveness link to this host (src/server/parentLink.ts): never written, it
      // reads end-of-file when the host dies, however it dies.
      env: { ...spec.env, MODELPORT_PARENT_LINK: 'stdin' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    // A signal ends the process as a shell reports it: 128 + the signal's number (SIGKILL: 137).
    this.exited = new Promise((resolve) => this.child.once('exit', (code, signal) => resolve(code ?? (signal ? 128 + (constants.signals[signal] ?? 0) : null))));
    this.ready = new Promise<number>((resolve, reject) => {
      const lines = createInterface({ input: this.child.stdout! });
      lines.on('line', (line) => {
        log(line);
        // A score.py's first worker listens for a Python debugger (debugpy) when the service is deployed with --debug.
        const debugpy = /Python debugger \(debugpy\) listening on 127\.0\.0\.1:(\d+)/.exec(line);
        if (debugpy && this.debugPort === undefined) this.debugPort = Number(debugpy[1]);
        const m = /listening: http:\/\/127\.0\.0\.1:(\d+)\//.exec(line);
        if (m && this.port === undefined) {
          this.port = Number(m[1]);
          resolve(this.port);
        }
      });
      createInterface({ input: this.child.stderr! }).on('line', (line) => {
        const inspector = /^Debugger listening on ws:\/\/127\.0\.0\.1:(\d+)\//.exec(line);
        if (inspector && this.debugPort === undefined) this.debugPort = Number(inspector[1]);
        log(line);
      });
      void this.exited.then((code) => reject(new Error(`the scoring instance exited with code ${code} before it was ready`)));
    });
    this.ready.catch(() => undefined);
  }

  get pid(): number | undefined {
    return this.child.pid;
  }


  async stop(graceMs = 10_000): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }
}
