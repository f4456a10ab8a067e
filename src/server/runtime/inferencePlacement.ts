// Where a model's runs go when nobody chose (`--inference-workers auto`, the default). onnxruntime-node runs a
// session synchronously on the calling thread, so a model on the main thread holds the event loop (health probes,
// /metrics, the parsing of every other request) for its whole run, and leaves the other cores idle. For the
// sample models a run takes tens of microseconds and a worker's round trip (about 0.2 ms) would cost more than it
// saves; for a model whose run takes milliseconds the loop stalls. Nothing in a model file says which kind it is
// (a dynamic width makes the same model cheap or costly), so the runs themselves tell: they start on the main
// thread, how long each holds the loop is measured, and once each of the recent ones holds it for `heavyRunMs` or
// more the model moves to worker threads, once and for good.

/** A run that holds the event loop this long delays every other answer by as much; a worker's round trip is 5 % of it. */
export const heavyRunMs = 4;
/**
 * While runs are on the main thread ('auto'), a batch gathers only the rows that hold the loop for about this many
 * times the threshold (at least one row): under load the queue would otherwise make one batch of everything waiting,
 * and a health probe would wait for all of it (8 rows of the PP-OCRv4 recogniser: 160 ms). Above 1, so that a model
 * cheap per row but costly in full batches still reaches the threshold and moves.
 */
const batchHoldFactor = 2;
/**
 * Runs looked at. The fastest of them must reach the threshold: on a busy machine a cheap run is sometimes
 * descheduled mid-way and seems long, but not five times in a row.
 */
const windowSize = 5;

export class LoopHoldWatch {
  private readonly recent: number[] = [];
  private readonly perRow: number[] = [];

  constructor(private readonly thresholdMs = heavyRunMs) {}

  /**
   * The rows a main-thread batch may gather (see batchHoldFactor), from the cheapest row cost of the last runs;
   * undefined until a run has been measured.
   */
  rowLimit(ms: number, rows: number | undefined): number | undefined {
    // A run measured at 0 ms (one that failed before it began) says nothing of a row's cost.
    if (rows !== undefined && rows > 0 && ms > 0) {
      this.perRow.push(ms / rows);
      if (this.perRow.length > windowSize) this.perRow.shift();
    }
    if (this.perRow.length === 0) return undefined;
    const cheapest = Math.min(...this.perRow);
    return cheapest > 0 ? Math.max(1, Math.floor((batchHoldFactor * this.thresholdMs) / cheapest)) : undefined;
  }

  /** Records how long one run held the loop; the shortest of the last runs once even that reaches the threshold. */
  record(ms: number): number | undefined {
    this.recent.push(ms);
    if (this.recent.length > windowSize) this.recent.shift();
    if (this.recent.length < windowSize) return undefined;
    const shortest = Math.min(...this.recent);
    return shortest >= this.thresholdMs ? shortest : undefined;
  }
}

/**
 * Calls `start` and tells `held` how long its synchronous part held the event loop. onnxruntime-node does its run
 * in a setImmediate callback queued by `session.run`, and immediates run in the order they were queued: one queued
 * just before marks the run's start, so the time spent waiting in the queue does not count. Its end is the moment
 * the run's promise settles (outputs wrapped, nothing else yet: the answers to the requests it served are written
 * by continuations that come after). One queued just after bounds it: should a later onnxruntime-node run off the
 * thread, that one fires at once and the hold measured is about nothing, which is then the truth. The caller gets
 * the run's own result; the measuring adds no wait.
 */
export function watchLoopHold<T>(start: () => Promise<T>, held: (ms: number) => void): Promise<T> {
  let before = -1;
  let settled = -1;
  let after = -1;
  let reported = false;
  // Told as the run settles, before its caller goes on (a batcher picks its next batch then, by what it is told):
  // the bracket's end, not yet passed, can only be later, so the hold is the settling's.
  const report = (): void => {
    if (reported || before < 0 || settled < 0) return;
    reported = true;
    held(Math.max(0, (after >= 0 ? Math.min(settled, after) : settled) - before));
  };
  setImmediate(() => {
    before = performance.now();
  });
  const running = start();
  setImmediate(() => {
    after = performance.now();
    report();
  });
  return running.then(
    (value) => {
      settled = performance.now();
      report();
      return value;
    },
    (err: unknown) => {
      settled = performance.now();
      report();
      throw err;
    },
  );
}
