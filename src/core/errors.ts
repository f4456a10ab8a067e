// Typed errors shared by the CLI, the scoring server and the extension. Each carries what a caller needs to
// tell the user what happened and what to do next; the server maps `status` straight onto the wire.

export type ErrorKind =
  | 'bad-request'
  | 'not-found'
  | 'unsupported-media-type'
  | 'payload-too-large'
  | 'config'
  | 'conflict'
  | 'unauthorized'
  | 'timeout'
  | 'unavailable'
  | 'cancelled'
  | 'internal';

const statusByKind: Record<ErrorKind, number> = {
  'bad-request': 400,
  'not-found': 404,
  'unsupported-media-type': 415,
  'payload-too-large': 413,
  config: 400,
  conflict: 409,
  unauthorized: 401,
  timeout: 504,
  unavailable: 503,
  cancelled: 499,
  internal: 500,
};

export class ModelportError extends Error {
  readonly kind: ErrorKind;
  constructor(kind: ErrorKind, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ModelportError';
    this.kind = kind;
  }
  get status(): number {
    return statusByKind[this.kind];
  }
}

export class BadRequestError extends ModelportError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('bad-request', message, options);
    this.name = 'BadRequestError';
  }
}

export class NotFoundError extends ModelportError {
  constructor(message: string) {
    super('not-found', message);
    this.name = 'NotFoundError';
  }
}

export class PayloadTooLargeError extends ModelportError {
  constructor(message: string) {
    super('payload-too-large', message);
    this.name = 'PayloadTooLargeError';
  }
}

export class UnsupportedMediaTypeError extends ModelportError {
  constructor(message: string) {
    super('unsupported-media-type', message);
    this.name = 'UnsupportedMediaTypeError';
  }
}

/** A file the user edits is wrong; `location` points at the exact place ("deploymentconfig.json:4:12 /port"). */
export class ConfigError extends ModelportError {
  readonly file: string | undefined;
  readonly location: string | undefined;
  constructor(message: string, file?: string, location?: string, options?: { cause?: unknown }) {
    super('config', message, options);
    this.name = 'ConfigError';
    this.file = file;
    this.location = location;
  }
}

export class ConflictError extends ModelportError {
  constructor(message: string) {
    super('conflict', message);
    this.name = 'ConflictError';
  }
}

export class TimeoutError extends ModelportError {
  constructor(message: string) {
    super('timeout', message);
    this.name = 'TimeoutError';
  }
}

export class CancelledError extends ModelportError {
  constructor(message = 'Cancelled') {
    super('cancelled', message);
    this.name = 'CancelledError';
  }
}

/** The model produced something the wire cannot carry; not the caller's fault, but worth telling them why. */
export class ModelOutputError extends ModelportError {
  constructor(message: string) {
    super('internal', message);
    this.name = 'ModelOutputError';
  }
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
