// The commonest scoring request, {"data": [[…numbers…]]} for a float32 input, decoded in one pass over the body's
// bytes straight into a Float32Array: no UTF-8 string, no JSON.parse tree of JS arrays and doubles, no second walk
// to check its shape and a third to fill the tensor. On the 8 KB Fashion-MNIST body those passes were the largest
// share of a server process's time under load (BENCHMARKS.md, the profile).
//
// It only ever answers with the tensor JSON.parse + jsonToTensor would build from the same body. Anything else
// (another key, a string, an empty or ragged array, a number float32 cannot hold, invalid JSON, a byte outside
// ASCII) makes it give up and return undefined, and the general path decodes the body and words the error.

export interface DecodedData {
  dims: number[];
  data: Float32Array;
}

/** Deeper than any tensor; the general path words the error for deeper bodies. */
const maxRank = 32;

/** 10^0 … 10^22: every one is exact in a double, which makes m × 10^e and m / 10^e correctly rounded. */
const exactPowersOf10 = Array.from({ length: 23 }, (_, i) => 10 ** i);

function isSpace(c: number | undefined): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

function skipSpace(b: Uint8Array, i: number): number {
  while (isSpace(b[i])) i++;
  return i;
}

/** `"data"` at i. */
function isDataKey(b: Uint8Array, i: number): boolean {
  return b[i] === 0x22 && b[i + 1] === 0x64 && b[i + 2] === 0x61 && b[i + 3] === 0x74 && b[i + 4] === 0x61 && b[i + 5] === 0x22;
}

/** Where the last number scanNumber read ends (a module variable: no object per number on the hot path). */
let numberEnd = 0;

/**
 * One JSON number at `at`, as JSON.parse reads it, with its end in `numberEnd`; NaN when the text there is not a
 * JSON number (which can never be NaN). Up to 15 significant digits and a decimal exponent within ±22 take
 * Clinger's fast path (exact); the rest go through Number(), which rounds as JSON.parse does.
 */
function scanNumber(b: Buffer, at: number): number {
  let i = at;
  const negative = b[i] === 0x2d;
  if (negative) i++;
  let c = b[i] as number; // past the end: undefined, which fails every comparison below
  if (!(c >= 0x30 && c <= 0x39)) return NaN;
  let mantissa = 0;
  let significant = 0;
  let exponent = 0;
  if (c === 0x30) {
    c = b[++i] as number;
    if (c >= 0x30 && c <= 0x39) return NaN; // a leading zero
  } else {
    while (c >= 0x30 && c <= 0x39) {
      if (significant < 16) mantissa = mantissa * 10 + (c - 0x30);
      else exponent++; // digits beyond the 16th only scale: the slow path reads them exactly
      significant++;
      c = b[++i] as number;
    }
  }
  if (c === 0x2e) {
    c = b[++i] as number;
    if (!(c >= 0x30 && c <= 0x39)) return NaN;
    while (c >= 0x30 && c <= 0x39) {
      if (mantissa !== 0 || c !== 0x30) {
        if (significant < 16) {
          mantissa = mantissa * 10 + (c - 0x30);
          exponent--;
        }
        significant++;
      } else {
        exponent--; // a leading zero of the fraction: 0.00123 is 123e-5
      }
      c = b[++i] as number;
    }
  }
  if (c === 0x65 || c === 0x45) {
    c = b[++i] as number;
    const sign = c === 0x2d ? -1 : 1;
    if (c === 0x2d || c === 0x2b) c = b[++i] as number;
    if (!(c >= 0x30 && c <= 0x39)) return NaN;
    let e = 0;
    while (c >= 0x30 && c <= 0x39) {
      if (e < 100_000) e = e * 10 + (c - 0x30);
      c = b[++i] as number;
    }
    exponent += sign * e;
  }
  numberEnd = i;
  if (significant <= 15 && exponent >= -22 && exponent <= 22) {
    const value = exponent < 0 ? mantissa / (exactPowersOf10[-exponent] as number) : mantissa * (exactPowersOf10[exponent] as number);
    return negative ? -value : value;
  }
  return Number(b.toString('latin1', at, i));
}

/** One JSON number at `at` and where it ends, or undefined (scanNumber, for callers off the hot path). */
export function readNumber(b: Buffer, at: number): { value: number; end: number } | undefined {
  const value = scanNumber(b, at);
  return Number.isNaN(value) ? undefined : { value, end: numberEnd };
}

/**
 * The tensor in a body that is exactly `{"data": <rectangular nested array of numbers>}` (whitespace anywhere JSON
 * allows it), or undefined for any other body.
 */
export function decodeDataBody(b: Buffer): DecodedData | undefined {
  const n = b.length;
  let i = skipSpace(b, 0);
  if (b[i] !== 0x7b) return undefined;
  i = skipSpace(b, i + 1);
  if (!isDataKey(b, i)) return undefined;
  i = skipSpace(b, i + 6);
  if (b[i] !== 0x3a) return undefined;
  i = skipSpace(b, i + 1);
  if (b[i] !== 0x5b) return undefined;

  let out = new Float32Array(Math.max(16, Math.min(4096, n >> 1)));
  let count = 0;
  const dims: number[] = [];
  const lengths: number[] = [];
  let depth = 0;
  /** The depth at which numbers sit, learnt from the first one. */
  let rank = -1;
  for (;;) {
    // At the start of a value.
    if (b[i] === 0x5b) {
      if (depth === maxRank || (rank >= 0 && depth >= rank)) return undefined;
      lengths[depth] = 0;
      depth++;
      i = skipSpace(b, i + 1);
      continue;
    }
    if (rank < 0) rank = depth;
    else if (depth !== rank) return undefined;
    const f = Math.fround(scanNumber(b, i));
    if (!Number.isFinite(f)) return undefined; // not a number, or beyond float32: the general path says which
    if (count === out.length) {
      const grown = new Float32Array(out.length * 2);
      grown.set(out);
      out = grown;
    }
    out[count++] = f;
    i = numberEnd;
    // After a value: a comma, or the end of one or more arrays.
    for (;;) {
      i = skipSpace(b, i);
      lengths[depth - 1] = (lengths[depth - 1] as number) + 1;
      if (b[i] === 0x2c) {
        i = skipSpace(b, i + 1);
        break;
      }
      if (b[i] !== 0x5d) return undefined;
      const length = lengths[depth - 1] as number;
      const known = dims[depth - 1];
      if (known === undefined) dims[depth - 1] = length;
      else if (known !== length) return undefined;
      depth--;
      i++;
      if (depth === 0) {
        i = skipSpace(b, i);
        if (b[i] !== 0x7d) return undefined;
        if (skipSpace(b, i + 1) !== n) return undefined;
        return { dims, data: out.slice(0, count) };
      }
    }
  }
}
