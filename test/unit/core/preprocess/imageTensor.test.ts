import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deflateSync } from 'node:zlib';
import sharp from 'sharp';
import { preprocessSchema } from '../../../../src/core/modelConfig';
import type { PreprocessSpec } from '../../../../src/core/modelConfig';
import { ModelportError } from '../../../../src/core/errors';
import { checkPreprocessSpec, imagesToTensor } from '../../../../src/core/preprocess/imageTensor';

// A 4x2 RGB image with a distinct value in every channel of every pixel, row-major.
const pixels4x2 = [
  [255, 0, 0], [0, 255, 0], [0, 0, 255], [10, 20, 30],
  [40, 50, 60], [70, 80, 90], [100, 110, 120], [130, 140, 150],
];

function spec(fields: Record<string, unknown>): PreprocessSpec {
  return preprocessSchema.parse(fields);
}

function rawImage(width: number, height: number, channels: 3 | 4, values: number[]): sharp.Sharp {
  return sharp(Buffer.from(values), { raw: { width, height, channels } });
}

const png4x2 = (): Promise<Buffer> => rawImage(4, 2, 3, pixels4x2.flat()).png().toBuffer();

function solid(width: number, height: number, rgb: [number, number, number]): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: { r: rgb[0], g: rgb[1], b: rgb[2] } } }).png().toBuffer();
}

/** Column x of an 8x4 image has red = 30·x, green = 0, blue = 255 − 30·x: every column is recognisable. */
function columns8x4(): Promise<Buffer> {
  const values: number[] = [];
  for (let y = 0; y < 4; y++) for (let x = 0; x < 8; x++) values.push(30 * x, 0, 255 - 30 * x);
  return rawImage(8, 4, 3, values).png().toBuffer();
}

const f32 = (values: number[]): number[] => values.map((v) => Math.fround(v));

async function rejectsWith(promise: Promise<unknown>, status: number, message: RegExp): Promise<void> {
  await assert.rejects(promise, (err: unknown) => {
    assert.ok(err instanceof ModelportError, `expected a ModelportError, got ${String(err)}`);
    assert.equal(err.status, status);
    assert.match(err.message, message);
    return true;
  });
}

test('NCHW float32 rgb: planes of value/255 in pixel order', async () => {
  const t = await imagesToTensor([await png4x2()], spec({ width: 4, height: 2, layout: 'NCHW' }));
  assert.ok(t.data instanceof Float32Array);
  assert.deepEqual(t.dims, [1, 3, 2, 4]);
  const expected = [0, 1, 2].flatMap((c) => pixels4x2.map((p) => (p[c] ?? -1) / 255));
  assert.deepEqual([...t.data], f32(expected));
});

test('NHWC float32 rgb: pixels interleaved', async () => {
  const t = await imagesToTensor([await png4x2()], spec({ width: 4, height: 2, layout: 'NHWC' }));
  assert.deepEqual(t.dims, [1, 2, 4, 3]);
  assert.deepEqual([...t.data], f32(pixels4x2.flat().map((v) => v / 255)));
});

test('bgr swaps the channel planes (NCHW) and the interleaved order (NHWC)', async () => {
  const nchw = await imagesToTensor([await png4x2()], spec({ width: 4, height: 2, channels: 'bgr', scale: 1 }));
  assert.deepEqual([...nchw.data], [2, 1, 0].flatMap((c) => pixels4x2.map((p) => p[c] ?? -1)));
  const nhwc = await imagesToTensor([await png4x2()], spec({ width: 4, height: 2, channels: 'bgr', scale: 1, layout: 'NHWC' }));
  assert.deepEqual([...nhwc.data], pixels4x2.flatMap((p) => [...p].reverse()));
});

