// Decodes, in JavaScript, the PNGs that need no resampling: the common case of a client that already sends images
// at the model's size (MNIST-style 28×28 grey PNGs). sharp costs ~0.5–1 ms of CPU per call whatever the size;
// inflating and unfiltering a 28×28 PNG here costs about 20 µs (the caller bounds how many pixels a request
// may decode this way, since this runs on the event loop).
//
// The result must be byte-for-byte what the sharp pipeline in imageTensor.ts gives (rotate, flatten on white,
// grayscale or sRGB, no resize). So this path accepts only what it can reproduce exactly and returns undefined
// for anything else, and the caller then runs sharp, which also produces every error message:
//  - PNG, bit depth 8, not interlaced, colour type 0/2/3/4/6, every chunk's CRC valid, only the chunks listed
//    in `harmlessChunks` (no iCCP, which sharp applies as a colour transform; no eXIf, which can rotate);
//  - IHDR first, then PLTE/tRNS, consecutive IDATs, IEND; the inflated data exactly height × (1 + stride) bytes,
//    filter types 0–4, palette indices inside the palette;
//  - alpha (an alpha channel or tRNS) flattened on white with libvips' integer formula, checked against sharp
//    for every (value, alpha) pair: floor((v·a + 255·(255 − a)) / 255);
//  - grey → rgb replicates the grey value (libvips' B_W → sRGB is a band join);
//  - colour → grayscale is NOT reproduced in general: libvips converts in linear light (Rec. 709 weights,
//    0.2126/0.7152/0.0722) through 8-bit lookup tables, and an exhaustive comparison over all 2^24 colours left
//    ~100 colours one level off however the float steps were ordered. So a colour image takes this path for a
//    grayscale tensor only when every pixel is grey (R = G = B after flattening), where libvips gives back the
//    same value (checked for all 256 greys); otherwise sharp decodes it.
import * as zlib from 'node:zlib';
import type { PreprocessSpec } from '../modelConfig';

export interface FastRaw {
  data: Uint8Array;
  width: number;
  height: number;
  channels: 1 | 3;
}

const signature = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** Ancillary chunks that neither libpng nor sharp turn into a change of pixels (metadata only). */
const harmlessChunks = new Set(['tEXt', 'zTXt', 'iTXt', 'tIME', 'pHYs', 'bKGD', 'sBIT', 'gAMA', 'cHRM', 'sRGB', 'hIST', 'sPLT']);

/** Samples per pixel of each colour type accepted here (bit depth 8). */
const samplesOf: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

/**
 * The tensor-ready pixels of `image` (width×height×1 for grayscale specs, ×3 for rgb/bgr, in RGB order), or
 * undefined when this image needs sharp: not a plain 8-bit PNG, not already at the size the spec asks for,
 * more than `maxPixels`, or anything unusual at all.
 */
export function decodePngFast(image: Buffer, spec: PreprocessSpec, maxPixels: number): FastRaw | undefined {
  try {
    return decode(image, spec, maxPixels);
  } catch {
    // A malformed stream (zlib errors, bad lengths): sharp will say what is wrong with it.
    return undefined;
  }
}

