// Bearer authentication as Azure ML services do it: key auth (a primary and a secondary key) or token auth
// (signed tokens that expire). Keys are compared in constant time; credentials never reach a log line.
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { ModelportError } from '../../core/errors';
import type { AuthOptions } from '../options';

export class UnauthorizedError extends ModelportError {
  constructor(message: string) {
    super('unauthorized', message);
    this.name = 'UnauthorizedError';
  }
}

function digest(s: string): Buffer {
  return createHash('sha256').update(s).digest();
}

/** Hashing first gives equal-length buffers, so neither the key's content nor its length leaks through timing. */
export function constantTimeEquals(a: string, b: string): boolean {
  return timingSafeEqual(digest(a), digest(b));
}

function bearer(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const m = /^Bearer\s+(.+)$/i.exec(header.trim());
  return m?.[1]?.trim();
}

const tokenPrefix = 'mpt1';

/** A token is `mpt1.<expiry epoch seconds>.<base64url HMAC-SHA256 of the first two parts>`. */
export function signToken(secret: string, expiresAt: Date): string {
  const exp = Math.floor(expiresAt.getTime() / 1000);
  const payload = `${tokenPrefix}.${exp}`;
  const sig = createHmac('sha256', secret).update(payload).digest('base64url');
  return `${payload}.${sig}`;
}

export function generateKey(): string {
  return randomBytes(32).toString('base64url');
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
  const parts = credential.split('.');
  const [prefix, expText, sig] = parts;
  if (parts.length !== 3 || prefix !== tokenPrefix || !expText || !/^\d+$/.test(expText) || !sig) {
    throw new UnauthorizedError('The token in the Authorization header is malformed.');
  }
  const expected = createHmac('sha256', auth.secret).update(`${prefix}.${expText}`).digest('base64url');
  if (!constantTimeEquals(sig, expected)) throw new UnauthorizedError('The token in the Authorization header is not valid for this service.');
  const expiresAt = new Date(Number(expText) * 1000);
  if (expiresAt.getTime() <= now.getTime()) {
    throw new UnauthorizedError(`The token expired at ${expiresAt.toISOString()}; request a new one.`);
  }
}
