// Request ids as Azure ML's inference server handles them (../shared/WIRE.md §1): x-request-id is echoed or
// minted; the client's id is x-ms-client-request-id, or the legacy x-ms-request-id a client sends; both
// x-ms-client-request-id and x-ms-request-id answer with the client's id when there is one, and x-ms-request-id
// falls back to x-request-id. TraceId is echoed.
import { randomUUID } from 'node:crypto';
import { ModelportError } from '../../core/errors';

export const maxRequestIdLength = 100;

export interface RequestIds {
  requestId: string;
  clientRequestId: string | undefined;
  legacyRequestId: string;
  traceId: string | undefined;
}

type HeaderValue = string | string[] | undefined;

function first(v: HeaderValue): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

export class RequestIdTooLongError extends ModelportError {
  constructor(message: string) {
    super('bad-request', message);
  }
  override get status(): number {
    return 431;
  }
}

export function readRequestIds(headers: Record<string, HeaderValue>): RequestIds {
  const given = first(headers['x-request-id']);
  if (given !== undefined && given.length > maxRequestIdLength) throw new RequestIdTooLongError(`x-request-id must not exceed ${maxRequestIdLength} characters`);
  const client = first(headers['x-ms-client-request-id']);
  const legacy = first(headers['x-ms-request-id']);
  if ((client?.length ?? 0) > maxRequestIdLength || (legacy?.length ?? 0) > maxRequestIdLength) {
    throw new RequestIdTooLongError(`x-ms-request-id and x-ms-client-request-id must not exceed ${maxRequestIdLength} characters`);
  }
  const requestId = given || randomUUID();
  const clientRequestId = client || legacy || undefined;
  return { requestId, clientRequestId, legacyRequestId: clientRequestId ?? requestId, traceId: first(headers.traceid) || undefined };
}

/** The ids a request is answered with when its own could not be read (a 431): a fresh one, nothing echoed. */
export function mintedRequestIds(): RequestIds {
  const requestId = randomUUID();
  return { requestId, clientRequestId: undefined, legacyRequestId: requestId, traceId: undefined };
}

export function requestIdHeaders(ids: RequestIds): Record<string, string> {
  const h: Record<string, string> = { 'x-request-id': ids.requestId, 'x-ms-request-id': ids.legacyRequestId };
  if (ids.clientRequestId !== undefined) h['x-ms-client-request-id'] = ids.clientRequestId;
  if (ids.traceId !== undefined) h.TraceId = ids.traceId;
  return h;
}
