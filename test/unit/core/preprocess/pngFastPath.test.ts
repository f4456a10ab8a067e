// The JS fast path for PNGs at the model's size must give the very same tensors as sharp. These tests generate
// many PNGs (every colour type, alpha, palettes with tRNS, every filter type, harmless extra chunks) and compare
// the two paths byte for byte, for many preprocess specs; and they check that the fast path is really taken,
// and that it steps aside (leaving sharp to decide and to word the error) for anything it cannot reproduce.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { crc32, deflateSync } from 'node:zlib';
import sharp from 'sharp';
import { preprocessSchema } from '../../../../src/core/modelConfig';
import type { PreprocessSpec } from '../../../../src/core/modelConfig';
import { ModelportError } from '../../../../src/core/errors';
import { fastPathPixelBudget, imagesToTensor } from '../../../../src/core/preprocess/imageTensor';
import { decodePngFast } from '../../../../src/core/preprocess/pngFastPath';
import { seededRandom } from '../../../helpers/seededRandom';

const maxPixels = 40_000_000;

function spec(fields: Record<string, unknown>): PreprocessSpec {
  return preprocessSchema.parse(fields);
}

/** Bytes biased towards the edge values (0, 255) that flattening and inversion treat specially. */
function sample(rand: () => number): number {
  const r = rand();
  if (r < 0.1) return 0;
  if (r < 0.2) return 255;
  return Math.floor(rand() * 256);
}

// ---------------------------------------------------------------------------------------------- a PNG writer
const samplesOf: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

function chunk(type: string, body: Uint8Array): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(body.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), body])), 0);
  return Buffer.concat([head, body, crc]);
}

interface PngParts {
  width: number;
  height: number;
  colourType: 0 | 2 | 3 | 4 | 6;
  /** Unfiltered samples, row-major. */
  pixels: Uint8Array;
  palette?: Uint8Array;
  trns?: Uint8Array;
  /** Filter type of row y. */
  filter: (y: number) => number;
  /** Extra chunks, written before IDAT. */
  extra?: Buffer[];
  /** Split the compressed data into this many IDAT chunks. */
  idats?: number;
}

