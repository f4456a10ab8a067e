// How much work one request may ask of a scoring instance, and how many requests it runs at once. The defaults
// protect a small machine (a 1,000,000-row request would hold the event loop for seconds and gigabytes of memory);
// each is configurable per service (deploymentconfig.json `limits`, `maxConcurrentRequestsPerContainer`,
// `maxQueueWaitMs`) and per `modelport serve` (flags and environment). Over a limit: 413 naming the limit.
import { ConfigError, PayloadTooLargeError } from '../core/errors';
import type { TensorValue } from '../core/onnx/tensorData';

export interface WorkLimits {
  /** Rows (the first dimension) of any input tensor of one request. */
  maxRows: number;
  /** Bytes of the decoded input tensors of one request. */
  maxTensorBytes: number;
  /** Images in one request. */
  maxImages: number;
  /** Scoring requests run at once (Azure's maxConcurrentRequestsPerContainer); undefined: no limit. */
  maxConcurrent: number | undefined;
  /** How long a request may wait for a slot before 503 (Azure's maxQueueWaitMs). */
  maxQueueWaitMs: number;
}

export const defaultWorkLimits: WorkLimits = {
  maxRows: 10_000,
  maxTensorBytes: 64 * 1024 * 1024,
  maxImages: 32,
  maxConcurrent: undefined,
  maxQueueWaitMs: 500,
};

export interface LimitFlags {
  maxRows?: string;
  maxTensorBytes?: string;
  maxImages?: string;
  maxConcurrent?: string;
  maxQueueWaitMs?: string;
}

const sources: Record<keyof WorkLimits, { flag: string; env: string; zero?: boolean }> = {
  maxRows: { flag: '--max-rows', env: 'MODELPORT_MAX_ROWS' },
  maxTensorBytes: { flag: '--max-tensor-bytes', env: 'MODELPORT_MAX_TENSOR_BYTES' },
  maxImages: { flag: '--max-images', env: 'MODELPORT_MAX_IMAGES' },
  maxConcurrent: { flag: '--max-concurrent-requests', env: 'MODELPORT_MAX_CONCURRENT_REQUESTS' },
  maxQueueWaitMs: { flag: '--max-queue-wait-ms', env: 'MODELPORT_MAX_QUEUE_WAIT_MS', zero: true },
};

export function resolveWorkLimits(flags: LimitFlags, env: NodeJS.ProcessEnv): WorkLimits {
  const limits: WorkLimits = { ...defaultWorkLimits };
  for (const [key, source] of Object.entries(sources) as Array<[keyof WorkLimits, (typeof sources)[keyof WorkLimits]]>) {
    const fromFlag = flags[key];
    const text = fromFlag ?? (env[source.env] || undefined);
    if (text === undefined) continue;
    const n = Number(text);
    if (!/^\d+$/.test(text) || !Number.isSafeInteger(n) || (n === 0 && !source.zero)) {
      throw new ConfigError(`${fromFlag !== undefined ? source.flag : source.env} must be a ${source.zero ? 'non-negative' : 'positive'} whole number, got '${text}'.`);
    }
    limits[key] = n;
  }
  return limits;
}

function bytesOf(value: TensorValue): number {
  if (Array.isArray(value.data)) return value.data.reduce((n, s) => n + Buffer.byteLength(s), 0);
  return value.data.byteLength;
}

/** Refuses (413) feeds over the row or byte limits, naming the limit and how to raise it. */
export function checkFeeds(feeds: Readonly<Record<string, TensorValue>>, limits: WorkLimits): void {
  let bytes = 0;
  for (const [name, value] of Object.entries(feeds)) {
    const rows = value.dims[0];
    if (rows !== undefined && value.dims.length > 1 && rows > limits.maxRows) {
      throw new PayloadTooLargeError(`Input '${name}' has ${rows} rows; this service takes at most ${limits.maxRows} per request (limit maxRowsPerRequest). Split the request, or raise the limit.`);
    }
    bytes += bytesOf(value);
  }
  if (bytes > limits.maxTensorBytes) {
    throw new PayloadTooLargeError(`The request's input tensors hold ${bytes} bytes; this service takes at most ${limits.maxTensorBytes} per request (limit maxTensorBytes). Split the request, or raise the limit.`);
  }
}

/** Refuses (413) more elements than the byte limit could ever hold, before they are allocated. */
export function checkElements(name: string, elements: number, bytesPerElement: number, limits: WorkLimits): void {
  if (elements * bytesPerElement > limits.maxTensorBytes) {
    throw new PayloadTooLargeError(`Input '${name}' holds ${elements} values (${elements * bytesPerElement} bytes); this service takes at most ${limits.maxTensorBytes} bytes of tensors per request (limit maxTensorBytes).`);
  }
}

export function checkImageCount(count: number, limits: WorkLimits): void {
  if (count > limits.maxImages) {
    throw new PayloadTooLargeError(`The request holds ${count} images; this service takes at most ${limits.maxImages} per request (limit maxImagesPerRequest). Split the request, or raise the limit.`);
  }
}
