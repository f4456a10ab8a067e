// A model served without a model config still takes images when its input looks like one: a rank-4 float
// or uint8 tensor with 1 or 3 channels. The guess (pixels scaled to 0..1, no mean/std) is logged at start-up
// so a user whose model wants other normalisation knows to write a preprocess section.
import type { PreprocessSpec } from '../modelConfig';
import type { TensorSpec } from '../onnx/signature';

export function inferPreprocess(input: TensorSpec): PreprocessSpec | undefined {
  if (input.shape.length !== 4 || (input.type !== 'float32' && input.type !== 'uint8')) return undefined;
  const [, d1, d2, d3] = input.shape;
  const layout = d1 === 1 || d1 === 3 ? 'NCHW' : d3 === 1 || d3 === 3 ? 'NHWC' : undefined;
  if (!layout) return undefined;
  const [c, h, w] = layout === 'NCHW' ? [d1, d2, d3] : [d3, d1, d2];
  if (typeof h !== 'number' || typeof w !== 'number' || h <= 0 || w <= 0) return undefined;
  return {
    input: input.name,
    width: w,
    height: h,
    fit: 'cover',
    channels: c === 1 ? 'grayscale' : 'rgb',
    layout,
    dtype: input.type,
    scale: 1 / 255,
    invert: false,
  };
}
