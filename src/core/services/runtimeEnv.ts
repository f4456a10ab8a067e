// The environment that carries a record's runtime settings to its scoring instance, the same for a child
// process and a container (`modelport serve` reads these variables).
import { ConfigError } from '../errors';
import type { ServiceRecord } from './serviceRecord';

/** The most processes one instance runs for `--workers` / WORKER_COUNT (as `modelport serve` accepts). */
export const maxWorkers = 64;

/**
 * WORKER_COUNT from an inference config's environment variables (Azure's inference server reads it there; ACI and
 * AKS deployment configs have no worker setting): checked at deploy time, so a bad value never reaches an instance.
 */
export function workerCountOf(variables: Readonly<Record<string, string>> | undefined, configFile: string): number | undefined {
  const value = variables?.WORKER_COUNT;
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1 || n > maxWorkers) {
    throw new ConfigError(`${configFile}: the environment variable WORKER_COUNT must be a whole number from 1 to ${maxWorkers} (processes that score), got '${value}'.`);
  }
  return n;
}

/** The record's worker count as `modelport serve` reads it (records before it was common kept it under python). */
export function workersEnv(record: Pick<ServiceRecord, 'workers' | 'python'>): Record<string, string> {
  const workers = record.workers ?? record.python?.workers;
  return workers === undefined ? {} : { WORKER_COUNT: String(workers) };
}

export function batchingEnv(batching: ServiceRecord['batching']): Record<string, string> {
  if (!batching) return {};
  if (!batching.enabled) return { MODELPORT_BATCHING: 'off' };
  return { MODELPORT_MAX_BATCH_SIZE: String(batching.maxBatchSize), MODELPORT_MAX_BATCH_DELAY_MS: String(batching.maxDelayMs) };
}

/** The record's work limits as `modelport serve` reads them (src/server/limits.ts). */
export function limitsEnv(limits: ServiceRecord['limits']): Record<string, string> {
  const env: Record<string, string> = {};
  if (!limits) return env;
  if (limits.maxRowsPerRequest !== undefined) env.MODELPORT_MAX_ROWS = String(limits.maxRowsPerRequest);
  if (limits.maxTensorBytes !== undefined) env.MODELPORT_MAX_TENSOR_BYTES = String(limits.maxTensorBytes);
  if (limits.maxImagesPerRequest !== undefined) env.MODELPORT_MAX_IMAGES = String(limits.maxImagesPerRequest);
  if (limits.maxConcurrentRequests !== undefined) env.MODELPORT_MAX_CONCURRENT_REQUESTS = String(limits.maxConcurrentRequests);
  if (limits.maxQueueWaitMs !== undefined) env.MODELPORT_MAX_QUEUE_WAIT_MS = String(limits.maxQueueWaitMs);
  return env;
}
