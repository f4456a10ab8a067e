// The service host's bounds, sized for a small machine, each overridable by an environment variable of the
// process that starts the host (the CLI or the editor): see docs/workspace-layout.md, "How a local service runs".
import { ConfigError } from '../core/errors';
import type { AdmissionLimits } from './admission';

export interface HostLimits extends AdmissionLimits {
  /** The largest request body the host accepts (the instance's own limit is the same by default). */
  maxBodyBytes: number;
  /** Time to receive a request's headers. */
  headersTimeoutMs: number;
  /** Time to receive a whole request, headers and body: a half-sent body is answered 408 after it. */
  requestTimeoutMs: number;
}

export const defaultHostLimits: HostLimits = {
  maxInFlight: 256,
  maxInFlightPerClient: 64,
  maxBufferedBytes: 256 * 1024 * 1024,
  maxBodyBytes: 64 * 1024 * 1024,
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
};

const variables: Record<keyof HostLimits, string> = {
  maxInFlight: 'MODELPORT_HOST_MAX_IN_FLIGHT',
  maxInFlightPerClient: 'MODELPORT_HOST_MAX_IN_FLIGHT_PER_CLIENT',
  maxBufferedBytes: 'MODELPORT_HOST_MAX_BUFFERED_BYTES',
  maxBodyBytes: 'MODELPORT_MAX_BODY_BYTES',
  headersTimeoutMs: 'MODELPORT_HOST_HEADERS_TIMEOUT_MS',
  requestTimeoutMs: 'MODELPORT_HOST_REQUEST_TIMEOUT_MS',
};

export function hostLimitsFromEnv(env: NodeJS.ProcessEnv): HostLimits {
  const limits = { ...defaultHostLimits };
  for (const [key, name] of Object.entries(variables) as Array<[keyof HostLimits, string]>) {
    const text = env[name];
    if (text === undefined || text === '') continue;
    if (!/^\d+$/.test(text) || Number(text) <= 0) throw new ConfigError(`${name} must be a positive whole number, got '${text}'.`);
    limits[key] = Number(text);
  }
  return limits;
}
