// Dynamic batching: concurrent requests for one model are gathered into one model run and the outputs are split
// back by row ranges. Requests arrive here already validated against the model's signature, so a malformed tensor
// never joins a batch. Only requests that agree on everything but the batch dimension (input types and the other
// dims, the outputs asked for) share a run: PaddleOCR's dynamic height and width batch only with their equals.
//
// Scheduling, per model: a batch starts when the runner has room and either the queue holds maxBatchSize rows or
// its oldest request has waited maxDelayMs; with several runners (worker threads) a batch takes its runner's share
// of the queue, not all of it. With maxDelayMs = 0 (the default) a lone request runs at once and the
// requests that arrive while a run is under way form the next batch, so batching costs nothing at low load and
// grows with the load by itself.
import type { ModelSignature } from '../../core/onnx/signature';
import type { TypedArray } from '../../core/onnx/datatypes';
import type { TensorValue } from '../../core/onnx/tensorData';

export type Feeds = Record<string, TensorValue>;
/** `owned`: the feeds' buffers were made for this run alone (a batch's), so the run may take them (a worker thread's transfer). */
export type RunFn = (feeds: Feeds, outputNames: readonly string[] | undefined, owned?: boolean) => Promise<Feeds>;

export interface BatchingOptions {
  /** Largest number of rows (first-dimension entries) in one model run. 1 turns batching off. */
  maxBatchSize: number;
  /** Longest time the oldest queued request waits for others before its batch runs anyway. */
  maxDelayMs: number;
}

/** What the batcher reports: one call per model run it starts, one per request it queued. */
export interface BatchObserver {
  batch(rows: number, requests: number): void;
  queued(seconds: number): void;
}

export interface BatcherLog {
  warn(message: string): void;
}

interface Pending {
  feeds: Feeds;
  outputNames: readonly string[] | undefined;
  rows: number;
  enqueuedAt: bigint;
  resolve(outputs: Feeds): void;
  reject(err: unknown): void;
}

interface Group {
  key: string;
  items: Pending[];
  rows: number;
  timer: NodeJS.Timeout | undefined;
  /** Holds the last chunk of a large request: runs as soon as the runner has room, without waiting for company. */
  urgent?: boolean;
  /**
   * A run took its share of this group and left the rest: the rest was due with it, and runs as soon as a runner has
   * room. Set to the arrival of the last request left then; those that came later wait for company as usual.
   */
  dueThrough?: bigint;
}

/**
 * Why a model cannot be batched, or undefined when it can: every input and output must start with a dynamic
 * dimension, and when there are several inputs they must share that dimension by name (else nothing says the
 * first dimensions mean the same thing).
 */
export function unbatchableReason(signature: ModelSignature): string | undefined {
  const { inputs, outputs } = signature;
  if (inputs.length === 0 || outputs.length === 0) return 'the model has no inputs or no outputs';
  for (const t of [...inputs, ...outputs]) {
    const d = t.shape[0];
    if (t.shape.length === 0 || (typeof d === 'number' && d >= 0)) return `'${t.name}' has no dynamic first dimension`;
  }
  if (inputs.length > 1) {
    const first = inputs[0]?.shape[0];
    if (typeof first !== 'string' || inputs.some((i) => i.shape[0] !== first)) {
      return 'its inputs do not share one named first dimension';
    }
  }
  return undefined;
}

export class DynamicBatcher {
  private readonly groups = new Map<string, Group>();
  private running = 0;
  private disabled = false;
  /** The rows a batch gathers: maxBatchSize, or fewer while the runner asks it (see limitRows). */
  private rowLimit: number;

  constructor(
    private readonly execute: RunFn,
    private readonly options: BatchingOptions,
    /** How many batches may run at once (1 for a session on the main thread, the pool size for workers). */
    private capacity: number,
    private readonly log: BatcherLog,
    private observer: BatchObserver | undefined = undefined,
  ) {
    this.rowLimit = options.maxBatchSize;
  }

  /**
   * At most `rows` rows per run from now on (undefined: maxBatchSize again): a batch gathers no more, and a request
   * with more runs in chunks of that size, as one larger than a batch always does. A model on the main thread uses
   * this to bound how long one run holds the event loop.
   */
  limitRows(rows: number | undefined): void {
    const limit = Math.max(1, Math.min(this.options.maxBatchSize, rows ?? this.options.maxBatchSize));
    // Told after every main-thread run: most of the time nothing changes, and nothing is to be done.
    if (limit === this.rowLimit) return;
    this.rowLimit = limit;
    this.pump();
    // A group that was full under the old limit got no timer; under a higher one it may now wait for company, and
    // must not wait longer than maxDelayMs for it.
    for (const g of this.groups.values()) this.arm(g);
  }

  private arm(g: Group): void {
    if (g.timer || g.items.length === 0 || this.options.maxDelayMs <= 0) return;
    g.timer = setTimeout(() => {
      g.timer = undefined;
      this.pump(g);
    }, this.options.maxDelayMs);
  }

