// A small Prometheus text-format registry: counters, gauges and histograms with labels. The service needs a
// handful of series, not a client library; the exposition format is simple and stable (text format 0.0.4).

type Labels = Record<string, string>;

function labelKey(labels: Labels): string {
  const keys = Object.keys(labels).sort();
  if (keys.length === 0) return '';
  return '{' + keys.map((k) => `${k}="${escapeLabel(labels[k] ?? '')}"`).join(',') + '}';
}

function escapeLabel(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

function formatNumber(n: number): string {
  if (n === Infinity) return '+Inf';
  if (n === -Infinity) return '-Inf';
  return Number.isNaN(n) ? 'NaN' : String(n);
}

export interface Metric {
  render(): string;
}

export class Counter implements Metric {
  private readonly values = new Map<string, number>();
  constructor(readonly name: string, readonly help: string) {}
  inc(labels: Labels = {}, by = 1): void {
    const k = labelKey(labels);
    this.values.set(k, (this.values.get(k) ?? 0) + by);
  }
  get(labels: Labels = {}): number {
    return this.values.get(labelKey(labels)) ?? 0;
  }
  snapshot(): Array<[string, number]> {
    return [...this.values];
  }
  /** Adds another process's values (series keyed alike), for one scrape over several server processes. */
  absorb(values: ReadonlyArray<[string, number]>): void {
    for (const [k, v] of values) this.values.set(k, (this.values.get(k) ?? 0) + v);
  }
  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} counter`];
    for (const [k, v] of this.values) lines.push(`${this.name}${k} ${formatNumber(v)}`);
    return lines.join('\n');
  }
}

export class Gauge implements Metric {
  private readonly values = new Map<string, number>();
  constructor(readonly name: string, readonly help: string) {}
  set(value: number, labels: Labels = {}): void {
    this.values.set(labelKey(labels), value);
  }
  add(by: number, labels: Labels = {}): void {
    const k = labelKey(labels);
    this.values.set(k, (this.values.get(k) ?? 0) + by);
  }
  get(labels: Labels = {}): number {
    return this.values.get(labelKey(labels)) ?? 0;
  }
  snapshot(): Array<[string, number]> {
    return [...this.values];
  }
  /** Sums another process's values: the gauges here (requests in flight) add up across processes. */
  absorb(values: ReadonlyArray<[string, number]>): void {
    for (const [k, v] of values) this.values.set(k, (this.values.get(k) ?? 0) + v);
  }
  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} gauge`];
    if (this.values.size === 0) lines.push(`${this.name} 0`);
    for (const [k, v] of this.values) lines.push(`${this.name}${k} ${formatNumber(v)}`);
    return lines.join('\n');
  }
}

export interface HistogramSeries {
  labels: Labels;
  buckets: number[];
  sum: number;
  count: number;
}