test('grayscale gives one channel; grey pixels keep their value', async () => {
  const greys = [0, 17, 128, 255, 1, 99, 200, 254];
  const png = await rawImage(4, 2, 3, greys.flatMap((g) => [g, g, g])).png().toBuffer();
  const t = await imagesToTensor([png], spec({ width: 4, height: 2, channels: 'grayscale', scale: 1, dtype: 'float32' }));
  assert.deepEqual(t.dims, [1, 1, 2, 4]);
  assert.deepEqual([...t.data], greys);
  const colour = await imagesToTensor([await png4x2()], spec({ width: 4, height: 2, channels: 'grayscale', dtype: 'uint8', layout: 'NHWC' }));
  assert.deepEqual(colour.dims, [1, 2, 4, 1]);
  // Pure green is brighter than pure red, which is brighter than pure blue, in any luma formula.
  const [red, green, blue] = [colour.data[0] ?? 0, colour.data[1] ?? 0, colour.data[2] ?? 0];
  assert.ok(green > red && red > blue, `luma order: ${red} ${green} ${blue}`);
});

test('scale, then per-channel mean and std', async () => {
  const mean = [10, 20, 30];
  const std = [2, 4, 5];
  const t = await imagesToTensor([await png4x2()], spec({ width: 4, height: 2, scale: 0.5, mean, std, layout: 'NHWC' }));
  const expected = pixels4x2.flatMap((p) => p.map((v, c) => (v * 0.5 - (mean[c] ?? 0)) / (std[c] ?? 1)));
  assert.deepEqual([...t.data], f32(expected));
});

test('a single mean/std value applies to every channel', async () => {
  const t = await imagesToTensor([await png4x2()], spec({ width: 4, height: 2, scale: 1 / 255, mean: [0.5], std: [0.25], layout: 'NHWC' }));
  assert.deepEqual([...t.data], f32(pixels4x2.flat().map((v) => (v / 255 - 0.5) / 0.25)));
});

test('mean or std of the wrong length is a config error naming the field', () => {
  assert.throws(() => checkPreprocessSpec(spec({ width: 4, height: 2, mean: [0.1, 0.2] })), /preprocess\.mean has 2 values; give 1 .* or 3/);
  assert.throws(() => checkPreprocessSpec(spec({ width: 4, height: 2, channels: 'grayscale', std: [1, 2, 3] })), /preprocess\.std has 3 values; give 1 .* or 1/);
  assert.throws(() => checkPreprocessSpec(spec({ width: 4, height: 2, dtype: 'uint8', mean: [1] })), /no effect on uint8/);
});

test('uint8 gives raw bytes; invert gives 255 - v', async () => {
  const raw = await imagesToTensor([await png4x2()], spec({ width: 4, height: 2, dtype: 'uint8', layout: 'NHWC' }));
  assert.ok(raw.data instanceof Uint8Array);
  assert.deepEqual([...raw.data], pixels4x2.flat());
  const inverted = await imagesToTensor([await png4x2()], spec({ width: 4, height: 2, dtype: 'uint8', layout: 'NHWC', invert: true }));
  assert.deepEqual([...inverted.data], pixels4x2.flat().map((v) => 255 - v));
  const float = await imagesToTensor([await png4x2()], spec({ width: 4, height: 2, layout: 'NHWC', invert: true }));
  assert.deepEqual([...float.data], f32(pixels4x2.flat().map((v) => (255 - v) / 255)));
});

test('cover keeps the centre columns of a wide image', async () => {
  const t = await imagesToTensor([await columns8x4()], spec({ width: 4, height: 4, fit: 'cover', dtype: 'uint8', layout: 'NHWC' }));
  assert.deepEqual(t.dims, [1, 4, 4, 3]);
  // Same height, so no resampling: columns 2..5 survive untouched.
  const row = [2, 3, 4, 5].flatMap((x) => [30 * x, 0, 255 - 30 * x]);
  assert.deepEqual([...t.data], [...row, ...row, ...row, ...row]);
});

