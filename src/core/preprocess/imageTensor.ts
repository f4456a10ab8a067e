// Turns the images of one request into one model-ready tensor. This is a hot path: each image is decoded once
// straight to raw 8-bit pixels, and a single loop maps those bytes through a 256-entry lookup table into a batch
// tensor allocated up front. Scaling, mean/std, inversion and the BGR swap cost nothing extra. PNGs that are
// already at the model's size are decoded in JS (pngFastPath.ts, same bytes as sharp); everything else by sharp.
import type { Sharp, SharpOptions } from 'sharp';
import type { PreprocessSpec } from '../modelConfig';
import {
  BadRequestError,
  ConfigError,
  ModelportError,
  PayloadTooLargeError,
  UnsupportedMediaTypeError,
  errorMessage,
} from '../errors';
import { decodePngFast } from './pngFastPath';

export interface ImageLimits {
  /** Largest width×height accepted, read from the header so that decompression bombs never get decoded. */
  maxPixels?: number;
  /** Largest number of images in one request. */
  maxImages?: number;
}

export const defaultImageLimits: Required<ImageLimits> = { maxPixels: 40_000_000, maxImages: 64 };

/**
 * The JS fast path runs on the event loop (about 1.4 ms for a 224×224 RGB PNG, 0.02 ms for 28×28), while sharp
 * runs on libuv's threads: past this many pixels in one request, the remaining images go to sharp so that a big
 * batch never holds up other requests and the health routes for more than a few milliseconds.
 */
export const fastPathPixelBudget = 4 * 224 * 224;

/** @internal For tests and benchmarks only: not part of the server's configuration. */
export interface DecodeOptions {
  /** Decode every image with sharp, skipping the JS fast path for PNGs at the model's size. */
  forceSharp?: boolean;
}

export interface ImageTensor {
  data: Float32Array | Uint8Array;
  dims: number[];
}

/** What every image of a batch shares: computed once, read by the packing loop. */
interface PackPlan {
  width: number;
  height: number;
  channels: number;
  nchw: boolean;
  /** `lut[c * 256 + byte]` is the final tensor value of channel c for a raw byte (inversion included). */
  lut: Float32Array | Uint8Array;
  /** The value of a pixel that is black in the model's eyes, per channel: used where a crop runs off the image. */
  pad: Float32Array | Uint8Array;
}

interface RawImage {
  data: Uint8Array;
  width: number;
  height: number;
  channels: number;
}

const decodableFormats = 'JPEG, PNG, WebP, GIF, TIFF, AVIF/HEIF or SVG';

/**
 * Checks the parts of a preprocess spec that zod cannot check alone. The server calls it when it loads a model
 * so that a bad config fails at start-up; `imagesToTensor` calls it again because it is cheap.
 */
export function checkPreprocessSpec(spec: PreprocessSpec): void {
  const channels = channelCount(spec);
  for (const key of ['mean', 'std'] as const) {
    const values = spec[key];
    if (values === undefined) continue;
    if (spec.dtype === 'uint8') {
      throw new ConfigError(
        `preprocess.${key} has no effect on uint8 tensors, which carry raw 0..255 values. Remove it, or set "dtype": "float32".`,
        undefined,
        `/preprocess/${key}`,
      );
    }
    if (values.length !== 1 && values.length !== channels) {
      throw new ConfigError(
        `preprocess.${key} has ${values.length} values; give 1 (used for every channel) or ${channels} (one per channel, in ${spec.channels} order).`,
        undefined,
        `/preprocess/${key}`,
      );
    }
  }
}

