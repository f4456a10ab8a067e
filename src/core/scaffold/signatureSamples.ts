// Example values shaped like a model's tensors: what an entry script's inputSample/outputSample hold, so the
// service validates requests and documents them in swagger exactly as the model expects them.
import type { Dim, OnnxElementType, TensorSpec } from '../onnx/signature';

/** Concrete dims for a sample: a fixed size stays, a dynamic one (batch, N, unnamed) becomes 1. */
export function sampleShape(shape: readonly Dim[]): number[] {
  return shape.map((d) => (typeof d === 'number' && d > 0 ? d : 1));
}

/** What one element of the tensor looks like in JSON. */
export function sampleElement(type: OnnxElementType): number | string | boolean {
  if (type === 'string') return '';
  if (type === 'bool') return false;
  return 0;
}

/** The TypeScript type of one element as it travels in JSON (int64 travels as a number). */
export function elementTsType(type: OnnxElementType): 'number' | 'string' | 'boolean' {
  if (type === 'string') return 'string';
  if (type === 'bool') return 'boolean';
  return 'number';
}

/** `number[][]` for a rank-2 tensor; a scalar (rank 0) is the element type itself. */
export function nestedTsType(spec: TensorSpec): string {
  return elementTsType(spec.type) + '[]'.repeat(spec.shape.length);
}

/** The sample as a nested array (used by tests and for small tensors). */
export function sampleValue(spec: TensorSpec): unknown {
  const fill = (dims: number[]): unknown => {
    const [first, ...rest] = dims;
    if (first === undefined) return sampleElement(spec.type);
    return Array.from({ length: first }, () => fill(rest));
  };
  return fill(sampleShape(spec.shape));
}

/** An image-like input: [N, C, H, W] or [N, H, W, C] with C of 1 or 3 and fixed H and W. */
export interface ImageInput {
  name: string;
  layout: 'NCHW' | 'NHWC';
  channels: 1 | 3;
  width: number;
  height: number;
}

export function imageInputOf(spec: TensorSpec): ImageInput | undefined {
  if (spec.shape.length !== 4 || (spec.type !== 'float32' && spec.type !== 'uint8')) return undefined;
  const [, a, b, c] = spec.shape;
  const fixed = (d: Dim | undefined): d is number => typeof d === 'number' && d > 0;
  if ((a === 1 || a === 3) && fixed(b) && fixed(c)) return { name: spec.name, layout: 'NCHW', channels: a, height: b, width: c };
  if ((c === 1 || c === 3) && fixed(a) && fixed(b)) return { name: spec.name, layout: 'NHWC', channels: c, height: a, width: b };
  return undefined;
}

/** A JavaScript identifier or a quoted key, for object literals and property types. */
export function propertyKey(name: string): string {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(name) ? name : JSON.stringify(name);
}
