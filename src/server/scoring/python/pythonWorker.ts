// One Python worker process: loads score.py, runs init() once, then answers one request at a time over the
// frames of framing.ts. Its stdout and stderr (the script's prints, logging, tracebacks) go to the service log.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import type { Logger } from '../../logger';
import { encodeFrame, FrameReader, type Frame } from './framing';

export type PythonMode = 'plain' | 'schema' | 'raw';

export interface WorkerSpec {
  /** The interpreter that runs the worker (an environment's python, --python, or python3 on PATH). */
  python: string;
  /** python/modelport_boot.py, shipped with Modelport. */
  bootFile: string;
  cwd: string;
  env: NodeJS.ProcessEnv;
  logger: Logger;
}

export interface WorkerReady {
  mode: PythonMode;
  inputSample: unknown;
  outputSample: unknown;
  /** 'package' when the environment's own inference-schema serves the decorators, else 'modelport'. */
  schemaImplementation: string;
  python: string;
  executable: string;
  initMs: number;
}

export interface WorkerRequest {
  method: string;
  path: string;
  query: string;
  headers: Array<[string, string]>;
  timeoutMs: number;
  body: Buffer;
}

export interface WorkerReply {
  status: number;
  headers: Array<[string, string]>;
  /** run() raised or timed out (the reference's x-ms-run-function-failed). */
  failed: boolean;
  /** The script's traceback or why the reply is an error, for the log; never sent to the caller. */
  error: string | undefined;
  /** 'run-failed' or 'timeout' when run() raised or ran out of time. */
  kind: string | undefined;
  body: Buffer;
}

/** The script did not load, or init() raised: the service must not start (exit code 3). */
export class WorkerStartError extends Error {
  constructor(
    readonly phase: 'load' | 'init' | 'start',
    message: string,
    readonly detail: string,
  ) {
    super(message);
    this.name = 'WorkerStartError';
  }
}

/** The worker process ended while it held a request. */
export class WorkerExitedError extends Error {
  constructor(readonly exit: string) {
    super(`the Python worker exited (${exit})`);
    this.name = 'WorkerExitedError';
  }
}

/** The worker ended before it began this request (it was queued behind the one that was running): send it elsewhere. */
export class RequestNotStartedError extends Error {
  constructor(readonly exit: string) {
    super(`the Python worker exited (${exit}) before it began this request`);
    this.name = 'RequestNotStartedError';
  }
}

interface Pending {
  resolve(reply: WorkerReply): void;
  reject(err: Error): void;
  /** Called when the worker begins this request: at once when it was idle, else when the one before is answered. */
  started(): void;
}

/** How long, after the process has ended, the replies it wrote before ending may take to be read. */
const drainAfterExitMs = 250;
/** Weight of the newest run in `recentRunMs`. */
const runTimeWeight = 0.2;

const stderrTailLines = 20;

export class PythonWorker {
  private readonly child: ChildProcess;
  private readonly toWorker: Writable;
  /** Sent and not yet answered, oldest first: the worker answers in order, one at a time, so only the first has begun. */
  private readonly inFlight: Pending[] = [];
  private headStartedAt = 0;
  private runMs = Number.POSITIVE_INFINITY;
  private nextId = 1;
  private exitDescription: string | undefined;
  private readonly stderrTail: string[] = [];
  /**
   * Requests sent in one turn of the event loop (several connections' requests read in one poll) go to the worker
   * in one write: each write to a worker that sleeps in read() wakes it, and on this kind of machine (a VM with
   * page-table isolation) waking a process costs the writer tens of microseconds. Uncorked when the turn's I/O
   * has been handled (setImmediate), so no request waits for a later one.
   */
  private readonly uncork = (): void => {
    this.toWorker.uncork();
  };
  readonly ready: Promise<WorkerReady>;
  readonly exited: Promise<string>;

