// The environment that carries a record's runtime settings to its scoring instance, the same for a child
// process and a container (`modelport serve` reads these variables).
import type { ServiceRecord } from './serviceRecord';

export function batchingEnv(batching: ServiceRecord['batching']): Record<string, string> {
  if (!batching) return {};
  if (!batching.enabled) return { MODELPORT_BATCHING: 'off' };
  return { MODELPORT_MAX_BATCH_SIZE: String(batching.maxBatchSize), MODELPORT_MAX_BATCH_DELAY_MS: String(batching.maxDelayMs) };
}
