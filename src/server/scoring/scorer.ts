// What the /score route asks of whatever answers it: the built-in ONNX scorer or a user's entry script.
import type { IncomingHttpHeaders } from 'node:http';
import type { Logger } from '../logger';

export interface ScoreRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: Buffer;
  requestId: string;
  logger: Logger;
}

/** `body` is JSON-encoded unless `encoded` says it already is bytes or text to send as they are. */
export interface ScoreResult {
  status?: number;
  /** An array value is sent as repeated headers. */
  headers?: Record<string, string | string[]>;
  body: unknown;
  encoded?: boolean;
}

/** What swagger generation needs to know about a scorer. */
export interface ScorerDescription {
  /** Example request body for JSON input, keyed by parameter when the scorer is schema-typed. */
  inputSample: unknown;
  outputSample: unknown;
  /** The body is a JSON dictionary of named parameters whose shapes follow inputSample. */
  schemaTyped: boolean;
  /** Content types the scorer accepts besides JSON (raw images for image models). */
  binaryContentTypes: string[];
  /** A raw-HTTP scorer: any method and body; nothing about its input is known. */
  raw: boolean;
}

export interface Scorer {
  readonly name: string;
  /**
   * The scorer enforces the scoring timeout itself (the Python runtime raises TimeoutError inside run(), which a
   * script may catch), so the route must not answer first.
   */
  readonly ownsTimeout?: boolean;
  score(req: ScoreRequest): Promise<ScoreResult>;
  describe(): ScorerDescription;
  close(): Promise<void>;
}
