// Every error leaves as JSON with a precise message: `{"message"}` on Azure ML routes, `{"error"}` on the
// Open Inference Protocol's. Unexpected errors say nothing of their internals to the caller.
import { ModelOutputError, ModelportError } from '../../core/errors';

export interface WireError {
  status: number;
  message: string;
  /** Logged in full; never sent. */
  internal: boolean;
}

interface FastifyLikeError {
  statusCode?: number;
  code?: string;
  message?: string;
}

export function toWireError(err: unknown, maxBodyBytes: number): WireError {
  if (err instanceof ModelOutputError) return { status: 500, message: err.message, internal: false };
  if (err instanceof ModelportError) return { status: err.status, message: err.message, internal: err.status >= 500 && err.kind === 'internal' };
  const e = err as FastifyLikeError;
  if (e?.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
    return { status: 413, message: `Request body is larger than the limit of ${maxBodyBytes} bytes.`, internal: false };
  }
  if (typeof e?.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    return { status: e.statusCode, message: e.message ?? 'Bad request', internal: false };
  }
  return { status: 500, message: 'An unexpected error occurred. Check the logs for more info.', internal: true };
}

export function isV2Path(url: string): boolean {
  return url === '/v2' || url.startsWith('/v2/') || url.startsWith('/v2?');
}

export function wireBody(url: string, message: string): { error: string } | { message: string } {
  return isV2Path(url) ? { error: message } : { message };
}