  /** The runner changed (a model moved to worker threads): more batches may run at once from now on. */
  setCapacity(capacity: number): void {
    this.capacity = capacity;
    this.pump();
  }

  observe(observer: BatchObserver): void {
    this.observer = observer;
  }

  run(feeds: Feeds, outputNames: readonly string[] | undefined, now = false): Promise<Feeds> {
    const rows = rowsOf(feeds);
    if (!this.disabled && rows !== undefined && rows > this.rowLimit && this.options.maxBatchSize > 1) return this.inChunks(feeds, rows, outputNames);
    // A full batch still takes its turn in the queue, so the runner's capacity holds for every run.
    if (this.disabled || rows === undefined || rows === 0) {
      // Nothing to gain from company: run it as it is, but still count it so /metrics shows every run.
      this.observer?.batch(rows ?? 1, 1);
      return this.execute(feeds, outputNames);
    }
    return new Promise<Feeds>((resolve, reject) => {
      const key = compatibilityKey(feeds, outputNames);
      let group = this.groups.get(key);
      if (!group) {
        group = { key, items: [], rows: 0, timer: undefined };
        this.groups.set(key, group);
      }
      group.items.push({ feeds, outputNames, rows, enqueuedAt: process.hrtime.bigint(), resolve, reject });
      group.rows += rows;
      if (now) {
        group.urgent = true;
        this.pump(group);
      } else if (group.rows >= this.rowLimit || this.options.maxDelayMs <= 0) {
        this.pump();
      } else {
        this.arm(group);
      }
    });
  }

  /**
   * A request larger than a batch runs as a sequence of batch-sized chunks, each queued only when the previous one
   * has run: requests that arrive meanwhile join the queue between two chunks instead of waiting for the whole of
   * it, so a large request cannot starve small ones.
   */
  private async inChunks(feeds: Feeds, rows: number, outputNames: readonly string[] | undefined): Promise<Feeds> {
    // The row limit as the request arrives: a batch's size, or less while runs must stay short (limitRows).
    const size = this.rowLimit;
    const parts: Feeds[] = [];
    for (let start = 0; start < rows; start += size) {
      const count = Math.min(size, rows - start);
      // The last, partial chunk does not wait for company: the request has waited its turn already.
      const part = await this.run(sliceRows(feeds, start, count), outputNames, count < size);
      if (this.disabled && Object.values(part).some((v) => v.dims[0] !== count)) {
        // The model turned out not to batch (an output's first dimension is not the rows): run the request whole.
        return this.execute(feeds, outputNames);
      }
      parts.push(part);
    }
    return concatFeeds(parts, rows);
  }

  /** Starts batches while the runner has room: full groups first, then any group `due` names, oldest first. */
  private pump(due?: Group): void {
    // Each run takes its share of a group's queue, not all of it (see take): the shares are counted on the queue as
    // this pump found it, so that runners freed together split it evenly.
    const shares = new Map<Group, number>();
    while (this.running < this.capacity) {
      const group = this.nextGroup(due);
      if (!group) return;
      let share = shares.get(group);
      if (share === undefined) {
        share = Math.ceil(group.rows / this.capacity);
        shares.set(group, share);
      }
      const batch = this.take(group, share);
      if (group === due) due = undefined;
      void this.start(batch);
    }
  }

  private nextGroup(due: Group | undefined): Group | undefined {
    let oldest: Group | undefined;
    const now = process.hrtime.bigint();
    const delayNs = BigInt(Math.round(this.options.maxDelayMs * 1e6));
    for (const g of this.groups.values()) {
      const head = g.items[0];
      if (!head) continue;
      const ready = g === due || (g.dueThrough !== undefined && head.enqueuedAt <= g.dueThrough) || g.urgent === true || g.rows >= this.rowLimit || now - head.enqueuedAt >= delayNs;
      if (ready && (!oldest || head.enqueuedAt < (oldest.items[0]?.enqueuedAt ?? now))) oldest = g;
    }
    return oldest;
  }