function decode(b: Buffer, spec: PreprocessSpec, maxPixels: number): FastRaw | undefined {
  if (b.length < 8 + 25 + 12 + 12) return undefined;
  for (let i = 0; i < 8; i++) if (b[i] !== signature[i]) return undefined;

  // IHDR must come first: 13 bytes, read before anything else so that a mismatch costs nothing.
  if (b.readUInt32BE(8) !== 13 || b.toString('latin1', 12, 16) !== 'IHDR') return undefined;
  const width = b.readUInt32BE(16);
  const height = b.readUInt32BE(20);
  const depth = b[24];
  const colourType = b[25] ?? -1;
  if (depth !== 8 || b[26] !== 0 || b[27] !== 0 || b[28] !== 0) return undefined; // 8-bit, deflate, filter 0, no interlace
  const samples = samplesOf[colourType];
  if (samples === undefined || width === 0 || height === 0 || width * height > maxPixels) return undefined;
  if (!needsNoResampling(width, height, spec)) return undefined;
  if (!crcOk(b, 8, 13)) return undefined;

  let palette: Buffer | undefined;
  let trns: Buffer | undefined;
  const idat: Buffer[] = [];
  let idatDone = false;
  let ended = false;
  for (let pos = 8 + 25; pos < b.length && !ended; ) {
    if (pos + 12 > b.length) return undefined;
    const length = b.readUInt32BE(pos);
    const type = b.toString('latin1', pos + 4, pos + 8);
    const end = pos + 12 + length;
    if (length > 0x7fffffff || end > b.length || !crcOk(b, pos, length)) return undefined;
    const body = b.subarray(pos + 8, pos + 8 + length);
    if (type === 'IDAT') {
      if (idatDone) return undefined; // IDATs must be consecutive
      idat.push(body);
    } else {
      if (idat.length > 0) idatDone = true;
      if (type === 'IEND') ended = true;
      else if (type === 'PLTE') {
        if (idat.length > 0 || palette || length === 0 || length % 3 !== 0 || length > 768 || colourType === 0 || colourType === 4) return undefined;
        palette = body;
      } else if (type === 'tRNS') {
        if (idat.length > 0 || trns || !trnsValid(body, colourType, palette)) return undefined;
        trns = body;
      } else if (!harmlessChunks.has(type)) return undefined;
    }
    pos = end;
  }
  if (!ended || idat.length === 0 || (colourType === 3 && !palette)) return undefined;

  const stride = width * samples;
  const expected = height * (stride + 1);
  // One byte more than the image needs: a longer stream is refused below rather than inflated in full.
  const inflated = zlib.inflateSync(idat.length === 1 ? idat[0]! : Buffer.concat(idat), { maxOutputLength: expected + 1 });
  if (inflated.length !== expected) return undefined;
  const pixels = unfilter(inflated, height, stride, samples === 1 ? 1 : samples);
  if (!pixels) return undefined;
  return convert(pixels, width, height, colourType, palette, trns, spec.channels === 'grayscale' ? 1 : 3);
}

/** The sharp pipeline leaves the image untouched in size: the fast path applies only then. */
function needsNoResampling(width: number, height: number, spec: PreprocessSpec): boolean {
  if (spec.resizeShortSide !== undefined) return Math.min(width, height) === spec.resizeShortSide;
  return width === spec.width && height === spec.height;
}

function trnsValid(body: Buffer, colourType: number, palette: Buffer | undefined): boolean {
  if (colourType === 3) return palette !== undefined && body.length > 0 && body.length <= palette.length / 3;
  // For 8-bit images the 16-bit sample must fit in 8 bits; anything else is odd enough to leave to libpng.
  if (colourType === 0) return body.length === 2 && body[0] === 0;
  if (colourType === 2) return body.length === 6 && body[0] === 0 && body[2] === 0 && body[4] === 0;
  return false; // colour types 4 and 6 already carry alpha; tRNS there is an error
}

const crc32: (data: Uint8Array) => number =
  typeof zlib.crc32 === 'function' ? (data) => zlib.crc32(data) : crc32Js; // zlib.crc32: Node ≥ 20.15

