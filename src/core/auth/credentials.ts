// Service credentials as Azure ML issues them: two random keys, or short-lived signed tokens. Shared by the
// service manager (which issues them) and the scoring server (which checks them).
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export function generateKey(): string {
  return randomBytes(32).toString('base64url');
}

function digest(s: string): Buffer {
  return createHash('sha256').update(s).digest();
}

/** Hashing first gives equal-length buffers, so neither the key's content nor its length leaks through timing. */
export function constantTimeEquals(a: string, b: string): boolean {
  return timingSafeEqual(digest(a), digest(b));
}

export const tokenPrefix = 'mpt1';
export const tokenLifetimeMs = 60 * 60 * 1000;

function tokenSignature(secret: string, payload: string): string {
  return createHmac('sha256', secret).update(payload).digest('base64url');
}

/** A token is `mpt1.<expiry epoch seconds>.<base64url HMAC-SHA256 of the first two parts>`. */
export function signToken(secret: string, expiresAt: Date): string {
  const payload = `${tokenPrefix}.${Math.floor(expiresAt.getTime() / 1000)}`;
  return `${payload}.${tokenSignature(secret, payload)}`;
}

export type TokenCheck = { ok: true } | { ok: false; reason: 'malformed' | 'invalid' | 'expired'; expiresAt?: Date };

export function verifyToken(secret: string, token: string, now: Date): TokenCheck {
  const parts = token.split('.');
  const [prefix, expText, sig] = parts;
  if (parts.length !== 3 || prefix !== tokenPrefix || !expText || !/^\d+$/.test(expText) || !sig) return { ok: false, reason: 'malformed' };
  if (!constantTimeEquals(sig, tokenSignature(secret, `${prefix}.${expText}`))) return { ok: false, reason: 'invalid' };
  const expiresAt = new Date(Number(expText) * 1000);
  if (expiresAt.getTime() <= now.getTime()) return { ok: false, reason: 'expired', expiresAt };
  return { ok: true };
}
