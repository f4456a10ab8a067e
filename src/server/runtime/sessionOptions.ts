// How models run: onnxruntime session options and dynamic batching, tuned for a small shared machine and
// overridable per service (command line first, then the environment). Defaults are measured: see BENCHMARKS.md.
import { availableParallelism } from 'node:os';
import { ConfigError } from '../../core/errors';
import type { BatchingOptions } from './dynamicBatcher';

export type GraphOptimizationLevel = 'disabled' | 'basic' | 'extended' | 'all';

export interface RuntimeOptions {
  intraOpThreads: number;
  graphOptimizationLevel: GraphOptimizationLevel;
  /** maxBatchSize 1 means no batching. */
  batching: BatchingOptions;
  /**
   * Worker threads that run the model, each with its own session; 0 runs it on the main thread. 'auto' (the
   * default) starts on the main thread and moves a model whose runs hold the event loop for milliseconds to
   * `autoWorkers` worker threads (see inferencePlacement.ts).
   */
  workers: number | 'auto';
  /** How many worker threads 'auto' moves a slow model to: this process's share of the machine's cores. */
  autoWorkers: number;
  /** How long runs must hold the event loop before 'auto' moves them (inferencePlacement.ts's heavyRunMs unless set). */
  heavyRunMs?: number;
}

/**
 * One intra-op thread: the sample models run a batch in well under a millisecond, where a second thread costs
 * more in hand-offs than it brings (and on a small machine it competes with the event loop for the same cores).
 */
export const defaultIntraOpThreads = 1;
/** The sample image model's throughput peaks around 32 rows per run; beyond it per-row cost rises again. */
export const defaultMaxBatchSize = 32;
/** Batches form from the requests that arrive while a run is under way; a lone request never waits. */
export const defaultMaxBatchDelayMs = 0;
/**
 * Decided per model: for the sample models a worker's message round trip costs more than the run it moves away, so
 * they stay on the main thread; a model whose runs take milliseconds moves to worker threads (inferencePlacement.ts).
 */
export const defaultWorkers = 'auto';

export interface RuntimeFlags {
  intraOpThreads?: string;
  graphOptimization?: string;
  maxBatchSize?: string;
  maxBatchDelayMs?: string;
  /** false when `--no-batching` was given. */
  batching?: boolean;
  workers?: string;
}

const levels: readonly GraphOptimizationLevel[] = ['disabled', 'basic', 'extended', 'all'];

function wholeNumber(value: string, what: string, min: number): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || n < min) throw new ConfigError(`${what} must be a whole number of at least ${min}, got '${value}'.`);
  return n;
}

function offSwitch(value: string | undefined): boolean {
  return value !== undefined && ['off', 'false', '0', 'no'].includes(value.trim().toLowerCase());
}

/** What 'auto' divides: the cores this process may use, and how many server processes share them. */
export interface MachineShare {
  cores: number;
  processes: number;
}

function inferenceWorkers(value: string | undefined, fromFlag: boolean): number | 'auto' {
  if (value === undefined || value.trim().toLowerCase() === 'auto') return defaultWorkers;
  return wholeNumber(value, fromFlag ? '--inference-workers' : 'MODELPORT_INFERENCE_WORKERS', 0);
}

export function resolveRuntimeOptions(flags: RuntimeFlags, env: NodeJS.ProcessEnv, share: MachineShare = { cores: availableParallelism(), processes: 1 }): RuntimeOptions {
  const threads = flags.intraOpThreads ?? (env.MODELPORT_INTRA_OP_THREADS || undefined);
  const level = (flags.graphOptimization ?? (env.MODELPORT_GRAPH_OPTIMIZATION || 'all')).toLowerCase();
  if (!levels.includes(level as GraphOptimizationLevel)) {
    throw new ConfigError(`Graph optimisation level must be one of ${levels.join(', ')}, got '${level}'.`);
  }
  const size = flags.maxBatchSize ?? (env.MODELPORT_MAX_BATCH_SIZE || undefined);
  const delay = flags.maxBatchDelayMs ?? (env.MODELPORT_MAX_BATCH_DELAY_MS || undefined);
  const workers = flags.workers ?? (env.MODELPORT_INFERENCE_WORKERS || undefined);
  const off = flags.batching === false || offSwitch(env.MODELPORT_BATCHING);
  return {
    intraOpThreads: threads === undefined ? defaultIntraOpThreads : wholeNumber(threads, flags.intraOpThreads ? '--intra-op-threads' : 'MODELPORT_INTRA_OP_THREADS', 1),
    graphOptimizationLevel: level as GraphOptimizationLevel,
    batching: {
      maxBatchSize: off ? 1 : size === undefined ? defaultMaxBatchSize : wholeNumber(size, flags.maxBatchSize ? '--max-batch-size' : 'MODELPORT_MAX_BATCH_SIZE', 1),
      maxDelayMs: delay === undefined ? defaultMaxBatchDelayMs : wholeNumber(delay, flags.maxBatchDelayMs ? '--max-batch-delay-ms' : 'MODELPORT_MAX_BATCH_DELAY_MS', 0),
    },
    workers: inferenceWorkers(workers, flags.workers !== undefined),
    autoWorkers: Math.max(1, Math.floor(share.cores / Math.max(1, share.processes))),
  };
}

/** The environment alone (tests and callers without a command line). */
export function runtimeOptionsFromEnv(env: NodeJS.ProcessEnv): RuntimeOptions {
  return resolveRuntimeOptions({}, env);
}
