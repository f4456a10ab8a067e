// The JSON side of the tensor codec: request `data` (flat or nested JSON) into the typed array onnxruntime
// wants, and model outputs back into JSON. Pure: no HTTP, no onnxruntime. This runs on every request, so
// `jsonToTensor` writes straight into the typed array instead of flattening into a JS array first.

import { BadRequestError } from '../errors';
import { allocateTensorData, describeType } from './datatypes';
import type { TypedArray } from './datatypes';
import { isDynamic } from './signature';
import type { OnnxElementType, TensorSpec } from './signature';

export interface TensorValue {
  type: OnnxElementType;
  dims: number[];
  data: TypedArray | string[];
}

/** Returns undefined when `value` was stored at `index`, else what was expected instead (for the message). */
type ElementWriter = (value: unknown, index: number) => string | undefined;

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;
const SAFE_MIN = BigInt(Number.MIN_SAFE_INTEGER);
const SAFE_MAX = BigInt(Number.MAX_SAFE_INTEGER);

export function jsonToTensor(
  name: string,
  data: unknown,
  type: OnnxElementType,
  shape?: readonly number[],
): TensorValue {
  const dims = shape === undefined ? inferDims(data) : checkShape(name, shape);
  const count = dims.reduce((a, b) => a * b, 1);
  // How `data` is laid out: a scalar (rank 0), one flat row-major list, or nested lists following `layout`.
  const layout = layoutOf(name, data, dims, shape !== undefined, count);
  // Structure first (array lengths only, O(rows)), so a shape that claims more elements than the body
  // carries is rejected before we allocate for it.
  if (layout !== undefined) checkStructure(name, data, layout, dims, shape !== undefined);

  const out = allocateTensorData(type, count);
  const write = elementWriter(type, out);
  if (layout === undefined) {
    storeElement(name, write, data, 0, [], type);
  } else {
    let flat = 0;
    const last = layout.length - 1;
    const fill = (node: unknown[], depth: number): void => {
      if (depth === last) {
        for (let i = 0; i < node.length; i++) {
          const problem = write(node[i], flat);
          if (problem !== undefined) throw elementError(name, node[i], flat, layout, type, problem);
          flat++;
        }
      } else {
        for (const child of node) fill(child as unknown[], depth + 1);
      }
    };
    fill(data as unknown[], 0);
  }
  return { type, dims, data: out };
}

function storeElement(
  name: string, write: ElementWriter, value: unknown, index: number, layout: number[], type: OnnxElementType,
): void {
  const problem = write(value, index);
  if (problem !== undefined) throw elementError(name, value, index, layout, type, problem);
}

function checkShape(name: string, shape: readonly unknown[]): number[] {
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && (d as number) >= 0)) {
    throw new BadRequestError(
      `Input '${name}': shape must be a list of non-negative integers, got ${JSON.stringify(shape) ?? String(shape)}`,
    );
  }
  return [...(shape as number[])];
}

/** Dims from nesting: the length of each first element on the way down. Raggedness is caught later. */
function inferDims(data: unknown): number[] {
  const dims: number[] = [];
  let node = data;
  while (Array.isArray(node)) {
    dims.push(node.length);
    if (node.length === 0) break;
    node = node[0];
  }
  return dims;
}

/** undefined for a scalar, [count] for flat data, the full dims for nested data. */
function layoutOf(
  name: string, data: unknown, dims: number[], shapeGiven: boolean, count: number,
): number[] | undefined {
  if (!Array.isArray(data)) {
    if (dims.length === 0) return undefined;
    throw new BadRequestError(
      `Input '${name}': data is ${describeValue(data)}, expected a list of ${count} values for shape ${formatDims(dims)}`,
    );
  }
  if (!shapeGiven) return dims;
  const nested = dims.length >= 2 && data.length > 0 && Array.isArray(data[0]);
  return nested ? dims : [count];
}

function checkStructure(name: string, data: unknown, layout: number[], dims: number[], shapeGiven: boolean): void {
  const shapeNote = shapeGiven ? ` (shape ${formatDims(dims)})` : '';
  const path: number[] = [];
  const visit = (node: unknown, depth: number): void => {
    const expected = layout[depth] as number;
    const where = depth === 0 ? 'data' : formatPath(path);
    if (!Array.isArray(node)) {
      throw new BadRequestError(
        `Input '${name}': ${where} is ${describeValue(node)}, expected a list of ${expected} values${shapeNote}`,
      );
    }
    if (node.length !== expected) {
      throw new BadRequestError(
        `Input '${name}': ${where} has ${node.length} values, expected ${expected}${shapeNote}`,
      );
    }
    if (depth === layout.length - 1) return;
    for (let i = 0; i < node.length; i++) {
      path[depth] = i;
      visit(node[i], depth + 1);
    }
    path.length = depth;
  };
  visit(data, 0);
}

