// Where a model's runs go when nobody chose (`--inference-workers auto`, the default). onnxruntime-node runs a
// session synchronously on the calling thread, so a model on the main thread holds the event loop (health probes,
// /metrics, the parsing of every other request) for its whole run, and leaves the other cores idle. For the
// sample models a run takes tens of microseconds and a worker's round trip (about 0.2 ms) would cost more than it
// saves; for a model whose run takes milliseconds the loop stalls. Nothing in a model file says which kind it is
// (a dynamic width makes the same model cheap or costly), so the runs themselves tell: they start on the main
// thread, how long each holds the loop is measured, and once the recent ones hold it for `heavyRunMs` or more the
// model moves to worker threads, once and for good.

/** A run that holds the event loop this long delays every other answer by as much; a worker's round trip is 5 % of it. */
export const heavyRunMs = 4;
/** Runs looked at: the median of five ignores one garbage collection or one run that waited for the CPU. */
const windowSize = 5;

export class LoopHoldWatch {
  private readonly recent: number[] = [];

  constructor(private readonly thresholdMs = heavyRunMs) {}

  /** Records how long one run held the loop; the median of the last runs when it reaches the threshold, else undefined. */
  record(ms: number): number | undefined {
    this.recent.push(ms);
    if (this.recent.length > windowSize) this.recent.shift();
    if (this.recent.length < windowSize) return undefined;
    const median = [...this.recent].sort((a, b) => a - b)[Math.floor(windowSize / 2)] as number;
    return median >= this.thresholdMs ? median : undefined;
  }
}

/**
 * Calls `start` and tells `held` how long its synchronous part held the event loop. onnxruntime-node does its run
 * in a setImmediate callback queued by `session.run`; immediates run in the order they were queued, so one queued
 * just before and one just after bracket it exactly, and the time spent waiting in the queue does not count. The
 * caller gets the run's own promise, so the measuring adds no wait. Should a later onnxruntime-node run off the
 * thread, the bracket measures about nothing, which is then the truth: the loop is not held.
 */
export function watchLoopHold<T>(start: () => Promise<T>, held: (ms: number) => void): Promise<T> {
  let before = 0;
  setImmediate(() => {
    before = performance.now();
  });
  const running = start();
  setImmediate(() => held(performance.now() - before));
  return running;
}