export async function imagesToTensor(
  images: Buffer[],
  spec: PreprocessSpec,
  limits: ImageLimits = {},
  options: DecodeOptions = {},
): Promise<ImageTensor> {
  checkPreprocessSpec(spec);
  const maxPixels = limits.maxPixels ?? defaultImageLimits.maxPixels;
  const maxImages = limits.maxImages ?? defaultImageLimits.maxImages;
  if (images.length === 0) throw new BadRequestError('No image was sent: the request must carry at least one image.');
  if (images.length > maxImages) {
    throw new PayloadTooLargeError(`${images.length} images were sent; the limit is ${maxImages} per request. Split the batch into smaller requests.`);
  }

  const plan = makePlan(spec);
  const slotSize = plan.channels * plan.height * plan.width;
  const data = spec.dtype === 'uint8' ? new Uint8Array(images.length * slotSize) : new Float32Array(images.length * slotSize);

  // The fast path first, synchronously: what it cannot decode exactly goes to sharp, which also names every error.
  const slow: number[] = [];
  let budget = options.forceSharp ? 0 : fastPathPixelBudget;
  images.forEach((image, i) => {
    const raw = budget > 0 && image.length > 0 ? decodePngFast(image, spec, Math.min(maxPixels, budget)) : undefined;
    if (raw) {
      budget -= raw.width * raw.height;
      packInto(data, i * slotSize, raw, spec, plan);
    } else slow.push(i);
  });
  if (slow.length > 0) {
    // Imported on first use: sharp is a native module and most callers of this package never need it.
    const { default: sharp } = await import('sharp');
    // Every image is decoded concurrently (sharp runs on libuv's thread pool) and packed as soon as it is ready.
    // allSettled rather than all, so the error reported is the first bad image by position, not by timing.
    const results = await Promise.allSettled(
      slow.map(async (i) => {
        const raw = await decode(sharp, images[i]!, i, images.length, spec, maxPixels);
        packInto(data, i * slotSize, raw, spec, plan);
      }),
    );
    const failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failure) throw failure.reason;
  }

  const dims = plan.nchw
    ? [images.length, plan.channels, plan.height, plan.width]
    : [images.length, plan.height, plan.width, plan.channels];
  return { data, dims };
}

function channelCount(spec: PreprocessSpec): number {
  return spec.channels === 'grayscale' ? 1 : 3;
}

function makePlan(spec: PreprocessSpec): PackPlan {
  const channels = channelCount(spec);
  const float = spec.dtype === 'float32';
  const lut = float ? new Float32Array(channels * 256) : new Uint8Array(channels * 256);
  const pad = float ? new Float32Array(channels) : new Uint8Array(channels);
  for (let c = 0; c < channels; c++) {
    // The spec's formula, evaluated exactly once per possible byte: ((v * scale) - mean[c]) / std[c].
    const mean = float ? pick(spec.mean, c, 0) : 0;
    const std = float ? pick(spec.std, c, 1) : 1;
    const scale = float ? spec.scale : 1;
    for (let v = 0; v < 256; v++) {
      const byte = spec.invert ? 255 - v : v;
      lut[c * 256 + v] = (byte * scale - mean) / std;
    }
    pad[c] = (0 * scale - mean) / std;
  }
  return { width: spec.width, height: spec.height, channels, nchw: spec.layout === 'NCHW', lut, pad };
}

function pick(values: readonly number[] | undefined, channel: number, fallback: number): number {
  if (values === undefined) return fallback;
  return values.length === 1 ? (values[0] ?? fallback) : (values[channel] ?? fallback);
}

type SharpFactory = (input: Buffer, options: SharpOptions) => Sharp;

async function decode(sharp: SharpFactory, image: Buffer, index: number, count: number, spec: PreprocessSpec, maxPixels: number): Promise<RawImage> {
  const name = count === 1 ? 'The image' : `Image ${index + 1} of ${count}`;
  if (image.length === 0) throw new BadRequestError(`${name} is empty (0 bytes).`);
  try {
    const { data, info } = await buildPipeline(sharp, image, spec, maxPixels).raw().toBuffer({ resolveWithObject: true });
    return { data, width: info.width, height: info.height, channels: info.channels };
  } catch (err) {
    throw await describeDecodeFailure(sharp, err, image, name, maxPixels);
  }
}

