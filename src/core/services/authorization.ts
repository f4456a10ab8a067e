// The Authorization header a call to a service needs, written once: `modelport invoke`, the extension's Invoke
// with a File and the endpoint tester all send the header the scoring server checks (src/core/auth).
import type { ServiceLifecycle, ServiceRecord } from './types';

/**
 * `Bearer <primary key>` for key auth, `Bearer <fresh token>` for token auth, undefined without auth. It takes
 * the service (its name and auth mode) rather than a name: every caller already holds it, and reading it again
 * through `get` would check the service's health once more. `credentials` may cache (the extension keeps keys
 * and tokens in SecretStorage).
 */
export async function authorizationHeader(
  credentials: Pick<ServiceLifecycle, 'keys' | 'token'>,
  service: Pick<ServiceRecord, 'name' | 'authMode'>,
): Promise<string | undefined> {
  if (service.authMode === 'key') return `Bearer ${(await credentials.keys(service.name)).primaryKey}`;
  if (service.authMode === 'token') return `Bearer ${(await credentials.token(service.name)).accessToken}`;
  return undefined;
}