test('fill stretches the whole image into the target', async () => {
  const t = await imagesToTensor([await columns8x4()], spec({ width: 4, height: 4, fit: 'fill', dtype: 'uint8' }));
  assert.deepEqual(t.dims, [1, 3, 4, 4]);
  const red = [...t.data.subarray(0, 4)]; // first row of the red plane
  // All eight columns squeezed into four: the ends come from columns 0-1 and 6-7, not from the centre.
  assert.ok((red[0] ?? 255) < 45, `left edge ${red[0]}`);
  assert.ok((red[3] ?? 0) > 165, `right edge ${red[3]}`);
  assert.ok(red.every((v, i) => i === 0 || v > (red[i - 1] ?? 255)), `increasing: ${red.join(',')}`);
});

test('contain letterboxes with black bars', async () => {
  const grey = await solid(8, 4, [200, 200, 200]);
  const t = await imagesToTensor([grey], spec({ width: 8, height: 8, fit: 'contain', dtype: 'uint8', channels: 'grayscale' }));
  assert.deepEqual(t.dims, [1, 1, 8, 8]);
  const rows = Array.from({ length: 8 }, (_, y) => [...t.data.subarray(y * 8, y * 8 + 8)]);
  for (const y of [0, 1, 6, 7]) assert.deepEqual(rows[y], Array(8).fill(0), `bar row ${y}`);
  for (const y of [2, 3, 4, 5]) assert.deepEqual(rows[y], Array(8).fill(200), `image row ${y}`);
});

test('contain with invert keeps the bars black in the tensor', async () => {
  const grey = await solid(8, 4, [200, 200, 200]);
  const t = await imagesToTensor([grey], spec({ width: 8, height: 8, fit: 'contain', dtype: 'uint8', channels: 'grayscale', invert: true }));
  assert.equal(t.data[0], 0);
  assert.equal(t.data[2 * 8], 55);
});

test('resizeShortSide then centre crop', async () => {
  // Short side is already 4: no resampling, the 2x2 crop is columns 3-4, rows 1-2.
  const t = await imagesToTensor([await columns8x4()], spec({ width: 2, height: 2, resizeShortSide: 4, dtype: 'uint8', layout: 'NHWC' }));
  assert.deepEqual(t.dims, [1, 2, 2, 3]);
  const row = [3, 4].flatMap((x) => [30 * x, 0, 255 - 30 * x]);
  assert.deepEqual([...t.data], [...row, ...row]);

  const scaled = await imagesToTensor([await solid(40, 20, [9, 9, 9])], spec({ width: 5, height: 5, resizeShortSide: 10, dtype: 'uint8', channels: 'grayscale' }));
  assert.deepEqual([...scaled.data], Array(25).fill(9));
});

test('resizeShortSide with a crop larger than the image pads with black after mean/std', async () => {
  const t = await imagesToTensor(
    [await columns8x4()],
    spec({ width: 6, height: 6, resizeShortSide: 4, scale: 1, mean: [100], std: [2], layout: 'NCHW' }),
  );
  assert.deepEqual(t.dims, [1, 3, 6, 6]);
  const redRow = (y: number): number[] => [...t.data.subarray(y * 6, y * 6 + 6)];
  const pad = -50; // (0 - 100) / 2
  assert.deepEqual(redRow(0), Array(6).fill(pad));
  assert.deepEqual(redRow(5), Array(6).fill(pad));
  // Rows 1-4 hold image rows 0-3, columns 1-6.
  assert.deepEqual(redRow(1), [1, 2, 3, 4, 5, 6].map((x) => (30 * x - 100) / 2));
});