let crcTable: Uint32Array | undefined;
function crc32Js(data: Uint8Array): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let crc = 0xffffffff;
  for (const byte of data) crc = crcTable[(crc ^ byte) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/** The CRC of the chunk at `pos` (type and body) matches the one stored after it. */
function crcOk(b: Buffer, pos: number, length: number): boolean {
  return crc32(b.subarray(pos + 4, pos + 8 + length)) === b.readUInt32BE(pos + 8 + length);
}

/** Reverses the per-row PNG filters (None, Sub, Up, Average, Paeth) into a tightly packed pixel buffer. */
function unfilter(src: Buffer, height: number, stride: number, bpp: number): Uint8Array | undefined {
  const out = new Uint8Array(height * stride);
  for (let y = 0; y < height; y++) {
    const filter = src[y * (stride + 1)];
    const s = y * (stride + 1) + 1;
    const d = y * stride;
    const p = d - stride; // the previous row in `out`; row -1 reads as zeros
    switch (filter) {
      case 0:
        out.set(src.subarray(s, s + stride), d);
        break;
      case 1:
        for (let x = 0; x < stride; x++) out[d + x] = (src[s + x]! + (x >= bpp ? out[d + x - bpp]! : 0)) & 0xff;
        break;
      case 2:
        for (let x = 0; x < stride; x++) out[d + x] = (src[s + x]! + (y > 0 ? out[p + x]! : 0)) & 0xff;
        break;
      case 3:
        for (let x = 0; x < stride; x++) {
          const left = x >= bpp ? out[d + x - bpp]! : 0;
          const up = y > 0 ? out[p + x]! : 0;
          out[d + x] = (src[s + x]! + ((left + up) >> 1)) & 0xff;
        }
        break;
      case 4:
        for (let x = 0; x < stride; x++) {
          const a = x >= bpp ? out[d + x - bpp]! : 0;
          const up = y > 0 ? out[p + x]! : 0;
          const c = x >= bpp && y > 0 ? out[p + x - bpp]! : 0;
          const pa = Math.abs(up - c);
          const pb = Math.abs(a - c);
          const pc = Math.abs(a + up - 2 * c);
          const pred = pa <= pb && pa <= pc ? a : pb <= pc ? up : c;
          out[d + x] = (src[s + x]! + pred) & 0xff;
        }
        break;
      default:
        return undefined;
    }
  }
  return out;
}

/** libvips' flatten of an 8-bit value with alpha onto white (255), exact for every pair. */
function onWhite(v: number, alpha: number): number {
  return ((v * alpha + 255 * (255 - alpha)) / 255) | 0;
}

/**
 * Expands palette and tRNS, flattens alpha on white and produces 1 (grey) or 3 (RGB) channels. Returns undefined
 * when a grey tensor is asked of a colour pixel (see the file comment) or a palette index is out of range.
 */
function convert(
  px: Uint8Array,
  width: number,
  height: number,
  colourType: number,
  palette: Buffer | undefined,
  trns: Buffer | undefined,
  channels: 1 | 3,
): FastRaw | undefined {
  const n = width * height;
  // Already what is asked for, byte for byte: grey as grey, RGB without a transparent colour as RGB.
  if (!trns && ((colourType === 0 && channels === 1) || (colourType === 2 && channels === 3))) return { data: px, width, height, channels };
  const out = new Uint8Array(n * channels);
  // Every source pixel is first brought to (r, g, b) on white; `put` writes it, failing on colour for grey output.
  let ok = true;
  const put = channels === 1
    ? (i: number, r: number, g: number, bl: number): void => {
        if (r !== g || g !== bl) ok = false;
        out[i] = r;
      }
    : (i: number, r: number, g: number, bl: number): void => {
        out[i * 3] = r;
        out[i * 3 + 1] = g;
        out[i * 3 + 2] = bl;
      };
  switch (colourType) {
    case 0: {
      const key = trns ? trns[1]! : -1;
      for (let i = 0; i < n; i++) {
        const v = px[i] === key ? 255 : px[i]!; // the tRNS grey is fully transparent: white
        put(i, v, v, v);
      }
      break;
    }
    case 4:
      for (let i = 0; i < n; i++) {
        const v = onWhite(px[2 * i]!, px[2 * i + 1]!);
        put(i, v, v, v);
      }
      break;
    case 2: {
      const [kr, kg, kb] = trns ? [trns[1]!, trns[3]!, trns[5]!] : [-1, -1, -1];
      for (let i = 0, s = 0; i < n && ok; i++, s += 3) {
        const r = px[s]!;
        const g = px[s + 1]!;
        const bl = px[s + 2]!;
        if (r === kr && g === kg && bl === kb) put(i, 255, 255, 255);
        else put(i, r, g, bl);
      }
      break;
    }
    case 6:
      for (let i = 0, s = 0; i < n && ok; i++, s += 4) {
        const a = px[s + 3]!;
        put(i, onWhite(px[s]!, a), onWhite(px[s + 1]!, a), onWhite(px[s + 2]!, a));
      }
      break;
    case 3: {
      if (!palette) return undefined;
      // Each palette entry flattened once: at most 256 colours.
      const entries = palette.length / 3;
      const flat = new Uint8Array(entries * 3);
      for (let e = 0; e < entries; e++) {
        const a = trns && e < trns.length ? trns[e]! : 255;
        for (let c = 0; c < 3; c++) flat[e * 3 + c] = onWhite(palette[e * 3 + c]!, a);
      }
      for (let i = 0; i < n && ok; i++) {
        const e = px[i]!;
        if (e >= entries) return undefined;
        put(i, flat[e * 3]!, flat[e * 3 + 1]!, flat[e * 3 + 2]!);
      }
      break;
    }
    default:
      return undefined;
  }
  return ok ? { data: out, width, height, channels } : undefined;
}
