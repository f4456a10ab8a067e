// Request framing the service host accepts. Node's parser (llhttp) already refuses most ambiguous messages (both
// Content-Length and Transfer-Encoding, duplicate or malformed lengths, obs-fold, bare LF) with 400 before a
// request reaches the proxy; what it lets through and a hardened reverse proxy still refuses is checked here:
// a body on a method that takes none, a transfer coding other than chunked, Transfer-Encoding in HTTP/1.0.
// The proxy then re-frames every request with an exact Content-Length, so nothing a client sends can be read
// by the instance as the start of another request.
import type { IncomingMessage } from 'node:http';

/** Methods whose requests carry no body; one that does is refused rather than forwarded. */
const bodyless = new Set(['GET', 'HEAD', 'DELETE', 'OPTIONS', 'TRACE']);

function headerValues(req: IncomingMessage, name: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    if (req.rawHeaders[i]?.toLowerCase() === name) out.push(req.rawHeaders[i + 1] ?? '');
  }
  return out;
}

/** Why the request's framing is refused (400), or undefined when it is unambiguous. */
export function framingProblem(req: IncomingMessage): string | undefined {
  const lengths = headerValues(req, 'content-length');
  const codings = headerValues(req, 'transfer-encoding');
  if (lengths.length > 1) return 'The request has more than one Content-Length header.';
  if (codings.length > 1) return 'The request has more than one Transfer-Encoding header.';
  const length = lengths[0];
  const coding = codings[0];
  if (length !== undefined && coding !== undefined) return 'The request has both Content-Length and Transfer-Encoding.';
  if (length !== undefined && !/^\d{1,15}$/.test(length.trim())) return 'The request has an invalid Content-Length.';
  if (coding !== undefined) {
    if (req.httpVersion === '1.0') return 'Transfer-Encoding is not allowed in an HTTP/1.0 request.';
    if (coding.trim().toLowerCase() !== 'chunked') return `Transfer-Encoding '${coding}' is not supported: send the body with Content-Length or Transfer-Encoding: chunked.`;
  }
  const method = req.method ?? 'GET';
  const hasBody = coding !== undefined || (length !== undefined && Number(length) > 0);
  if (hasBody && bodyless.has(method)) return `A ${method} request must not carry a body.`;
  return undefined;
}

/** Requests the host answers however busy it is: the health checks (they are tiny and never carry a body). */
export function isHealthCheck(req: IncomingMessage): boolean {
  if (req.method !== 'GET' && req.method !== 'HEAD') return false;
  const path = (req.url ?? '').split('?')[0];
  return path === '/' || path === '/v2/health/live' || path === '/v2/health/ready';
}