function buildPipeline(sharp: SharpFactory, image: Buffer, spec: PreprocessSpec, maxPixels: number): Sharp {
  let pipeline = sharp(image, {
    // 'error' rejects truncated and corrupt pixel data (which would otherwise come out grey) but tolerates
    // libjpeg's harmless warnings, such as extraneous bytes before a marker, that many cameras produce.
    failOn: 'error',
    // Checked against the header's width×height before any pixel is decoded.
    limitInputPixels: maxPixels,
    // The first frame of an animated GIF or WebP, the first page of a TIFF.
    pages: 1,
    page: 0,
  })
    .rotate() // no angle: orient by the EXIF Orientation tag, as a phone photo is meant to be seen
    .flatten({ background: '#ffffff' });
  pipeline = spec.channels === 'grayscale' ? pipeline.grayscale() : pipeline.toColourspace('srgb');

  if (spec.resizeShortSide !== undefined) {
    // `outside` makes the short side exactly resizeShortSide; the centre crop happens while packing.
    const side = spec.resizeShortSide;
    return pipeline.resize({ width: side, height: side, fit: 'outside' });
  }
  // Letterbox bars are black in the model's eyes: when the tensor is inverted later, that means white here.
  const bar = spec.invert ? 255 : 0;
  return pipeline.resize({
    width: spec.width,
    height: spec.height,
    fit: spec.fit,
    position: 'centre',
    background: { r: bar, g: bar, b: bar, alpha: 1 },
  });
}

async function describeDecodeFailure(sharp: SharpFactory, err: unknown, image: Buffer, name: string, maxPixels: number): Promise<Error> {
  const reason = errorMessage(err).split('\n')[0]?.trim() ?? '';
  if (/exceeds pixel limit/i.test(reason)) {
    // Only the header is read here, with the limit lifted so that the dimensions can be named.
    const { width, height } = await sharp(image, { limitInputPixels: false })
      .metadata()
      .catch(() => ({ width: undefined, height: undefined }));
    const size = width !== undefined && height !== undefined ? `${width}x${height} (${width * height} pixels)` : 'larger than the limit';
    return new PayloadTooLargeError(`${name} is ${size}; the limit is ${maxPixels} pixels. Send a smaller image.`);
  }
  if (/unsupported image format/i.test(reason)) {
    const known = sniffUndecodableFormat(image);
    if (known !== undefined) {
      return new UnsupportedMediaTypeError(`${name} is ${known}, which this server cannot decode. Send ${decodableFormats}.`);
    }
    return new BadRequestError(`${name} could not be decoded: the bytes are not a recognised image format (expected ${decodableFormats}).${textHint(image)}`);
  }
  if (err instanceof ModelportError) return err;
  return new BadRequestError(`${name} could not be decoded: ${reason || 'unknown decoder error'}.`, { cause: err });
}

/** Formats recognisable by their magic bytes that this build of sharp cannot read: these earn a 415, not a 400. */
function sniffUndecodableFormat(b: Buffer): string | undefined {
  const ascii = (start: number, text: string): boolean => b.toString('latin1', start, start + text.length) === text;
  if (ascii(0, 'BM') && b.length >= 26) return 'a BMP image';
  if (b.length >= 6 && b[0] === 0 && b[1] === 0 && (b[2] === 1 || b[2] === 2) && b[3] === 0) return 'an ICO/CUR icon';
  if (ascii(0, '%PDF')) return 'a PDF document';
  if (ascii(0, '8BPS')) return 'a Photoshop (PSD) file';
  if (ascii(4, 'jP  ') || (b[0] === 0xff && b[1] === 0x4f && b[2] === 0xff && b[3] === 0x51)) return 'a JPEG 2000 image';
  if (ascii(4, 'JXL ') || (b[0] === 0xff && b[1] === 0x0a)) return 'a JPEG XL image';
  if (ascii(0, 'DDS ')) return 'a DDS texture';
  if (b.length >= 4 && b[0] === 0x76 && b[1] === 0x2f && b[2] === 0x31 && b[3] === 0x01) return 'an OpenEXR image';
  return undefined;
}