/** Writes a PNG by hand, with exactly the filter type asked for on each row (encoders choose their own). */
function writePng(p: PngParts): Buffer {
  const bpp = samplesOf[p.colourType]!;
  const stride = p.width * bpp;
  const filtered = Buffer.alloc(p.height * (stride + 1));
  for (let y = 0; y < p.height; y++) {
    const f = p.filter(y);
    filtered[y * (stride + 1)] = f;
    for (let x = 0; x < stride; x++) {
      const cur = p.pixels[y * stride + x]!;
      const a = x >= bpp ? p.pixels[y * stride + x - bpp]! : 0;
      const b = y > 0 ? p.pixels[(y - 1) * stride + x]! : 0;
      const c = x >= bpp && y > 0 ? p.pixels[(y - 1) * stride + x - bpp]! : 0;
      const pa = Math.abs(b - c);
      const pb = Math.abs(a - c);
      const pc = Math.abs(a + b - 2 * c);
      const paeth = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      const pred = [0, a, b, (a + b) >> 1, paeth][f] ?? 0;
      filtered[y * (stride + 1) + 1 + x] = (cur - pred) & 0xff;
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(p.width, 0);
  ihdr.writeUInt32BE(p.height, 4);
  ihdr.set([8, p.colourType, 0, 0, 0], 8);
  const z = deflateSync(filtered);
  const parts = p.idats ?? 1;
  const idats = Array.from({ length: parts }, (_, i) => chunk('IDAT', z.subarray(Math.floor((i * z.length) / parts), Math.floor(((i + 1) * z.length) / parts))));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    ...(p.extra ?? []),
    ...(p.palette ? [chunk('PLTE', p.palette)] : []),
    ...(p.trns ? [chunk('tRNS', p.trns)] : []),
    ...idats,
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** Random samples for a colour type; `grey` makes every colour pixel R = G = B (alpha stays random). */
function randomPixels(rand: () => number, width: number, height: number, colourType: number, grey: boolean, paletteSize = 256): Uint8Array {
  const bpp = samplesOf[colourType]!;
  const out = new Uint8Array(width * height * bpp);
  for (let i = 0; i < width * height; i++) {
    if (colourType === 3) {
      out[i] = Math.floor(rand() * paletteSize);
      continue;
    }
    const v = sample(rand);
    for (let c = 0; c < bpp; c++) out[i * bpp + c] = grey && c < 3 ? v : sample(rand);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------- comparing
/** Specs that exercise every packing option; each asks for the image's own size, so the fast path applies. */
function specsFor(width: number, height: number, grey: boolean): PreprocessSpec[] {
  const base = { width, height };
  const channels: ('grayscale' | 'rgb' | 'bgr')[] = grey ? ['grayscale', 'rgb', 'bgr'] : ['rgb', 'bgr'];
  const out: PreprocessSpec[] = [];
  for (const ch of channels) {
    out.push(spec({ ...base, channels: ch }));
    out.push(spec({ ...base, channels: ch, layout: 'NHWC', invert: true }));
    out.push(spec({ ...base, channels: ch, dtype: 'uint8', layout: 'NHWC' }));
    out.push(spec({ ...base, channels: ch, dtype: 'uint8', invert: true, fit: 'fill' }));
    out.push(spec({ ...base, channels: ch, fit: 'contain', scale: 1, mean: ch === 'grayscale' ? [100] : [120, 110, 100], std: [57.5] }));
    // resizeShortSide at the short side: no resampling, then a centre crop (and padding where it runs off).
    const side = Math.min(width, height);
    out.push(spec({ width: side, height: side, resizeShortSide: side, channels: ch, layout: 'NHWC' }));
    out.push(spec({ width: side + 2, height: Math.max(1, side - 1), resizeShortSide: side, channels: ch, mean: [0.5], std: [0.25] }));
  }
  return out;
}

const bytesOf = (t: { data: Float32Array | Uint8Array }): Buffer => Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength);

async function assertSameAsSharp(png: Buffer, s: PreprocessSpec, label: string, expectFast: boolean): Promise<void> {
  const fast = decodePngFast(png, s, maxPixels);
  assert.equal(fast !== undefined, expectFast, `${label}: fast path ${expectFast ? 'not taken' : 'taken'} for ${JSON.stringify(s)}`);
  const viaSharp = await imagesToTensor([png], s, {}, { forceSharp: true });
  const viaAuto = await imagesToTensor([png], s);
  assert.deepEqual(viaAuto.dims, viaSharp.dims, label);
  assert.equal(viaAuto.data.constructor, viaSharp.data.constructor, label);
  assert.ok(bytesOf(viaAuto).equals(bytesOf(viaSharp)), `${label}: tensors differ for ${JSON.stringify(s)}`);
}

// ---------------------------------------------------------------------------------------------- the properties
test('PNGs written by sharp (every channel count, palettes, filtering on and off): the fast path gives the sharp tensors', async () => {
  const rand = seededRandom(20260101);
  let cases = 0;
  for (let round = 0; round < 6; round++) {
    for (const channels of [1, 2, 3, 4] as const) {
      for (const grey of [true, false]) {
        if (!grey && channels < 3) continue;
        const width = 1 + Math.floor(rand() * 33);
        const height = 1 + Math.floor(rand() * 33);
        const raw = Buffer.alloc(width * height * channels);
        for (let i = 0; i < width * height; i++) {
          const v = sample(rand);
          for (let c = 0; c < channels; c++) raw[i * channels + c] = c === channels - 1 && (channels === 2 || channels === 4) ? sample(rand) : grey ? v : sample(rand);
        }
        for (const palette of [false, true]) {
          for (const adaptiveFiltering of [false, true]) {
            const png = await sharp(raw, { raw: { width, height, channels } }).png({ palette, adaptiveFiltering, compressionLevel: round % 10 }).toBuffer();
            const meta = await sharp(png).metadata();
            // A palette written from grey pixels keeps grey entries; from colour pixels, colour ones.
            for (const s of specsFor(width, height, grey)) {
              await assertSameAsSharp(png, s, `sharp ${channels}ch grey=${grey} palette=${palette} (${meta.channels}ch ${meta.isPalette ? 'palette' : ''})`, true);
              cases++;
            }
          }
        }
      }
    }
  }
  assert.ok(cases > 500, `${cases} cases`);
});

test('hand-written PNGs: every colour type, every filter type, tRNS, split IDATs, harmless chunks', async () => {
  const rand = seededRandom(42);
  const text = chunk('tEXt', Buffer.from('Comment\0made by hand', 'latin1'));
  const phys = chunk('pHYs', Buffer.from([0, 0, 0x0b, 0x13, 0, 0, 0x0b, 0x13, 1]));
  const gama = chunk('gAMA', Buffer.from([0, 0, 0xb1, 0x8f]));
  const srgb = chunk('sRGB', Buffer.from([0]));
  let cases = 0;
  for (const colourType of [0, 2, 3, 4, 6] as const) {
    for (const filterMode of [0, 1, 2, 3, 4, -1]) {
      for (const grey of [true, false]) {
        if (!grey && (colourType === 0 || colourType === 4)) continue;
        const width = 3 + Math.floor(rand() * 20);
        const height = 3 + Math.floor(rand() * 20);
        const paletteSize = 1 + Math.floor(rand() * 256);
        const pixels = randomPixels(rand, width, height, colourType, grey, paletteSize);
        let palette: Uint8Array | undefined;
        let trns: Uint8Array | undefined;
        if (colourType === 3) {
          palette = new Uint8Array(paletteSize * 3);
          for (let e = 0; e < paletteSize; e++) {
            const v = sample(rand);
            palette.set(grey ? [v, v, v] : [v, sample(rand), sample(rand)], e * 3);
          }
          // A tRNS shorter than the palette: the entries after it are opaque.
          if (filterMode !== 0) trns = Uint8Array.from({ length: Math.ceil(paletteSize / 2) }, () => sample(rand));
        } else if (colourType === 0 && filterMode % 2 === 1) {
          trns = Uint8Array.from([0, pixels[0]!]); // the first pixel's grey is the transparent one
        } else if (colourType === 2 && filterMode % 2 === 1) {
          trns = Uint8Array.from([0, pixels[0]!, 0, pixels[1]!, 0, pixels[2]!]);
        }
        const png = writePng({
          width,
          height,
          colourType,
          pixels,
          palette,
          trns,
          filter: (y) => (filterMode >= 0 ? filterMode : y % 5),
          extra: filterMode === -1 ? [text, phys, gama, srgb] : filterMode === 4 ? [text] : [],
          idats: 1 + (filterMode === -1 ? 3 : 0),
        });
        for (const s of specsFor(width, height, grey)) {
          await assertSameAsSharp(png, s, `hand type ${colourType} filter ${filterMode} grey=${grey}${trns ? ' tRNS' : ''}`, true);
          cases++;
        }
      }
    }
  }
  assert.ok(cases > 300, `${cases} cases`);
});

test('every flattening of a grey value on white matches sharp (all 65,536 value/alpha pairs)', async () => {
  const pixels = new Uint8Array(256 * 256 * 2);
  for (let i = 0; i < 256 * 256; i++) pixels.set([i >> 8, i & 255], i * 2);
  const png = writePng({ width: 256, height: 256, colourType: 4, pixels, filter: () => 0 });
  for (const channels of ['grayscale', 'rgb'] as const) {
    await assertSameAsSharp(png, spec({ width: 256, height: 256, channels, dtype: 'uint8' }), `all GA pairs → ${channels}`, true);
  }
});

test('a colour image asked for as grayscale goes to sharp, whose luma the fast path does not reproduce', async () => {
  const rand = seededRandom(7);
  const pixels = randomPixels(rand, 8, 8, 2, false);
  const png = writePng({ width: 8, height: 8, colourType: 2, pixels, filter: () => 1 });
  await assertSameAsSharp(png, spec({ width: 8, height: 8, channels: 'grayscale' }), 'colour → grayscale', false);
  // The same image is fast for an rgb tensor.
  await assertSameAsSharp(png, spec({ width: 8, height: 8, channels: 'rgb' }), 'colour → rgb', true);
});

test('the fast path steps aside for what needs sharp: another size, 16-bit, interlace, ICC, EXIF, odd chunks, JPEG', async () => {
  const rand = seededRandom(99);
  const pixels = randomPixels(rand, 6, 4, 2, false);
  const png = writePng({ width: 6, height: 4, colourType: 2, pixels, filter: () => 4 });
  const rgb = spec({ width: 6, height: 4 });
  assert.ok(decodePngFast(png, rgb, maxPixels));
  // Resampling needed.
  assert.equal(decodePngFast(png, spec({ width: 3, height: 2 }), maxPixels), undefined);
  assert.equal(decodePngFast(png, spec({ width: 4, height: 4, fit: 'cover' }), maxPixels), undefined);
  assert.equal(decodePngFast(png, spec({ width: 2, height: 2, resizeShortSide: 3 }), maxPixels), undefined);
  // Over the pixel limit: sharp answers with the 413.
  assert.equal(decodePngFast(png, rgb, 23), undefined);

  const withChunk = (extra: Buffer): Buffer => writePng({ width: 6, height: 4, colourType: 2, pixels, filter: () => 4, extra: [extra] });
  const exif = chunk('eXIf', Buffer.from('MM\0*\0\0\0\x08\0\x01\x01\x12\0\x03\0\0\0\x01\0\x06\0\0\0\0\0\0', 'latin1'));
  assert.equal(decodePngFast(withChunk(exif), rgb, maxPixels), undefined, 'eXIf');
  assert.equal(decodePngFast(withChunk(chunk('iCCP', Buffer.from('x\0\0', 'latin1'))), rgb, maxPixels), undefined, 'iCCP');
  assert.equal(decodePngFast(withChunk(chunk('abCd', Buffer.from('?'))), rgb, maxPixels), undefined, 'unknown chunk');

  const from = (raw: sharp.Sharp): Promise<Buffer> => raw.toBuffer();
  const base = sharp(Buffer.from(pixels), { raw: { width: 6, height: 4, channels: 3 } });
  for (const [label, other] of [
    ['16-bit', await from(base.clone().toColourspace('rgb16').png())],
    ['interlaced', await from(base.clone().png({ progressive: true }))],
    ['JPEG', await from(base.clone().jpeg())],
    ['ICC profile', await from(base.clone().png().withIccProfile('p3'))],
    ['EXIF orientation', await from(base.clone().png().withMetadata({ orientation: 6 }))],
  ] as const) {
    assert.equal(decodePngFast(other, rgb, maxPixels), undefined, label);
    const t = await imagesToTensor([other], spec({ width: 6, height: 4 }));
    assert.deepEqual(t.dims, [1, 3, 4, 6], label);
  }
});

async function rejectionOf(promise: Promise<unknown>): Promise<{ status: number; message: string } | 'ok'> {
  try {
    await promise;
    return 'ok';
  } catch (err) {
    assert.ok(err instanceof ModelportError, `expected a ModelportError, got ${String(err)}`);
    return { status: err.status, message: err.message };
  }
}

test('damaged PNGs at the model size: the same outcome and wording as sharp alone', async () => {
  const rand = seededRandom(5);
  const pixels = randomPixels(rand, 28, 28, 0, true);
  const png = writePng({ width: 28, height: 28, colourType: 0, pixels, filter: (y) => y % 5 });
  const s = spec({ width: 28, height: 28, channels: 'grayscale' });
  const idat = png.indexOf('IDAT', 0, 'latin1');
  const flip = (at: number): Buffer => {
    const b = Buffer.from(png);
    b[at] = (b[at] ?? 0) ^ 0x55;
    return b;
  };
  const damaged: [string, Buffer][] = [
    ['truncated in IDAT', png.subarray(0, idat + 30)],
    ['truncated before IEND', png.subarray(0, png.length - 12)],
    ['IDAT data flipped', flip(idat + 20)],
    ['IDAT CRC flipped', flip(png.indexOf('IEND', 0, 'latin1') - 6)],
    ['IHDR flipped', flip(20)],
  ];
  for (const [label, bytes] of damaged) {
    assert.equal(decodePngFast(bytes, s, maxPixels), undefined, label);
    assert.deepEqual(await rejectionOf(imagesToTensor([bytes], s)), await rejectionOf(imagesToTensor([bytes], s, {}, { forceSharp: true })), label);
  }
  const truncated = await rejectionOf(imagesToTensor([png.subarray(0, idat + 30)], s));
  assert.ok(truncated !== 'ok' && truncated.status === 400 && /^The image could not be decoded: \S/.test(truncated.message), JSON.stringify(truncated));
});

test('a batch mixing fast and sharp images keeps every image in its slot and names a bad one by position', async () => {
  const grey = writePng({ width: 4, height: 4, colourType: 0, pixels: Uint8Array.from({ length: 16 }, (_, i) => i * 16), filter: () => 2 });
  const big = await sharp({ create: { width: 9, height: 7, channels: 3, background: { r: 9, g: 9, b: 9 } } }).png().toBuffer();
  const s = spec({ width: 4, height: 4, channels: 'grayscale', dtype: 'uint8' });
  const t = await imagesToTensor([big, grey, big], s);
  const viaSharp = await imagesToTensor([big, grey, big], s, {}, { forceSharp: true });
  assert.ok(bytesOf(t).equals(bytesOf(viaSharp)));
  assert.deepEqual([...t.data.subarray(16, 32)], Array.from({ length: 16 }, (_, i) => i * 16));
  const bad = await rejectionOf(imagesToTensor([grey, Buffer.from('nope'), grey], s));
  assert.ok(bad !== 'ok' && bad.status === 400 && bad.message.startsWith('Image 2 of 3 could not be decoded: '), JSON.stringify(bad));
});

test('past the per-request pixel budget, images go to sharp: the tensor is the same either way', async () => {
  // 460×460 is over the budget alone; five 224×224 images exceed it together, so the fifth goes to sharp.
  const side = 460;
  const big = writePng({ width: side, height: side, colourType: 0, pixels: randomPixels(seededRandom(3), side, side, 0, true), filter: (y) => y % 5 });
  assert.ok(side * side <= maxPixels && side * side > fastPathPixelBudget);
  assert.equal(decodePngFast(big, spec({ width: side, height: side }), fastPathPixelBudget), undefined);
  const s224 = spec({ width: 224, height: 224, channels: 'grayscale', dtype: 'uint8' });
  const images = Array.from({ length: 5 }, (_, i) => writePng({ width: 224, height: 224, colourType: 0, pixels: randomPixels(seededRandom(10 + i), 224, 224, 0, true), filter: () => i }));
  assert.ok(5 * 224 * 224 > fastPathPixelBudget && 4 * 224 * 224 <= fastPathPixelBudget);
  const auto = await imagesToTensor(images, s224);
  const viaSharp = await imagesToTensor(images, s224, {}, { forceSharp: true });
  assert.ok(bytesOf(auto).equals(bytesOf(viaSharp)));
  const own = await imagesToTensor([big], spec({ width: side, height: side, channels: 'grayscale', dtype: 'uint8' }));
  assert.ok(bytesOf(own).equals(Buffer.from(randomPixels(seededRandom(3), side, side, 0, true))));
});
