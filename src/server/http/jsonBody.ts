// Decoding a scoring request body the way the reference server words its errors, so clients that match on
// those messages keep working.
import { BadRequestError, errorMessage } from '../../core/errors';
import { checkJsonShape } from './jsonShape';

const utf8 = new TextDecoder('utf-8', { fatal: true });

export function decodeUtf8(body: Buffer): string {
  try {
    return utf8.decode(body);
  } catch (err) {
    throw new BadRequestError(`Input cannot be decoded as UTF-8: ${errorMessage(err)}`);
  }
}

export function parseJsonBody(body: Buffer): unknown {
  const text = decodeUtf8(body);
  if (text.trim() === '') throw new BadRequestError('POST body is empty. Expecting a JSON dictionary.');
  checkJsonShape(text);
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new BadRequestError(`POST body could not be decoded as JSON: ${errorMessage(err)}`);
  }
}

export function parseJsonDictionary(body: Buffer): Record<string, unknown> {
  const value = parseJsonBody(body);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new BadRequestError('POST body should be a JSON dictionary.');
  }
  return value as Record<string, unknown>;
}

/** `?a=1&b=[1,2]&f=x&f=y` → `{"a":1,"b":[1,2],"f":["x","y"]}`: values that parse as JSON are JSON, others strings. */
export function queryToJson(search: URLSearchParams): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of new Set(search.keys())) {
    const values = search.getAll(key).map(parseQueryValue);
    out[key] = values.length === 1 ? values[0] : values;
  }
  return out;
}

function parseQueryValue(v: string): unknown {
  checkJsonShape(v);
  try {
    return JSON.parse(v) as unknown;
  } catch {
    return v;
  }
}

export function isJsonContentType(contentType: string | undefined): boolean {
  if (!contentType) return false;
  const mime = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
  return mime === 'application/json' || mime.endsWith('+json');
}

export function mimeOf(contentType: string | undefined): string {
  return contentType?.split(';')[0]?.trim().toLowerCase() ?? '';
}
