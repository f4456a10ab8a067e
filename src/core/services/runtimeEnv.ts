// The environment that carries a record's runtime settings to its scoring instance, the same for a child
// process and a container (`modelport serve` reads these variables).
import type { ServiceRecord } from './serviceRecord';

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
