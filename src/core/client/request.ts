// Builds the HTTP request for one test of a scoring service: JSON as typed, one image as raw bytes, images as
// base64 JSON, or a V2 inference request. The request is described (method, URL, headers, body) before it is
// sent, so the same description drives the call, the code snippets and the load test.
import { v2InferUrl } from './endpoint';
import { imageLimitMessage, imageLimits } from './imageLimits';

export interface ImageInput {
  name: string;
  /** `image/png`…; empty when unknown (sent as application/octet-stream). */
  mime: string;
  bytes: Uint8Array;
}

export type ImageEncoding = 'raw' | 'base64' | 'v2';

export type TestInput =
  | { mode: 'json'; body: string }
  | { mode: 'v2'; body: string }
  | { mode: 'image'; encoding: 'raw' | 'base64'; images: ImageInput[] }
  /** Images already turned into a V2 request by the caller (preprocessing needs the model config). */
  | { mode: 'image'; encoding: 'v2'; images: ImageInput[]; v2Body: string };

/** What a code snippet needs to reproduce the body without pasting megabytes of it. */
export type SnippetBody =
  | { kind: 'json'; text: string }
  | { kind: 'json-file'; file: string; bytes: number }
  | { kind: 'image'; file: string; mime: string }
  | { kind: 'base64-images'; files: string[] };

export interface HttpRequestSpec {
  method: 'POST';
  url: string;
  /** Every header but Authorization, which the sender adds from the target. */
  headers: Record<string, string>;
  body: Uint8Array;
  snippetBody: SnippetBody;
  /** One line for history: `JSON 312 B`, `2 images as base64 JSON`… */
  summary: string;
}

export const limits = {
  /** A snippet pastes JSON bodies up to this size; larger ones are read from a file. */
  snippetInlineBytes: 16 * 1024,
} as const;

export class RequestBuildError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RequestBuildError';
  }
}

const encoder = new TextEncoder();

function jsonBody(text: string, what: string): Uint8Array {
  if (text.trim() === '') throw new RequestBuildError(`The ${what} is empty: type a JSON request first.`);
  try {
    JSON.parse(text);
  } catch (err) {
    throw new RequestBuildError(`The ${what} is not valid JSON: ${(err as Error).message}`);
  }
  return encoder.encode(text);
}

function jsonSnippet(text: string): SnippetBody {
  const bytes = encoder.encode(text).length;
  return bytes <= limits.snippetInlineBytes ? { kind: 'json', text } : { kind: 'json-file', file: 'request.json', bytes };
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

function checkImages(images: ImageInput[]): void {
  if (images.length === 0) throw new RequestBuildError('Add an image first: choose a file, drop one or paste it.');
  if (images.length > imageLimits.maxImages) throw new RequestBuildError(imageLimitMessage(images.slice(imageLimits.maxImages).map((i) => i.name), 'remove'));
  for (const image of images) {
    if (image.bytes.length === 0) throw new RequestBuildError(`'${image.name}' is empty.`);
    if (image.bytes.length > imageLimits.maxImageBytes) throw new RequestBuildError(imageLimitMessage([image.name], 'remove'));
  }
}

function toBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

export interface BuildOptions {
  scoringUri: string;
  /** The V2 model name; needed by the V2 modes. */
  model?: string;
}

export function buildRequest(input: TestInput, options: BuildOptions): HttpRequestSpec {
  const jsonHeaders = { 'Content-Type': 'application/json' };
  const v2Url = (): string => {
    if (!options.model) throw new RequestBuildError('V2 requests need the model name (/v2/models/{name}/infer). Give it in the target settings.');
    return v2InferUrl(options.scoringUri, options.model);
  };
  switch (input.mode) {
    case 'json': {
      const body = jsonBody(input.body, 'JSON request');
      return { method: 'POST', url: options.scoringUri, headers: jsonHeaders, body, snippetBody: jsonSnippet(input.body), summary: `JSON ${formatBytes(body.length)}` };
    }
    case 'v2': {
      const body = jsonBody(input.body, 'V2 request');
      return { method: 'POST', url: v2Url(), headers: jsonHeaders, body, snippetBody: jsonSnippet(input.body), summary: `V2 tensor ${formatBytes(body.length)}` };
    }
    case 'image': {
      checkImages(input.images);
      const count = input.images.length === 1 ? `'${input.images[0]?.name ?? ''}'` : `${input.images.length} images`;
      if (input.encoding === 'raw') {
        const [image] = input.images;
        if (!image || input.images.length > 1) {
          throw new RequestBuildError('Raw bytes carry one image per request. Send a batch as base64 JSON or as a V2 tensor.');
        }
        const mime = image.mime || 'application/octet-stream';
        return {
          method: 'POST',
          url: options.scoringUri,
          headers: { 'Content-Type': mime },
          body: image.bytes,
          snippetBody: { kind: 'image', file: image.name, mime },
          summary: `${count} as raw bytes`,
        };
      }
      if (input.encoding === 'base64') {
        const text = JSON.stringify(input.images.length === 1 ? { image: toBase64(input.images[0]!.bytes) } : { images: input.images.map((i) => toBase64(i.bytes)) });
        return {
          method: 'POST',
          url: options.scoringUri,
          headers: jsonHeaders,
          body: encoder.encode(text),
          snippetBody: { kind: 'base64-images', files: input.images.map((i) => i.name) },
          summary: `${count} as base64 JSON`,
        };
      }
      if (input.encoding !== 'v2') throw new RequestBuildError(`Unknown image encoding.`);
      const body = jsonBody(input.v2Body, 'V2 request');
      return { method: 'POST', url: v2Url(), headers: jsonHeaders, body, snippetBody: jsonSnippet(input.v2Body), summary: `${count} as a V2 tensor` };
    }
  }
}