export class Histogram implements Metric {
  private readonly series = new Map<string, HistogramSeries>();
  constructor(readonly name: string, readonly help: string, readonly bounds: readonly number[]) {}
  observe(value: number, labels: Labels = {}): void {
    const k = labelKey(labels);
    let s = this.series.get(k);
    if (!s) {
      s = { labels, buckets: new Array<number>(this.bounds.length).fill(0), sum: 0, count: 0 };
      this.series.set(k, s);
    }
    for (let i = 0; i < this.bounds.length; i++) {
      if (value <= (this.bounds[i] ?? Infinity)) s.buckets[i] = (s.buckets[i] ?? 0) + 1;
    }
    s.sum += value;
    s.count += 1;
  }
  count(labels: Labels = {}): number {
    return this.series.get(labelKey(labels))?.count ?? 0;
  }
  snapshot(): Array<[string, HistogramSeries]> {
    return [...this.series].map(([k, s]) => [k, { labels: { ...s.labels }, buckets: [...s.buckets], sum: s.sum, count: s.count }]);
  }
  /** Adds another process's series (same bounds: the same code defines them). */
  absorb(series: ReadonlyArray<[string, HistogramSeries]>): void {
    for (const [k, o] of series) {
      const s = this.series.get(k);
      if (!s) {
        this.series.set(k, { labels: { ...o.labels }, buckets: [...o.buckets], sum: o.sum, count: o.count });
        continue;
      }
      o.buckets.forEach((b, i) => (s.buckets[i] = (s.buckets[i] ?? 0) + b));
      s.sum += o.sum;
      s.count += o.count;
    }
  }
  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} histogram`];
    for (const s of this.series.values()) {
      this.bounds.forEach((b, i) => {
        lines.push(`${this.name}_bucket${labelKey({ ...s.labels, le: formatNumber(b) })} ${s.buckets[i] ?? 0}`);
      });
      lines.push(`${this.name}_bucket${labelKey({ ...s.labels, le: '+Inf' })} ${s.count}`);
      lines.push(`${this.name}_sum${labelKey(s.labels)} ${formatNumber(s.sum)}`);
      lines.push(`${this.name}_count${labelKey(s.labels)} ${s.count}`);
    }
    return lines.join('\n');
  }
}

const batchSizeBuckets = [1, 2, 4, 8, 16, 32, 64, 128, 256];
const queueBuckets = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1];

const latencyBuckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

/** The series the scoring service exposes on /metrics. */
export class ServiceMetrics {
  readonly requests = new Counter('modelport_requests_total', 'HTTP requests by route, method and status code.');
  readonly latency = new Histogram('modelport_request_duration_seconds', 'Time from request received to response sent.', latencyBuckets);
  readonly inFlight = new Gauge('modelport_requests_in_flight', 'Requests being handled right now.');
  readonly modelRun = new Histogram('modelport_model_run_seconds', 'Time spent in the model or in run(), per model.', latencyBuckets);
  readonly modelErrors = new Counter('modelport_model_errors_total', 'Failed model runs or run() calls, per model.');
  readonly batchSize = new Histogram('modelport_batch_size', 'Rows in one onnxruntime run of a batching model, per model.', batchSizeBuckets);
  readonly batchRequests = new Counter('modelport_batch_requests_total', 'Requests served by the runs counted in modelport_batch_size, per model.');
  readonly queueDelay = new Histogram('modelport_batch_queue_seconds', 'Time a request waited for its batch to start, per model.', queueBuckets);
  readonly inferenceThreads = new Gauge('modelport_inference_threads', 'Worker threads running the model (0: its runs are on the main thread), per model, summed over server processes.');

  /** The batcher's view of one model, labelled with it. */
  batchObserver(model: string): { batch(rows: number, requests: number): void; queued(seconds: number): void } {
    const labels = { model };
    return {
      batch: (rows, requests) => {
        this.batchSize.observe(rows, labels);
        this.batchRequests.inc(labels, requests);
      },
      queued: (seconds) => this.queueDelay.observe(seconds, labels),
    };
  }

  private get counters(): Record<'requests' | 'modelErrors' | 'batchRequests', Counter> {
    return { requests: this.requests, modelErrors: this.modelErrors, batchRequests: this.batchRequests };
  }

  private get histograms(): Record<'latency' | 'modelRun' | 'batchSize' | 'queueDelay', Histogram> {
    return { latency: this.latency, modelRun: this.modelRun, batchSize: this.batchSize, queueDelay: this.queueDelay };
  }

  /** Every series' values, structured-cloneable: what one server process reports to the primary (src/server/cluster). */
  snapshot(): MetricsSnapshot {
    const counters = Object.fromEntries(Object.entries(this.counters).map(([k, c]) => [k, c.snapshot()]));
    const histograms = Object.fromEntries(Object.entries(this.histograms).map(([k, h]) => [k, h.snapshot()]));
    return { counters, gauges: { inFlight: this.inFlight.snapshot(), inferenceThreads: this.inferenceThreads.snapshot() }, histograms };
  }

  /** Adds a snapshot; `withGauges: false` for a process that has ended (its counts stay, its in-flight requests do not). */
  absorb(snap: MetricsSnapshot, withGauges = true): void {
    for (const [k, c] of Object.entries(this.counters)) c.absorb(snap.counters[k] ?? []);
    for (const [k, h] of Object.entries(this.histograms)) h.absorb(snap.histograms[k] ?? []);
    if (withGauges) {
      this.inFlight.absorb(snap.gauges.inFlight ?? []);
      this.inferenceThreads.absorb(snap.gauges.inferenceThreads ?? []);
    }
  }

  /** Series that only a service of several server processes has (added by the primary's aggregate). */
  readonly extra: Metric[] = [];

  render(): string {
    return [this.requests, this.latency, this.inFlight, this.modelRun, this.modelErrors, this.batchSize, this.batchRequests, this.queueDelay, this.inferenceThreads, ...this.extra]
      .map((m) => m.render())
      .join('\n') + '\n';
  }
}

export interface MetricsSnapshot {
  counters: Record<string, Array<[string, number]>>;
  gauges: Record<string, Array<[string, number]>>;
  histograms: Record<string, Array<[string, HistogramSeries]>>;
}
