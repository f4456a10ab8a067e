// Keys and tokens of services, cached in SecretStorage (never in settings, never in a log line).
import { authorizationHeader } from '../../core/services/authorization';
import type { ServiceKeys, ServiceRecord, ServiceToken } from '../../core/services/types';
import type { CommandDeps } from './deps';

const keysKey = (service: string): string => `modelport.service.${service}.keys`;
const tokenKey = (service: string): string => `modelport.service.${service}.token`;

export async function serviceKeys(deps: CommandDeps, service: string): Promise<ServiceKeys> {
  const cached = await deps.secrets.get(keysKey(service));
  if (cached !== undefined) {
    try {
      return JSON.parse(cached) as ServiceKeys;
    } catch {
      // a damaged cache entry is replaced below
    }
  }
  const keys = await deps.workspace().services.keys(service);
  await deps.secrets.store(keysKey(service), JSON.stringify(keys));
  return keys;
}

export async function storeKeys(deps: CommandDeps, service: string, keys: ServiceKeys): Promise<void> {
  await deps.secrets.store(keysKey(service), JSON.stringify(keys));
}

/** A cached token while it has more than a minute left, else a new one. */
export async function serviceToken(deps: CommandDeps, service: string, now = Date.now()): Promise<ServiceToken> {
  const cached = await deps.secrets.get(tokenKey(service));
  if (cached !== undefined) {
    try {
      const token = JSON.parse(cached) as ServiceToken;
      if (Date.parse(token.expiryOn) - now > 60_000) return token;
    } catch {
      // replaced below
    }
  }
  const token = await deps.workspace().services.token(service);
  await deps.secrets.store(tokenKey(service), JSON.stringify(token));
  return token;
}

export async function forgetCredentials(deps: CommandDeps, service: string): Promise<void> {
  await deps.secrets.delete(keysKey(service));
  await deps.secrets.delete(tokenKey(service));
}

/** The Authorization header a call to the service needs, if any, from the cached key or token. */
export async function authorization(deps: CommandDeps, service: Pick<ServiceRecord, 'name' | 'authMode'>): Promise<Record<string, string>> {
  const header = await authorizationHeader({ keys: (name) => serviceKeys(deps, name), token: (name) => serviceToken(deps, name) }, service);
  return header === undefined ? {} : { authorization: header };
}
