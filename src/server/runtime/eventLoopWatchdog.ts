// Ends a scoring process whose event loop is stuck, so that whoever runs it (the local service host, Docker's
// restart policy, Kubernetes) can start a fresh one. The scoring timeout cannot do this: it is a timer on the
// very event loop that a synchronous `run()` (`while (true) {}`) holds, so it never fires, and neither do health
// checks. Azure's inference server gets the same protection from gunicorn's worker timeout.
//
// The main thread increments a counter in shared memory every ~100 ms from an unref'd timer; a worker thread,
// which keeps running while the main thread spins, watches that counter with `Atomics.wait` timeouts. When the
// counter has not moved for longer than the limit, the worker writes one line to stderr and SIGKILLs the whole
// process (exit status 137). `process.exit()` would not do: in a worker it only ends the worker.
//
// Two limits: a long one while the service starts (loading the entry script, init(), model warm-up) and the
// serving one afterwards. Under the Node inspector the watchdog stays off, since a paused breakpoint stops the
// event loop exactly like a stuck run() does.
import { url as inspectorUrl } from 'node:inspector';
import { Worker } from 'node:worker_threads';
import { errorMessage } from '../../core/errors';

/** Start-up may block longer (a big model's warm-up, a synchronous init()); never less than this. */
export const startupWatchdogMinMs = 120_000;

/** The start-up limit that goes with a serving limit: at least 120 s. */
export function startupWatchdogMs(limitMs: number): number {
  return Math.max(limitMs, startupWatchdogMinMs);
}

export interface WatchdogOptions {
  /** The longest the event loop may stay blocked once the service serves, in ms. */
  limitMs: number;
  /** The same while it starts (until `serving()` is called). */
  startupLimitMs: number;
  /** The service's scoring timeout, quoted in the message. */
  scoringTimeoutMs: number;
  /** What is most likely holding the loop, quoted in the message: "an entry script's run() or init() is not returning". */
  culprit: string;
  /** The worker thread failed, so nothing watches any more (not expected; reported so it is not silent). */
  onWorkerError?: (err: Error) => void;
}

// Slots of the shared Int32Array.
const beatSlot = 0; // incremented by the main thread
const limitSlot = 1; // the limit in force, in ms; 0 switches the check off
const stopSlot = 2; // 1 asks the worker to end; the worker waits on this slot so that a notify wakes it

// Plain CommonJS evaluated by the worker (as in sessionWorkers.ts): nothing to bundle or resolve. The worker
// measures time on its own clock; if its own wait overran by far, the whole process was frozen (SIGSTOP, a
// suspended laptop), not its event loop alone, so counting starts again instead of killing a healthy service.
const workerSource = `
const { workerData } = require('node:worker_threads');
const { writeSync } = require('node:fs');
const { performance } = require('node:perf_hooks');
const shared = new Int32Array(workerData.shared);
const { checkMs, scoringTimeoutMs, culprit } = workerData;
let seen = Atomics.load(shared, ${beatSlot});
let since = performance.now();
let last = since;
while (Atomics.load(shared, ${stopSlot}) === 0) {
  Atomics.wait(shared, ${stopSlot}, 0, checkMs);
  const now = performance.now();
  const beat = Atomics.load(shared, ${beatSlot});
  if (beat !== seen || now - last > checkMs + 2000) {
    seen = beat;
    since = now;
  }
  last = now;
  const limit = Atomics.load(shared, ${limitSlot});
  const blocked = Math.round(now - since);
  if (limit > 0 && blocked > limit && Atomics.load(shared, ${stopSlot}) === 0) {
    writeSync(2, new Date().toISOString() + ' ERROR The event loop has been blocked for ' + blocked + ' ms (scoring timeout ' + scoringTimeoutMs + ' ms): ' + culprit + '. Exiting so the service can be restarted.\\n');
    process.kill(process.pid, 'SIGKILL');
  }
}
`;

export class EventLoopWatchdog {
  private constructor(
    private readonly shared: Int32Array,
    private readonly worker: Worker,
    private readonly heartbeat: NodeJS.Timeout,
    private readonly limitMs: number,
  ) {}

  /**
   * Starts watching with the start-up limit. Returns `{off: reason}` instead when it cannot watch: under the
   * Node inspector (a breakpoint would look like a stuck loop) or when its worker thread cannot start.
   */
  static start(options: WatchdogOptions): { watchdog: EventLoopWatchdog } | { off: string } {
    if (inspectorUrl()) return { off: 'the Node inspector is on, and a paused breakpoint must not end the service' };
    const smallest = Math.min(options.limitMs, options.startupLimitMs);
    // A few checks and heartbeats per limit, so that short limits (in tests) are not missed or tripped early.
    const checkMs = Math.min(250, Math.max(5, Math.floor(smallest / 10)));
    const beatMs = Math.min(100, Math.max(5, Math.floor(smallest / 5)));
    const shared = new Int32Array(new SharedArrayBuffer(3 * Int32Array.BYTES_PER_ELEMENT));
    Atomics.store(shared, limitSlot, options.startupLimitMs);
    let worker: Worker;
    try {
      worker = new Worker(workerSource, {
        eval: true,
        workerData: { shared: shared.buffer, checkMs, scoringTimeoutMs: options.scoringTimeoutMs, culprit: options.culprit },
      });
    } catch (err) {
      return { off: `its worker thread could not start (${errorMessage(err)})` };
    }
    worker.unref();
    worker.on('error', (err) => options.onWorkerError?.(err));
    const heartbeat = setInterval(() => {
      // An inspector opened later (SIGUSR1, `node --inspect` attach) switches the check off for good.
      if (inspectorUrl()) Atomics.store(shared, limitSlot, 0);
      Atomics.add(shared, beatSlot, 1);
    }, beatMs);
    heartbeat.unref();
    return { watchdog: new EventLoopWatchdog(shared, worker, heartbeat, options.limitMs) };
  }

  /** Start-up is over: the serving limit applies from now on. */
  serving(): void {
    if (Atomics.load(this.shared, limitSlot) !== 0) Atomics.store(this.shared, limitSlot, this.limitMs);
  }

  /** Stops watching and ends the worker. Safe to call more than once. */
  async stop(): Promise<void> {
    clearInterval(this.heartbeat);
    Atomics.store(this.shared, stopSlot, 1);
    Atomics.notify(this.shared, stopSlot);
    await this.worker.terminate();
  }
}
