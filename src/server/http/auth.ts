// Bearer authentication as Azure ML services do it: key auth (a primary and a secondary key) or token auth
// (signed tokens that expire). Keys are compared in constant time; credentials never reach a log line.
import { constantTimeEquals, verifyToken } from '../../core/auth/credentials';
import { ModelportError } from '../../core/errors';
import type { AuthOptions } from '../options';

export class UnauthorizedError extends ModelportError {
  constructor(message: string) {
    super('unauthorized', message);
    this.name = 'UnauthorizedError';
  }
}

function bearer(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const m = /^Bearer\s+(.+)$/i.exec(header.trim());
  return m?.[1]?.trim();
}

export function checkAuthorization(auth: AuthOptions, header: string | undefined, now: Date = new Date()): void {
  if (auth.mode === 'none') return;
  const credential = bearer(header);
  if (!credential) {
    throw new UnauthorizedError('Authorization required: send the header "Authorization: Bearer <key or token>".');
  }
  if (auth.mode === 'key') {
    // Compare against every key even after a match, so timing does not say which key matched.
    let ok = false;
    for (const key of auth.keys) ok = constantTimeEquals(credential, key) || ok;
    if (!ok) throw new UnauthorizedError('The key in the Authorization header is not valid for this service.');
    return;
  }
  const check = verifyToken(auth.secret, credential, now);
  if (check.ok) return;
  if (check.reason === 'malformed') throw new UnauthorizedError('The token in the Authorization header is malformed.');
  if (check.reason === 'invalid') throw new UnauthorizedError('The token in the Authorization header is not valid for this service.');
  throw new UnauthorizedError(`The token expired at ${check.expiresAt?.toISOString() ?? 'an earlier time'}; request a new one.`);
}
