// Sends one described request with fetch and reads what a tester shows: status, total latency, the server's
// own time (`x-ms-run-fn-exec-ms`), the request id, headers and a bounded body.
import { z } from 'zod';
import type { HttpRequestSpec } from './request';

export interface Prediction {
  label: string;
  index: number;
  probability: number;
}

export interface ClientResponse {
  status: number;
  statusText: string;
  ok: boolean;
  /** From just before the request to the last body byte, in milliseconds. */
  totalMs: number;
  /** `x-ms-run-fn-exec-ms`: time the service spent in its scoring function. */
  serverMs: number | undefined;
  requestId: string;
  headers: Array<[string, string]>;
  contentType: string;
  /** The body as text (UTF-8), cut at `maxBodyBytes`. */
  body: string;
  bodyBytes: number;
  truncated: boolean;
  /** The parsed body, when it is complete JSON. */
  json: unknown;
  /** The service's own words when the call failed (`message` or `error`), else undefined. */
  errorMessage: string | undefined;
  /** Top-k answers of a classifier (`{"predictions": [[{label, index, probability}…]…]}`). */
  predictions: Prediction[][] | undefined;
}

export interface SendOptions {
  /** `Bearer …`; added as the Authorization header. */
  authorization?: string;
  signal?: AbortSignal;
  /** Keep at most this much of the body (default 256 KB); the rest is read and counted, up to 64 MB. */
  maxBodyBytes?: number;
  fetch?: typeof fetch;
  /** The request id to send as `x-request-id`; a new UUID when absent. */
  requestId?: string;
  now?: () => number;
}

export const defaultMaxBodyBytes = 256 * 1024;
const maxCountedBytes = 64 * 1024 * 1024;

export class NetworkError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'NetworkError';
  }
}

const predictionsSchema = z.object({
  predictions: z.array(z.array(z.object({ label: z.string(), index: z.number(), probability: z.number() }))),
});

export function parsePredictions(json: unknown): Prediction[][] | undefined {
  const parsed = predictionsSchema.safeParse(json);
  return parsed.success ? parsed.data.predictions.map((row) => row.map(({ label, index, probability }) => ({ label, index, probability }))) : undefined;
}

export function serviceErrorMessage(json: unknown, text: string): string {
  if (json && typeof json === 'object') {
    const o = json as Record<string, unknown>;
    if (typeof o.message === 'string') return o.message;
    if (typeof o.error === 'string') return o.error;
  }
  return text.trim().slice(0, 2000) || '(empty body)';
}

function describeFetchError(err: unknown, url: string): string {
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  const detail = cause?.code ?? cause?.message ?? (err as Error).message;
  return `Could not reach ${new URL(url).host}: ${detail}. Is the service running?`;
}

async function readBounded(res: Response, keep: number): Promise<{ bytes: Uint8Array; total: number }> {
  const chunks: Uint8Array[] = [];
  let kept = 0;
  let total = 0;
  if (!res.body) return { bytes: new Uint8Array(0), total: 0 };
  const reader = res.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.length;
    if (kept < keep) {
      const part = value.subarray(0, keep - kept);
      chunks.push(part);
      kept += part.length;
    }
    if (total > maxCountedBytes) {
      await reader.cancel();
      break;
    }
  }
  const bytes = new Uint8Array(kept);
  let at = 0;
  for (const c of chunks) {
    bytes.set(c, at);
    at += c.length;
  }
  return { bytes, total };
}

export async function sendRequest(spec: HttpRequestSpec, options: SendOptions = {}): Promise<ClientResponse> {
  const doFetch = options.fetch ?? fetch;
  const now = options.now ?? (() => performance.now());
  const keep = options.maxBodyBytes ?? defaultMaxBodyBytes;
  const requestId = options.requestId ?? globalThis.crypto.randomUUID();
  const headers: Record<string, string> = { ...spec.headers, 'x-request-id': requestId };
  if (options.authorization) headers.Authorization = options.authorization;
  const started = now();
  let res: Response;
  let read: { bytes: Uint8Array; total: number };
  try {
    res = await doFetch(spec.url, { method: spec.method, headers, body: spec.body, signal: options.signal ?? null });
    read = await readBounded(res, keep);
  } catch (err) {
    if ((err as Error).name === 'AbortError') throw err;
    throw new NetworkError(describeFetchError(err, spec.url), { cause: err });
  }
  const totalMs = now() - started;
  const text = new TextDecoder('utf-8', { fatal: false }).decode(read.bytes);
  const truncated = read.total > read.bytes.length;
  const contentType = res.headers.get('content-type') ?? '';
  let json: unknown;
  if (!truncated && /json/i.test(contentType)) {
    try {
      json = JSON.parse(text) as unknown;
    } catch {
      json = undefined;
    }
  }
  const serverHeader = res.headers.get('x-ms-run-fn-exec-ms');
  const serverMs = serverHeader !== null && Number.isFinite(Number(serverHeader)) ? Number(serverHeader) : undefined;
  return {
    status: res.status,
    statusText: res.statusText,
    ok: res.ok,
    totalMs,
    serverMs,
    requestId: res.headers.get('x-request-id') ?? res.headers.get('x-ms-request-id') ?? requestId,
    headers: [...res.headers.entries()],
    contentType,
    body: text,
    bodyBytes: read.total,
    truncated,
    json,
    errorMessage: res.ok ? undefined : serviceErrorMessage(json, text),
    predictions: res.ok ? parsePredictions(json) : undefined,
  };
}

/** GET a JSON document (swagger, V2 metadata) with a short time limit. */
export async function getJson(url: string, options: { authorization?: string; timeoutMs?: number; fetch?: typeof fetch } = {}): Promise<unknown> {
  const doFetch = options.fetch ?? fetch;
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (options.authorization) headers.Authorization = options.authorization;
  let res: Response;
  try {
    res = await doFetch(url, { headers, signal: AbortSignal.timeout(options.timeoutMs ?? 5000) });
  } catch (err) {
    throw new NetworkError(describeFetchError(err, url), { cause: err });
  }
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text) as unknown;
  } catch {
    json = undefined;
  }
  if (!res.ok) throw new NetworkError(`GET ${new URL(url).pathname} answered ${res.status}: ${serviceErrorMessage(json, text)}`);
  if (json === undefined) throw new NetworkError(`GET ${new URL(url).pathname} did not answer JSON.`);
  return json;
}
