// The V2 protocol names tensor types one way (FP32, BYTES), onnxruntime-node another (float32, string).
// This table is the single place that knows both, plus how each type is stored in memory, so the JSON
// codec, the binary extension and the runtime all agree on the typed array behind every tensor.

import { BadRequestError } from '../errors';
import type { OnnxElementType } from './signature';

export type V2Datatype =
  | 'BOOL'
  | 'UINT8' | 'UINT16' | 'UINT32' | 'UINT64'
  | 'INT8' | 'INT16' | 'INT32' | 'INT64'
  | 'FP16' | 'FP32' | 'FP64'
  | 'BYTES';

/** The typed arrays a numeric tensor can live in (the ones onnxruntime-node accepts for our element types). */
export type TypedArray =
  | Uint8Array | Uint16Array | Uint32Array | BigUint64Array
  | Int8Array | Int16Array | Int32Array | BigInt64Array
  | Float32Array | Float64Array;

export type TypedArrayConstructor =
  | Uint8ArrayConstructor | Uint16ArrayConstructor | Uint32ArrayConstructor | BigUint64ArrayConstructor
  | Int8ArrayConstructor | Int16ArrayConstructor | Int32ArrayConstructor | BigInt64ArrayConstructor
  | Float32ArrayConstructor | Float64ArrayConstructor;

export type NumericElementType = Exclude<OnnxElementType, 'string'>;

interface TypeInfo {
  v2: V2Datatype;
  /** undefined for strings, which live in a plain string[]. */
  array: TypedArrayConstructor | undefined;
  /** Bytes per element in the binary extension; 0 for strings, whose elements carry their own length. */
  byteSize: number;
}

// bool is one byte per element because that is what onnxruntime-node wants (it rejects a JS boolean[] for
// input tensors); float16 is held as raw IEEE half bits because Node 20 has no Float16Array, and ort-node
// accepts a Uint16Array for 'float16' whether or not Float16Array exists.
const typeInfo: Record<OnnxElementType, TypeInfo> = {
  bool: { v2: 'BOOL', array: Uint8Array, byteSize: 1 },
  uint8: { v2: 'UINT8', array: Uint8Array, byteSize: 1 },
  uint16: { v2: 'UINT16', array: Uint16Array, byteSize: 2 },
  uint32: { v2: 'UINT32', array: Uint32Array, byteSize: 4 },
  uint64: { v2: 'UINT64', array: BigUint64Array, byteSize: 8 },
  int8: { v2: 'INT8', array: Int8Array, byteSize: 1 },
  int16: { v2: 'INT16', array: Int16Array, byteSize: 2 },
  int32: { v2: 'INT32', array: Int32Array, byteSize: 4 },
  int64: { v2: 'INT64', array: BigInt64Array, byteSize: 8 },
  float16: { v2: 'FP16', array: Uint16Array, byteSize: 2 },
  float32: { v2: 'FP32', array: Float32Array, byteSize: 4 },
  float64: { v2: 'FP64', array: Float64Array, byteSize: 8 },
  string: { v2: 'BYTES', array: undefined, byteSize: 0 },
};

const onnxByV2 = new Map<string, OnnxElementType>(
  (Object.keys(typeInfo) as OnnxElementType[]).map((t) => [typeInfo[t].v2, t]),
);

export const V2_DATATYPES: readonly V2Datatype[] = [...onnxByV2.keys()] as V2Datatype[];

export function isV2Datatype(value: unknown): value is V2Datatype {
  return typeof value === 'string' && onnxByV2.has(value);
}

export function v2ToOnnx(datatype: V2Datatype): OnnxElementType {
  const t = onnxByV2.get(datatype);
  if (t === undefined) throw new BadRequestError(`Unknown V2 datatype '${String(datatype)}'`);
  return t;
}

export function onnxToV2(type: OnnxElementType): V2Datatype {
  return typeInfo[type].v2;
}

/** Reads the `datatype` field of a request input; `name` is the input's name, for the message. */
export function parseV2Datatype(name: string, datatype: unknown): OnnxElementType {
  if (!isV2Datatype(datatype)) {
    throw new BadRequestError(
      `Input '${name}': datatype must be one of ${V2_DATATYPES.join(', ')}, got ${JSON.stringify(datatype) ?? String(datatype)}`,
    );
  }
  return v2ToOnnx(datatype);
}

/** "float32 (FP32)": both names, because callers speak V2 and model authors speak ONNX. */
export function describeType(type: OnnxElementType): string {
  return `${type} (${typeInfo[type].v2})`;
}

export function typedArrayConstructor(type: NumericElementType): TypedArrayConstructor {
  // Every non-string entry has a constructor; the check keeps the types honest without a cast.
  const ctor = typeInfo[type].array;
  if (ctor === undefined) throw new Error(`No typed array for ${type}`);
  return ctor;
}

/** Zero-filled storage for `length` elements of `type`. */
export function allocateTensorData(type: OnnxElementType, length: number): TypedArray | string[] {
  if (type === 'string') return new Array<string>(length).fill('');
  return new (typedArrayConstructor(type))(length);
}

/** Bytes per element in the binary extension, or undefined for strings (length-prefixed, variable size). */
export function elementByteSize(type: OnnxElementType): number | undefined {
  const size = typeInfo[type].byteSize;
  return size === 0 ? undefined : size;
}