function elementError(
  name: string, value: unknown, flat: number, layout: number[], type: OnnxElementType, expected: string,
): BadRequestError {
  const where = layout.length === 0
    ? 'data'
    : layout.length === 1 ? `data[${flat}]` : `${formatPath(unravel(flat, layout))} (flat index ${flat})`;
  return new BadRequestError(
    `Input '${name}': ${where} is ${describeValue(value)}, expected ${expected} for ${describeType(type)}`,
  );
}

function unravel(flat: number, dims: number[]): number[] {
  const path = new Array<number>(dims.length).fill(0);
  let rest = flat;
  for (let d = dims.length - 1; d >= 0; d--) {
    const size = dims[d] as number;
    path[d] = rest % size;
    rest = Math.floor(rest / size);
  }
  return path;
}

function formatPath(path: number[]): string {
  return `data${path.map((i) => `[${i}]`).join('')}`;
}

export function formatDims(dims: readonly (number | string | null)[]): string {
  return `[${dims.map((d) => (d === null ? '?' : String(d))).join(', ')}]`;
}

function describeValue(value: unknown): string {
  if (value === undefined) return 'missing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  if (typeof value === 'object' && value !== null) return 'an object';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

function elementWriter(type: OnnxElementType, out: TypedArray | string[]): ElementWriter {
  switch (type) {
    case 'float32': {
      // Finite doubles narrow to float32 by IEEE rounding; one beyond float32's range would become ±Infinity,
      // which the caller did not send: that is the caller's error (400), not a value to run the model on.
      const a = out as Float32Array;
      return (v, i) => {
        if (!Number.isFinite(v)) return 'a finite number';
        const f = Math.fround(v as number);
        if (!Number.isFinite(f)) return 'a number float32 can hold (magnitude at most 3.4028235e38)';
        a[i] = f;
        return undefined;
      };
    }
    case 'float64': {
      const a = out as Float64Array;
      return (v, i) => {
        if (!Number.isFinite(v)) return 'a finite number';
        a[i] = v as number;
        return undefined;
      };
    }
    case 'float16': {
      const a = out as Uint16Array;
      return (v, i) => {
        if (!Number.isFinite(v)) return 'a finite number';
        if (Math.abs(v as number) >= 65520) return 'a number float16 can hold (magnitude below 65520)';
        a[i] = floatToHalfBits(v as number);
        return undefined;
      };
    }
    case 'int8': return intWriter(out as Int8Array, -128, 127);
    case 'int16': return intWriter(out as Int16Array, -32768, 32767);
    case 'int32': return intWriter(out as Int32Array, -2147483648, 2147483647);
    case 'uint8': return intWriter(out as Uint8Array, 0, 255);
    case 'uint16': return intWriter(out as Uint16Array, 0, 65535);
    case 'uint32': return intWriter(out as Uint32Array, 0, 4294967295);
    case 'int64': return bigIntWriter(out as BigInt64Array, INT64_MIN, INT64_MAX);
    case 'uint64': return bigIntWriter(out as BigUint64Array, 0n, UINT64_MAX);
    case 'bool': {
      const a = out as Uint8Array;
      return (v, i) => {
        if (v === true || v === 1) a[i] = 1;
        else if (v === false || v === 0) a[i] = 0;
        else return 'true, false, 0 or 1';
        return undefined;
      };
    }
    case 'string': {
      const a = out as string[];
      return (v, i) => {
        if (typeof v !== 'string') return 'a string';
        a[i] = v;
        return undefined;
      };
    }
  }
}

function intWriter(a: Int8Array | Int16Array | Int32Array | Uint8Array | Uint16Array | Uint32Array, min: number, max: number): ElementWriter {
  const expected = `an integer in ${min}..${max}`;
  return (v, i) => {
    if (!Number.isInteger(v) || (v as number) < min || (v as number) > max) return expected;
    a[i] = v as number;
    return undefined;
  };
}

// Doubles lose integers past 2^53, so 64-bit values beyond that must arrive as decimal strings.
function bigIntWriter(a: BigInt64Array | BigUint64Array, min: bigint, max: bigint): ElementWriter {
  const expected = `an integer in ${min}..${max} (a safe JSON integer, or a decimal string beyond ±2^53)`;
  return (v, i) => {
    let b: bigint;
    if (typeof v === 'number') {
      if (!Number.isSafeInteger(v)) return expected;
      b = BigInt(v);
    } else if (typeof v === 'string' && /^-?\d{1,20}$/.test(v)) {
      b = BigInt(v);
    } else if (typeof v === 'bigint') {
      b = v;
    } else {
      return expected;
    }
    if (b < min || b > max) return expected;
    a[i] = b;
    return undefined;
  };
}

/** IEEE 754 binary16 bits of `x`, rounded to nearest even straight from the double (no float32 detour). */
export function floatToHalfBits(x: number): number {
  if (Number.isNaN(x)) return 0x7e00;
  const sign = x < 0 || Object.is(x, -0) ? 0x8000 : 0;
  const a = Math.abs(x);
  if (a >= 65520) return sign | 0x7c00; // 65520 is halfway past 65504 and ties to even (infinity)
  if (a < 2 ** -14) {
    // Subnormal: a multiple of 2^-24; rounding up to 1024 lands exactly on the smallest normal's bits.
    return sign | roundHalfEven(a * 2 ** 24);
  }
  let e = Math.floor(Math.log2(a));
  if (2 ** e > a) e--; // log2 can be off by one next to powers of two
  else if (2 ** (e + 1) <= a) e++;
  let mantissa = roundHalfEven((a / 2 ** e - 1) * 1024);
  if (mantissa === 1024) {
    mantissa = 0;
    e++;
  }
  return sign | ((e + 15) << 10) | mantissa;
}

export function halfBitsToFloat(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const mantissa = bits & 0x3ff;
  if (exponent === 0) return sign * mantissa * 2 ** -24;
  if (exponent === 31) return mantissa === 0 ? sign * Infinity : NaN;
  return sign * (1 + mantissa / 1024) * 2 ** (exponent - 15);
}

function roundHalfEven(v: number): number {
  const floor = Math.floor(v);
  const diff = v - floor;
  if (diff > 0.5) return floor + 1;
  if (diff < 0.5) return floor;
  return floor % 2 === 0 ? floor : floor + 1;
}

/**
 * Fails when the request's tensor cannot feed the model's input: dtype, rank and every fixed dim must match;
 * symbolic, unnamed and negative dims accept any size.
 */
export function checkAgainstSpec(value: TensorValue, spec: TensorSpec): void {
  const expects = `Input '${spec.name}' expects shape ${formatDims(spec.shape)} (${spec.type})`;
  if (value.type !== spec.type) {
    throw new BadRequestError(
      `Input '${spec.name}' expects datatype ${describeType(spec.type)}, got ${describeType(value.type)}`,
    );
  }
  const fits = value.dims.length === spec.shape.length
    && spec.shape.every((d, i) => isDynamic(d) || d === value.dims[i]);
  if (!fits) throw new BadRequestError(`${expects}, got ${formatDims(value.dims)}`);
}

/**
 * Inputs that name the same symbolic dim ("batch") must agree on its size; onnxruntime would otherwise
 * broadcast mismatched inputs and answer with a shape nobody asked for.
 */
export function checkSharedDims(values: Readonly<Record<string, TensorValue>>, specs: readonly TensorSpec[]): void {
  const seen = new Map<string, { input: string; size: number }>();
  for (const spec of specs) {
    const value = values[spec.name];
    if (!value) continue;
    spec.shape.forEach((d, i) => {
      if (typeof d !== 'string') return;
      const size = value.dims[i] as number;
      const first = seen.get(d);
      if (!first) seen.set(d, { input: spec.name, size });
      else if (first.size !== size) {
        throw new BadRequestError(`Inputs '${first.input}' and '${spec.name}' disagree on dimension '${d}': ${first.size} vs ${size}`);
      }
    });
  }
}

/** The flat index of the first NaN or ±Infinity in a float tensor, or -1: JSON has no way to write them. */
export function firstNonFinite(value: TensorValue): number {
  if (!(value.data instanceof Float32Array || value.data instanceof Float64Array)) return -1;
  const data = value.data;
  for (let i = 0; i < data.length; i++) if (!Number.isFinite(data[i])) return i;
  return -1;
}

/** Outputs as JSON: flat row-major, or nested following dims (a rank-0 tensor nests to a bare scalar). */
export function tensorToJson(value: TensorValue, nested: boolean): unknown {
  const count = value.dims.reduce((a, b) => a * b, 1);
  if (value.data.length !== count) {
    throw new Error(`Tensor of shape ${formatDims(value.dims)} holds ${value.data.length} values, expected ${count}`);
  }
  const read = elementReader(value.type, value.data);
  const flatRange = (start: number, end: number): unknown[] => {
    const row = new Array<unknown>(end - start);
    for (let i = start; i < end; i++) row[i - start] = read(i);
    return row;
  };
  if (!nested) return flatRange(0, count);
  if (value.dims.length === 0) return read(0);
  const dims = value.dims;
  let offset = 0;
  const build = (depth: number): unknown[] => {
    const size = dims[depth] as number;
    if (depth === dims.length - 1) {
      const row = flatRange(offset, offset + size);
      offset += size;
      return row;
    }
    const rows = new Array<unknown>(size);
    for (let i = 0; i < size; i++) rows[i] = build(depth + 1);
    return rows;
  };
  return build(0);
}

function elementReader(type: OnnxElementType, data: TypedArray | string[]): (i: number) => unknown {
  switch (type) {
    case 'float16': {
      const a = data as Uint16Array;
      return (i) => halfBitsToFloat(a[i] as number);
    }
    case 'bool': {
      const a = data as Uint8Array;
      return (i) => a[i] !== 0;
    }
    case 'int64':
    case 'uint64': {
      const a = data as BigInt64Array | BigUint64Array;
      return (i) => {
        const b = a[i] as bigint;
        return b >= SAFE_MIN && b <= SAFE_MAX ? Number(b) : b.toString();
      };
    }
    default:
      return (i) => data[i];
  }
}
