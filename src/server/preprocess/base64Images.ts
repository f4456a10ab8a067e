// Images inside JSON bodies ({"image": "..."}, {"images": [...]}, {"data": ["<b64>", ...]}) arrive as base64
// strings or data URLs. Node's own base64 decoder skips characters it does not know, so a damaged string would
// decode into a damaged image and fail later with a vaguer message: validate first, and name the bad item.
import { BadRequestError, UnsupportedMediaTypeError } from '../../core/errors';

const standardAlphabet = /^[A-Za-z0-9+/]*$/;
const urlSafeAlphabet = /^[A-Za-z0-9_-]*$/;
const whitespace = /[\t\n\r ]/g;

/** Decodes one base64 string or data URL, or an array of them, into image bytes; anything else is a 400. */
export function decodeBase64Images(value: unknown): Buffer[] {
  if (typeof value === 'string') return [decodeOne(value, 'The image')];
  if (Array.isArray(value)) {
    if (value.length === 0) throw new BadRequestError('The list of images is empty: send at least one base64 string or data URL.');
    return value.map((item: unknown, i) => {
      const name = `Image ${i + 1} of ${value.length}`;
      if (typeof item !== 'string') throw new BadRequestError(`${name} is ${describe(item)}; expected a base64 string or a data URL.`);
      return decodeOne(item, name);
    });
  }
  throw new BadRequestError(`Expected a base64 string, a data URL or an array of them; got ${describe(value)}.`);
}

function decodeOne(text: string, name: string): Buffer {
  const payload = text.startsWith('data:') ? dataUrlPayload(text, name) : text;
  const payloadStart = text.length - payload.length;
  // Line-wrapped base64 (the `base64` tool wraps at 76 columns) is still base64; other characters are not.
  const compact = payload.replace(whitespace, '');
  if (compact.length === 0) throw new BadRequestError(`${name} is empty: the base64 string has no data.`);

  // Counted by hand: a regex such as /=+$/ is quadratic on a long run of "=" that is not at the end.
  let end = compact.length;
  while (end > 0 && compact.charCodeAt(end - 1) === 0x3d) end--;
  const unpadded = compact.slice(0, end);
  const padding = compact.length - end;
  if (padding > 2) throw new BadRequestError(`${name} is not valid base64: it ends with ${padding} "=" characters; padding is at most 2.`);
  if (!standardAlphabet.test(unpadded) && !urlSafeAlphabet.test(unpadded)) {
    const at = firstInvalidCharacter(payload);
    const ch = payload[at] ?? '';
    throw new BadRequestError(`${name} is not valid base64: unexpected character ${JSON.stringify(ch)} at position ${payloadStart + at + 1}.`);
  }
  if (unpadded.length % 4 === 1) {
    throw new BadRequestError(`${name} is not valid base64: its length (${unpadded.length} characters without padding) cannot be base64; the string looks truncated.`);
  }
  if (padding > 0 && compact.length % 4 !== 0) {
    throw new BadRequestError(`${name} is not valid base64: the "=" padding does not match the length of the data.`);
  }
  // Node's base64 decoder reads both alphabets; mixing them was refused above.
  return Buffer.from(unpadded, 'base64');
}

/** `data:[<type>][;param]*;base64,<payload>`: only base64 data URLs of image (or unspecified) types are images. */
function dataUrlPayload(url: string, name: string): string {
  const comma = url.indexOf(',');
  if (comma < 0) throw new BadRequestError(`${name} is not a valid data URL: there is no "," before the data.`);
  const params = url.slice('data:'.length, comma).split(';').map((p) => p.trim());
  const type = (params[0] ?? '').toLowerCase();
  if (!params.slice(1).some((p) => p.toLowerCase() === 'base64')) {
    throw new BadRequestError(`${name} is a data URL without ";base64": encode the image as data:image/png;base64,<data>.`);
  }
  if (type !== '' && type !== 'application/octet-stream' && !type.startsWith('image/')) {
    throw new UnsupportedMediaTypeError(`${name} is a data URL of type ${type}; send an image (image/jpeg, image/png, image/webp, ...).`);
  }
  return url.slice(comma + 1);
}

/** Index in `payload` of the first character that is not base64, for the error message. */
function firstInvalidCharacter(payload: string): number {
  // The alphabet that the string starts in decides which characters are wrong.
  const urlSafe = /^[A-Za-z0-9\t\n\r ]*[-_]/.test(payload);
  const valid = urlSafe ? /[A-Za-z0-9_\t\n\r -]/ : /[A-Za-z0-9+/\t\n\r ]/;
  for (let i = 0; i < payload.length; i++) {
    const ch = payload[i] ?? '';
    if (valid.test(ch)) continue;
    // "=" is padding only at the very end (trailing whitespace aside).
    if (ch === '=' && /^[=\t\n\r ]*$/.test(payload.slice(i))) return payload.length;
    return i;
  }
  return payload.length;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}