test('EXIF orientation is applied before resizing', async () => {
  // Stored 16x8, left half black, right half white, with "rotate 90° clockwise to display" (orientation 6):
  // displayed 8x16 with the black half on top.
  const values: number[] = [];
  for (let y = 0; y < 8; y++) for (let x = 0; x < 16; x++) values.push(...(x < 8 ? [0, 0, 0] : [255, 255, 255]));
  const jpeg = await rawImage(16, 8, 3, values).jpeg({ quality: 100 }).withMetadata({ orientation: 6 }).toBuffer();
  assert.equal((await sharp(jpeg).metadata()).orientation, 6);
  const t = await imagesToTensor([jpeg], spec({ width: 8, height: 16, fit: 'fill', channels: 'grayscale', dtype: 'uint8' }));
  const top = [...t.data.subarray(0, 8)];
  const bottom = [...t.data.subarray(15 * 8, 16 * 8)];
  assert.ok(top.every((v) => v < 20), `top row ${top.join(',')}`);
  assert.ok(bottom.every((v) => v > 235), `bottom row ${bottom.join(',')}`);
});

test('transparency is flattened onto white', async () => {
  // A transparent red pixel, an opaque blue one.
  const png = await rawImage(2, 1, 4, [255, 0, 0, 0, 0, 0, 255, 255]).png().toBuffer();
  const t = await imagesToTensor([png], spec({ width: 2, height: 1, dtype: 'uint8', layout: 'NHWC' }));
  assert.deepEqual([...t.data], [255, 255, 255, 0, 0, 255]);
});

test('lossless WebP, 16-bit PNG and the first frame of an animated GIF decode', async () => {
  const uint8 = spec({ width: 4, height: 2, dtype: 'uint8', layout: 'NHWC' });
  const webp = await rawImage(4, 2, 3, pixels4x2.flat()).webp({ lossless: true }).toBuffer();
  assert.deepEqual([...(await imagesToTensor([webp], uint8)).data], pixels4x2.flat());

  const png16 = await rawImage(4, 2, 3, pixels4x2.flat()).toColourspace('rgb16').png().toBuffer();
  assert.equal((await sharp(png16).metadata()).depth, 'ushort');
  const t16 = await imagesToTensor([png16], uint8);
  assert.deepEqual([...t16.data].slice(0, 9), [255, 0, 0, 0, 255, 0, 0, 0, 255]);

  const red = await solid(4, 2, [255, 0, 0]);
  const blue = await solid(4, 2, [0, 0, 255]);
  const gif = await sharp([red, blue], { join: { animated: true } }).gif().toBuffer();
  assert.equal((await sharp(gif).metadata()).pages, 2);
  const first = await imagesToTensor([gif], uint8);
  assert.deepEqual(first.dims, [1, 2, 4, 3]);
  assert.deepEqual([...first.data], Array(8).fill([255, 0, 0]).flat());
});

test('a batch of 3 fills one tensor, each image in its slot', async () => {
  const colours: [number, number, number][] = [[255, 0, 0], [0, 255, 0], [10, 20, 30]];
  // Different source sizes: each is resized to the same 2x2 slot.
  const images = await Promise.all(colours.map((c, i) => solid(2 + i * 3, 2 + i, c)));
  const t = await imagesToTensor(images, spec({ width: 2, height: 2, dtype: 'uint8' }));
  assert.deepEqual(t.dims, [3, 3, 2, 2]);
  assert.equal(t.data.length, 3 * 3 * 2 * 2);
  const expected = colours.flatMap((rgb) => rgb.flatMap((v) => [v, v, v, v]));
  assert.deepEqual([...t.data], expected);
});

test('a truncated PNG is a 400 that says it could not be decoded', async () => {
  const png = await solid(64, 64, [1, 2, 3]);
  await rejectsWith(imagesToTensor([png.subarray(0, png.length - 30)], spec({ width: 4, height: 4 })), 400, /^The image could not be decoded: \S/);
});

test('a truncated JPEG is an error, not a grey image', async () => {
  const noise = Buffer.from(Array.from({ length: 64 * 64 * 3 }, (_, i) => (i * 7919) % 256));
  const jpeg = await sharp(noise, { raw: { width: 64, height: 64, channels: 3 } }).jpeg().toBuffer();
  await rejectsWith(imagesToTensor([jpeg.subarray(0, jpeg.length >> 1)], spec({ width: 4, height: 4 })), 400, /^The image could not be decoded: .*JPEG/i);
});