/** A common mistake is posting text (JSON, base64) to the binary route; say so instead of "not an image". */
function textHint(b: Buffer): string {
  const head = b.toString('latin1', 0, Math.min(b.length, 64)).trimStart();
  if (head.startsWith('{') || head.startsWith('[')) return ' It looks like JSON: send it with Content-Type: application/json.';
  if (head.startsWith('data:')) return ' It looks like a data URL: send it inside JSON, e.g. {"image": "data:image/png;base64,..."}.';
  if (head.length >= 16 && /^[A-Za-z0-9+/_-]+=*$/.test(head)) return ' It looks like base64 text: send it inside JSON, e.g. {"image": "<base64>"}.';
  return '';
}

/** Which raw channel feeds each tensor channel; BGR is a reordering here, not an extra pass. */
function sourceChannels(spec: PreprocessSpec, raw: RawImage): number[] {
  if (spec.channels === 'grayscale') {
    if (raw.channels === 1) return [0];
  } else if (raw.channels === 3) {
    return spec.channels === 'bgr' ? [2, 1, 0] : [0, 1, 2];
  }
  throw new ModelportError('internal', `The decoder returned ${raw.channels} channels for a ${spec.channels} tensor.`);
}

/**
 * Writes one decoded image into its slot of the batch tensor. The image is width×height already, except with
 * resizeShortSide, where the centre crop is taken here; a crop larger than the image is padded with black.
 */
function packInto(out: Float32Array | Uint8Array, base: number, raw: RawImage, spec: PreprocessSpec, plan: PackPlan): void {
  const { width: W, height: H, channels: C, lut } = plan;
  const src = raw.data;
  const sw = raw.width;
  const sc = raw.channels;
  const map = sourceChannels(spec, raw);
  const offX = Math.floor((raw.width - W) / 2);
  const offY = Math.floor((raw.height - H) / 2);
  // The part of the slot that the image covers; anything outside it is padding.
  const x0 = Math.max(0, -offX);
  const x1 = Math.min(W, raw.width - offX);
  const y0 = Math.max(0, -offY);
  const y1 = Math.min(H, raw.height - offY);
  if (x0 > 0 || y0 > 0 || x1 < W || y1 < H) fillPadding(out, base, plan);

  if (plan.nchw) {
    const plane = W * H;
    for (let c = 0; c < C; c++) {
      const lutBase = c * 256;
      const from = map[c] ?? 0;
      for (let y = y0; y < y1; y++) {
        let s = ((y + offY) * sw + (x0 + offX)) * sc + from;
        let d = base + c * plane + y * W + x0;
        for (let x = x0; x < x1; x++) {
          out[d++] = lut[lutBase + src[s]!]!;
          s += sc;
        }
      }
    }
    return;
  }
  for (let y = y0; y < y1; y++) {
    let s = ((y + offY) * sw + (x0 + offX)) * sc;
    let d = base + (y * W + x0) * C;
    for (let x = x0; x < x1; x++) {
      for (let c = 0; c < C; c++) out[d++] = lut[c * 256 + src[s + map[c]!]!]!;
      s += sc;
    }
  }
}

function fillPadding(out: Float32Array | Uint8Array, base: number, plan: PackPlan): void {
  const { width: W, height: H, channels: C, pad } = plan;
  if (plan.nchw) {
    for (let c = 0; c < C; c++) out.fill(pad[c]!, base + c * W * H, base + (c + 1) * W * H);
    return;
  }
  for (let d = base, end = base + W * H * C; d < end; d += C) {
    for (let c = 0; c < C; c++) out[d + c] = pad[c]!;
  }
}