  /**
   * Removes up to `share` rows (and never more than the row limit, maxBatchSize) from the front of the group; a
   * request is never split, so a run takes at least its first request whole.
   *
   * The share is the group's rows divided by the runs that may go at once (the worker threads). Taking the whole
   * queue instead, the worker that came free first ran all of it while the other, finishing just after, found
   * nothing left and waited on one request at a time. Three interleaved rounds against the whole-queue rule (wrk,
   * 2 worker threads): on the PP-OCRv4 recogniser at c=8, p99 163–210 → 135–156 ms at the same rows/s (92 → 89,
   * within the noise); on the text-direction classifier at c=32, rows/s 1,257 → 1,386 (+10 %) and p99 45–62 →
   * 35–47 ms. With one runner (the main thread) the share is the whole queue, as before.
   */
  private take(group: Group, share: number): Pending[] {
    const batch: Pending[] = [];
    let rows = 0;
    const limit = Math.min(this.rowLimit, Math.max(1, share));
    while (group.items.length > 0) {
      const next = group.items[0] as Pending;
      if (batch.length > 0 && rows + next.rows > limit) break;
      batch.push(next);
      rows += next.rows;
      group.items.shift();
    }
    group.rows -= rows;
    // Left behind by a share (not by the row limit): the rest was due with what this run took, and must not wait for
    // company, nor for a timer that may have fired already, while a runner is free.
    if (group.items.length > 0 && limit < this.rowLimit) group.dueThrough = (group.items[group.items.length - 1] as Pending).enqueuedAt;
    if (group.items.length === 0) {
      if (group.timer) clearTimeout(group.timer);
      group.timer = undefined;
      this.groups.delete(group.key);
    }
    return batch;
  }

  private async start(batch: Pending[]): Promise<void> {
    this.running += 1;
    const now = process.hrtime.bigint();
    const rows = batch.reduce((n, p) => n + p.rows, 0);
    if (this.observer) {
      for (const p of batch) this.observer.queued(Number(now - p.enqueuedAt) / 1e9);
      this.observer.batch(rows, batch.length);
    }
    try {
      if (batch.length === 1) {
        const only = batch[0] as Pending;
        await this.execute(only.feeds, only.outputNames).then(only.resolve, only.reject);
        return;
      }
      let outputs: Feeds;
      try {
        outputs = await this.execute(concatFeeds(batch.map((p) => p.feeds), rows), batch[0]?.outputNames, true);
      } catch {
        // One request may hold values the model cannot take (an index out of range…): run each alone, so that
        // only that request fails and with its own error.
        await this.alone(batch);
        return;
      }
      const bad = Object.entries(outputs).find(([, v]) => v.dims[0] !== rows);
      if (bad) {
        this.disabled = true;
        this.log.warn(`Dynamic batching is off for this model: output '${bad[0]}' has ${bad[1].dims[0]} rows for ${rows} input rows, so its first dimension is not a batch dimension.`);
        await this.alone(batch);
        return;
      }
      let offset = 0;
      for (const p of batch) {
        p.resolve(sliceRows(outputs, offset, p.rows));
        offset += p.rows;
      }
    } finally {
      this.running -= 1;
      this.pump();
    }
  }

  private async alone(batch: Pending[]): Promise<void> {
    for (const p of batch) await this.execute(p.feeds, p.outputNames).then(p.resolve, p.reject);
  }
}

/** The first dimension shared by every input, or undefined when they disagree (such a request runs alone). */
export function rowsOf(feeds: Feeds): number | undefined {
  let rows: number | undefined;
  for (const v of Object.values(feeds)) {
    const d = v.dims[0];
    if (d === undefined || (rows !== undefined && d !== rows)) return undefined;
    rows = d;
  }
  return rows;
}

function compatibilityKey(feeds: Feeds, outputNames: readonly string[] | undefined): string {
  let key = outputNames ? outputNames.join('\u0000') : '*';
  for (const name of Object.keys(feeds).sort()) {
    const v = feeds[name] as TensorValue;
    key += `\u0001${name}:${v.type}:${v.dims.slice(1).join(',')}`;
  }
  return key;
}

function concatFeeds(all: Feeds[], rows: number): Feeds {
  const first = all[0] as Feeds;
  const out: Feeds = {};
  for (const [name, head] of Object.entries(first)) {
    const dims = [rows, ...head.dims.slice(1)];
    if (head.type === 'string') {
      out[name] = { type: head.type, dims, data: all.flatMap((f) => (f[name] as TensorValue).data as string[]) };
      continue;
    }
    const headData = head.data as TypedArray;
    const total = all.reduce((n, f) => n + (f[name] as TensorValue).data.length, 0);
    const data = new (headData.constructor as new (length: number) => TypedArray)(total);
    let offset = 0;
    for (const f of all) {
      const part = (f[name] as TensorValue).data as TypedArray;
      (data as Float32Array).set(part as Float32Array, offset);
      offset += part.length;
    }
    out[name] = { type: head.type, dims, data };
  }
  return out;
}

/** Rows [start, start + count) of every output, as views on the batch's buffers (no copy). */
function sliceRows(outputs: Feeds, start: number, count: number): Feeds {
  const out: Feeds = {};
  for (const [name, v] of Object.entries(outputs)) {
    const total = v.dims[0] as number;
    const per = total === 0 ? 0 : v.data.length / total;
    const data = Array.isArray(v.data) ? v.data.slice(start * per, (start + count) * per) : v.data.subarray(start * per, (start + count) * per);
    out[name] = { type: v.type, dims: [count, ...v.dims.slice(1)], data };
  }
  return out;
}