test('random bytes, JSON text and empty buffers are 400s', async () => {
  const s = spec({ width: 4, height: 4 });
  await rejectsWith(imagesToTensor([Buffer.from([0x13, 0x37, 0xc0, 0xff, 0xee, 0x00, 0x42, 0x99, 0x01, 0x02])], s), 400, /^The image could not be decoded: the bytes are not a recognised image format/);
  await rejectsWith(imagesToTensor([Buffer.from('{"image": "abc"}')], s), 400, /looks like JSON/);
  await rejectsWith(imagesToTensor([Buffer.alloc(0)], s), 400, /^The image is empty/);
  await rejectsWith(imagesToTensor([], s), 400, /No image was sent/);
});

test('a recognisable format that cannot be decoded is a 415 naming it', async () => {
  const bmp = Buffer.alloc(70);
  bmp.write('BM', 0, 'latin1');
  await rejectsWith(imagesToTensor([bmp], spec({ width: 4, height: 4 })), 415, /^The image is a BMP image, which this server cannot decode/);
});

test('a bad image inside a batch is named by its 1-based position', async () => {
  const good = await solid(4, 4, [0, 0, 0]);
  await rejectsWith(imagesToTensor([good, Buffer.from('not an image at all'), good], spec({ width: 4, height: 4 })), 400, /^Image 2 of 3 could not be decoded: /);
  await rejectsWith(imagesToTensor([good, good, Buffer.alloc(0)], spec({ width: 4, height: 4 })), 400, /^Image 3 of 3 is empty/);
});

test('too many images is a 413', async () => {
  const good = await solid(2, 2, [0, 0, 0]);
  await rejectsWith(imagesToTensor([good, good, good], spec({ width: 2, height: 2 }), { maxImages: 2 }), 413, /3 images were sent; the limit is 2/);
});

/** A PNG whose header declares width×height, followed by the first rows of real (all-zero) pixel data. */
function headerOnlyPng(width: number, height: number): Buffer {
  const chunk = (type: string, body: Buffer): Buffer => {
    const head = Buffer.alloc(8);
    head.writeUInt32BE(body.length, 0);
    head.write(type, 4, 'latin1');
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), body])), 0);
    return Buffer.concat([head, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8); // 8-bit RGB, no interlace
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const rows = deflateSync(Buffer.alloc(4 * (1 + width * 3)));
  return Buffer.concat([signature, chunk('IHDR', ihdr), chunk('IDAT', rows), chunk('IEND', Buffer.alloc(0))]);
}

function crc32(bytes: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

test('a decompression bomb is a 413 before any pixel is decoded', async () => {
  const bomb = headerOnlyPng(30000, 30000); // 900 megapixels, 2.7 GB decoded; a few hundred bytes here
  assert.ok(bomb.length < 2000);
  const rssBefore = process.memoryUsage().rss;
  const started = Date.now();
  await rejectsWith(
    imagesToTensor([bomb], spec({ width: 224, height: 224 })),
    413,
    /^The image is 30000x30000 \(900000000 pixels\); the limit is 40000000 pixels/,
  );
  assert.ok(Date.now() - started < 2000, 'rejected without decoding');
  assert.ok(process.memoryUsage().rss - rssBefore < 256 * 1024 * 1024, 'no gigabyte allocation');
});

test('a real, highly compressed large PNG is caught by a lower limit', async () => {
  const big = await sharp({ create: { width: 2000, height: 1500, channels: 3, background: '#000' } }).png({ compressionLevel: 9 }).toBuffer();
  assert.ok(big.length < 64 * 1024);
  const small = await solid(4, 4, [0, 0, 0]);
  await rejectsWith(
    imagesToTensor([small, big], spec({ width: 4, height: 4 }), { maxPixels: 1_000_000 }),
    413,
    /^Image 2 of 2 is 2000x1500 \(3000000 pixels\); the limit is 1000000 pixels/,
  );
});
