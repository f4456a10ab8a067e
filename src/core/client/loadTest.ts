// A bounded load tester: N requests at concurrency C, never more than a hard time limit, reporting progress
// as it goes (latency percentiles and requests per second of the last interval) and a summary at the end.
// The seeds benchmark their services with Apache Bench; this is that, inside the editor.

export const loadTestLimits = { maxRequests: 10_000, maxConcurrency: 64, maxDurationMs: 60_000 } as const;

export interface LoadTestOptions {
  requests: number;
  concurrency: number;
  /** Hard limit: in-flight requests are aborted when it passes. */
  maxDurationMs: number;
  /** Sends one request; resolves with its HTTP status (a thrown error counts as a failure). */
  send: (signal: AbortSignal) => Promise<number>;
  onProgress?: (progress: LoadTestProgress) => void;
  progressIntervalMs?: number;
  signal?: AbortSignal;
  now?: () => number;
}

export interface LatencyStats {
  p50: number;
  p95: number;
  p99: number;
  min: number;
  max: number;
  mean: number;
}

export interface LoadTestPoint extends Pick<LatencyStats, 'p50' | 'p95' | 'p99'> {
  /** Milliseconds since the start. */
  t: number;
  rps: number;
}

export interface LoadTestProgress {
  requested: number;
  completed: number;
  succeeded: number;
  failed: number;
  elapsedMs: number;
  /** The latest point (percentiles over requests finished in the last interval). */
  point: LoadTestPoint;
}

export interface LoadTestSummary {
  requested: number;
  completed: number;
  succeeded: number;
  failed: number;
  /** Aborted by the time limit or by the caller: started but never answered. */
  aborted: number;
  concurrency: number;
  elapsedMs: number;
  rps: number;
  latency: LatencyStats;
  /** Status code (or `error`) → count. */
  statuses: Record<string, number>;
  stoppedBy: 'completed' | 'time-limit' | 'cancelled';
  points: LoadTestPoint[];
  firstError: string | undefined;
}

export class LoadTestOptionsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LoadTestOptionsError';
  }
}

export function checkLoadTestOptions(o: Pick<LoadTestOptions, 'requests' | 'concurrency' | 'maxDurationMs'>): void {
  const whole = (v: number, what: string, max: number): void => {
    if (!Number.isInteger(v) || v < 1 || v > max) throw new LoadTestOptionsError(`${what} must be a whole number from 1 to ${max}, got ${v}.`);
  };
  whole(o.requests, 'The number of requests', loadTestLimits.maxRequests);
  whole(o.concurrency, 'Concurrency', loadTestLimits.maxConcurrency);
  whole(o.maxDurationMs, 'The time limit (ms)', loadTestLimits.maxDurationMs);
}