  constructor(spec: WorkerSpec) {
    this.child = spawn(spec.python, ['-u', spec.bootFile], { cwd: spec.cwd, env: spec.env, stdio: ['ignore', 'pipe', 'pipe', 'pipe', 'pipe'] });
    this.toWorker = this.child.stdio[3] as Writable;
    // A worker that dies leaves EPIPE on its pipe: the exit handler reports it, not an unhandled error.
    this.toWorker.on('error', () => undefined);
    const fromWorker = this.child.stdio[4] as Readable;
    let fromWorkerEnded = false;
    fromWorker.once('end', () => (fromWorkerEnded = true));
    const tag = `python[${this.child.pid ?? '?'}]`;
    createInterface({ input: this.child.stdout as Readable }).on('line', (line) => spec.logger.info(`${tag} ${line}`));
    createInterface({ input: this.child.stderr as Readable }).on('line', (line) => {
      this.stderrTail.push(line);
      if (this.stderrTail.length > stderrTailLines) this.stderrTail.shift();
      spec.logger.info(`${tag} ${line}`);
    });
    this.exited = new Promise((resolve) => {
      this.child.once('exit', (code, signal) => {
        const how = signal ? `signal ${signal}` : `exit code ${code}`;
        this.exitDescription = how;
        // The replies the worker wrote before it ended are still in the pipe: read them first, so that a request it
        // answered is not failed, and one queued behind is known not to have begun. A process the worker forked
        // keeps the pipe open, hence the bound.
        const settle = (): void => {
          const [head, ...queued] = this.inFlight.splice(0);
          head?.reject(new WorkerExitedError(how));
          for (const q of queued) q.reject(new RequestNotStartedError(how));
          resolve(how);
        };
        if (fromWorkerEnded) setImmediate(settle);
        else {
          const timer = setTimeout(settle, drainAfterExitMs);
          fromWorker.once('end', () => {
            clearTimeout(timer);
            setImmediate(settle);
          });
        }
      });
      this.child.once('error', (err) => {
        this.exitDescription = err.message;
        resolve(err.message);
      });
    });
    this.ready = new Promise<WorkerReady>((resolve, reject) => {
      const reader = new FrameReader();
      let started = false;
      fromWorker.on('data', (chunk: Buffer) => {
        for (const frame of reader.push(chunk)) {
          if (!started) {
            started = true;
            this.onStartFrame(frame, resolve, reject);
          } else {
            this.onReply(frame);
          }
        }
      });
      void this.exited.then((how) => {
        if (started) return;
        const tail = this.stderrTail.join('\n');
        const spawnFailed = /ENOENT/.test(how) ? ` (is ${spec.python} installed?)` : '';
        reject(new WorkerStartError('start', `The Python worker (${spec.python}) ended before it was ready: ${how}${spawnFailed}.`, tail));
      });
    });
    this.ready.catch(() => undefined);
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get alive(): boolean {
    return this.exitDescription === undefined;
  }

  /** Requests sent and not yet answered. */
  get load(): number {
    return this.inFlight.length;
  }

  /** A moving average of how long its recent requests kept it busy (as it reports); infinite before the first. */
  get recentRunMs(): number {
    return this.runMs;
  }

  private onStartFrame(frame: Frame, resolve: (r: WorkerReady) => void, reject: (e: Error) => void): void {
    const h = frame.header;
    if (h.type === 'ready') {
      resolve({
        mode: h.mode as PythonMode,
        inputSample: h.inputSample ?? undefined,
        outputSample: h.outputSample ?? undefined,
        schemaImplementation: String(h.schemaImplementation ?? 'modelport'),
        python: String(h.python ?? ''),
        executable: String(h.executable ?? ''),
        initMs: Number(h.initMs ?? 0),
      });
      return;
    }
    const phase = h.phase === 'init' ? 'init' : 'load';
    reject(new WorkerStartError(phase, String(h.message ?? 'the script could not start'), String(h.detail ?? '')));
  }

  private onReply(frame: Frame): void {
    const pending = this.inFlight.shift();
    if (!pending) return;
    const now = performance.now();
    // The worker's own timing: replies that arrive together would otherwise count the later ones as ~0 ms.
    const ms = typeof frame.header.busyMs === 'number' ? frame.header.busyMs : now - this.headStartedAt;
    this.runMs = Number.isFinite(this.runMs) ? this.runMs + runTimeWeight * (ms - this.runMs) : ms;
    const next = this.inFlight[0];
    if (next) {
      this.headStartedAt = now;
      next.started();
    }
    const h = frame.header;
    pending.resolve({
      status: Number(h.status ?? 500),
      headers: (Array.isArray(h.headers) ? h.headers : []) as Array<[string, string]>,
      failed: h.failed === true,
      error: typeof h.error === 'string' ? h.error : undefined,
      kind: typeof h.kind === 'string' ? h.kind : undefined,
      body: frame.body,
    });
  }

  /**
   * Sends one request. A busy worker reads it when it has answered those before it, so it waits in the pipe:
   * `started` says when it begins.
   */
  send(req: WorkerRequest, started: () => void): Promise<WorkerReply> {
    if (!this.alive) return Promise.reject(new RequestNotStartedError(this.exitDescription ?? 'gone'));
    return new Promise<WorkerReply>((resolve, reject) => {
      this.inFlight.push({ resolve, reject, started });
      if (this.inFlight.length === 1) {
        this.headStartedAt = performance.now();
        started();
      }
      const { body, ...rest } = req;
      if (this.toWorker.writableCorked === 0) {
        this.toWorker.cork();
        setImmediate(this.uncork);
      }
      this.toWorker.write(encodeFrame({ type: 'request', id: this.nextId++, ...rest }, body));
    });
  }

  kill(): void {
    if (this.alive) this.child.kill('SIGKILL');
  }

  /** Asks the worker to finish (it is idle once the app has drained), then kills it after `graceMs`. */
  async stop(graceMs = 5_000): Promise<void> {
    if (!this.alive) return;
    this.toWorker.end(encodeFrame({ type: 'stop' }));
    const timer = setTimeout(() => this.kill(), graceMs);
    timer.unref();
    await this.exited;
    clearTimeout(timer);
  }
}
