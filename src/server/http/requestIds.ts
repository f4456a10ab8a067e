// Request ids as Azure ML's inference server handles them: x-request-id is echoed or minted,
// x-ms-client-request-id is echoed, and the legacy x-ms-request-id is echoed or filled from the other two.
import { randomUUID } from 'node:crypto';
import { ModelportError } from '../../core/errors';

export const maxRequestIdLength = 100;

export interface RequestIds {
  requestId: string;
  clientRequestId: string | undefined;
  legacyRequestId: string;
}

type HeaderValue = string | string[] | undefined;

function first(v: HeaderValue): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

export class RequestIdTooLongError extends ModelportError {
  constructor() {
    super('bad-request', `x-request-id must be at most ${maxRequestIdLength} characters.`);
  }
  override get status(): number {
    return 431;
  }
}

export function readRequestIds(headers: Record<string, HeaderValue>): RequestIds {
  const given = first(headers['x-request-id']);
  if (given !== undefined && given.length > maxRequestIdLength) throw new RequestIdTooLongError();
  const requestId = given || randomUUID();
  const clientRequestId = first(headers['x-ms-client-request-id']) || undefined;
  const legacyRequestId = first(headers['x-ms-request-id']) || given || clientRequestId || requestId;
  return { requestId, clientRequestId, legacyRequestId };
}

export function requestIdHeaders(ids: RequestIds): Record<string, string> {
  const h: Record<string, string> = { 'x-request-id': ids.requestId, 'x-ms-request-id': ids.legacyRequestId };
  if (ids.clientRequestId !== undefined) h['x-ms-client-request-id'] = ids.clientRequestId;
  return h;
}