/** Nearest-rank percentile of values sorted ascending; 0 for none. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] ?? 0;
}

export function latencyStats(values: readonly number[]): LatencyStats {
  const sorted = [...values].sort((a, b) => a - b);
  const sum = sorted.reduce((a, b) => a + b, 0);
  return {
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    min: sorted[0] ?? 0,
    max: sorted[sorted.length - 1] ?? 0,
    mean: sorted.length > 0 ? sum / sorted.length : 0,
  };
}

export async function runLoadTest(options: LoadTestOptions): Promise<LoadTestSummary> {
  checkLoadTestOptions(options);
  const now = options.now ?? (() => performance.now());
  const interval = options.progressIntervalMs ?? 250;
  const abort = new AbortController();
  const onOuterAbort = (): void => abort.abort();
  options.signal?.addEventListener('abort', onOuterAbort, { once: true });
  if (options.signal?.aborted) abort.abort();

  const start = now();
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  const points: LoadTestPoint[] = [];
  let windowLatencies: number[] = [];
  let lastTick = start;
  let requested = 0;
  let succeeded = 0;
  let failed = 0;
  let aborted = 0;
  let firstError: string | undefined;
  let stoppedBy = 'completed' as LoadTestSummary['stoppedBy'];

  const tick = (): void => {
    const t = now();
    const span = Math.max(1, t - lastTick);
    const stats = latencyStats(windowLatencies);
    const previous = points[points.length - 1];
    const point: LoadTestPoint =
      windowLatencies.length > 0
        ? { t: t - start, p50: stats.p50, p95: stats.p95, p99: stats.p99, rps: (windowLatencies.length * 1000) / span }
        : { t: t - start, p50: previous?.p50 ?? 0, p95: previous?.p95 ?? 0, p99: previous?.p99 ?? 0, rps: 0 };
    points.push(point);
    windowLatencies = [];
    lastTick = t;
    options.onProgress?.({ requested, completed: succeeded + failed, succeeded, failed, elapsedMs: t - start, point });
  };

  const timer = setInterval(tick, interval);
  const deadline = setTimeout(() => {
    stoppedBy = 'time-limit';
    abort.abort();
  }, options.maxDurationMs);

  const worker = async (): Promise<void> => {
    while (requested < options.requests && !abort.signal.aborted) {
      requested++;
      const t0 = now();
      try {
        const status = await options.send(abort.signal);
        const ms = now() - t0;
        latencies.push(ms);
        windowLatencies.push(ms);
        statuses[String(status)] = (statuses[String(status)] ?? 0) + 1;
        if (status >= 200 && status < 300) succeeded++;
        else {
          failed++;
          firstError ??= `HTTP ${status}`;
        }
      } catch (err) {
        if (abort.signal.aborted) {
          aborted++;
          continue;
        }
        failed++;
        statuses.error = (statuses.error ?? 0) + 1;
        firstError ??= (err as Error).message;
      }
    }
  };

  try {
    await Promise.all(Array.from({ length: Math.min(options.concurrency, options.requests) }, worker));
  } finally {
    clearInterval(timer);
    clearTimeout(deadline);
    options.signal?.removeEventListener('abort', onOuterAbort);
  }
  if (stoppedBy !== 'time-limit' && options.signal?.aborted) stoppedBy = 'cancelled';
  tick();
  const elapsedMs = now() - start;
  return {
    requested,
    completed: succeeded + failed,
    succeeded,
    failed,
    aborted,
    concurrency: options.concurrency,
    elapsedMs,
    rps: elapsedMs > 0 ? ((succeeded + failed) * 1000) / elapsedMs : 0,
    latency: latencyStats(latencies),
    statuses,
    stoppedBy,
    points,
    firstError,
  };
}

export function formatLoadTestSummary(s: LoadTestSummary, target: string): string {
  const ms = (v: number): string => `${v.toFixed(1)} ms`;
  const stopped = s.stoppedBy === 'completed' ? '' : s.stoppedBy === 'time-limit' ? ' (stopped by the time limit)' : ' (stopped by the user)';
  return [
    `Load test of ${target}${stopped}`,
    `Requests:     ${s.completed} completed of ${s.requested} started, concurrency ${s.concurrency}`,
    `Succeeded:    ${s.succeeded}   Failed: ${s.failed}${s.aborted ? `   Aborted: ${s.aborted}` : ''}`,
    `Duration:     ${(s.elapsedMs / 1000).toFixed(2)} s`,
    `Throughput:   ${s.rps.toFixed(1)} requests/s`,
    `Latency:      p50 ${ms(s.latency.p50)}   p95 ${ms(s.latency.p95)}   p99 ${ms(s.latency.p99)}`,
    `              min ${ms(s.latency.min)}   mean ${ms(s.latency.mean)}   max ${ms(s.latency.max)}`,
    `Statuses:     ${Object.entries(s.statuses).map(([k, v]) => `${k}: ${v}`).join(', ') || 'none'}`,
    ...(s.firstError ? [`First error:  ${s.firstError}`] : []),
  ].join('\n');
}
