// Triton's binary tensor data extension for V2: the body is a JSON header of `Inference-Header-Content-Length`
// bytes, then the raw bytes of every tensor whose `parameters.binary_data_size` says so, in header order.
// Numbers travel as little-endian element bytes; BYTES elements as a 4-byte little-endian length + the bytes.

import { BadRequestError } from '../errors';
import { allocateTensorData, describeType, elementByteSize } from './datatypes';
import type { TypedArray } from './datatypes';
import type { OnnxElementType } from './signature';
import type { TensorValue } from './tensorData';

const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * Splits a binary-extension body. `buffers[k]` holds the bytes of the k-th input, in header order, that
 * declares `parameters.binary_data_size`; inputs without it carry JSON `data` and get no buffer.
 */
export function parseBinaryRequest(body: Buffer, headerLength: number): { header: unknown; buffers: Buffer[] } {
  if (!Number.isSafeInteger(headerLength) || headerLength < 0) {
    throw new BadRequestError(`Inference-Header-Content-Length must be a non-negative integer, got ${headerLength}`);
  }
  if (headerLength > body.length) {
    throw new BadRequestError(
      `Inference-Header-Content-Length is ${headerLength} but the body has only ${body.length} bytes`,
    );
  }
  let header: unknown;
  try {
    header = JSON.parse(body.subarray(0, headerLength).toString('utf8'));
  } catch (err) {
    throw new BadRequestError(
      `The first ${headerLength} bytes of the body (Inference-Header-Content-Length) are not valid JSON: ${(err as Error).message}`,
      { cause: err },
    );
  }
  const sizes = binarySizes(header);
  const available = body.length - headerLength;
  const declared = sizes.reduce((sum, s) => sum + s.size, 0);
  if (declared !== available) {
    const list = sizes.map((s) => `'${s.name}' ${s.size}`).join(', ') || 'none';
    throw new BadRequestError(
      `Binary data sizes add up to ${declared} bytes (${list}) but ${available} bytes follow the JSON header`,
    );
  }
  const buffers: Buffer[] = [];
  let offset = headerLength;
  for (const { size } of sizes) {
    buffers.push(body.subarray(offset, offset + size));
    offset += size;
  }
  return { header, buffers };
}

function binarySizes(header: unknown): { name: string; size: number }[] {
  if (typeof header !== 'object' || header === null || Array.isArray(header)) {
    throw new BadRequestError('The inference header must be a JSON object');
  }
  const inputs = (header as { inputs?: unknown }).inputs;
  if (inputs === undefined) return [];
  if (!Array.isArray(inputs)) throw new BadRequestError("The inference header's 'inputs' must be a list");
  const sizes: { name: string; size: number }[] = [];
  inputs.forEach((input: unknown, i) => {
    if (typeof input !== 'object' || input === null) return; // the request schema reports malformed inputs
    const { name, parameters, data } = input as { name?: unknown; parameters?: unknown; data?: unknown };
    const label = typeof name === 'string' ? name : `#${i}`;
    const size = typeof parameters === 'object' && parameters !== null
      ? (parameters as { binary_data_size?: unknown }).binary_data_size
      : undefined;
    if (size === undefined) return;
    if (!Number.isSafeInteger(size) || (size as number) < 0) {
      throw new BadRequestError(
        `Input '${label}': binary_data_size must be a non-negative integer, got ${JSON.stringify(size)}`,
      );
    }
    if (data !== undefined) {
      throw new BadRequestError(`Input '${label}' has both 'data' and binary_data_size; send one or the other`);
    }
    sizes.push({ name: label, size: size as number });
  });
  return sizes;
}

/** A tensor from its raw bytes; the result owns a fresh, aligned copy, so `bytes` may be any slice. */
export function bytesToTensor(
  name: string, bytes: Uint8Array, type: OnnxElementType, shape: readonly number[],
): TensorValue {
  if (!shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    throw new BadRequestError(
      `Input '${name}': shape must be a list of non-negative integers, got ${JSON.stringify(shape)}`,
    );
  }
  const dims = [...shape];
  const count = dims.reduce((a, b) => a * b, 1);
  if (type === 'string') return { type, dims, data: decodeStrings(name, bytes, count) };
  const size = elementByteSize(type) as number;
  if (bytes.length !== count * size) {
    throw new BadRequestError(
      `Input '${name}': shape [${dims.join(', ')}] of ${describeType(type)} needs ${count} x ${size} = ${count * size} bytes, got ${bytes.length}`,
    );
  }
  // A fresh typed array is aligned for its element size; the body slice generally is not.
  const data = allocateTensorData(type, count) as TypedArray;
  const view = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  view.set(bytes);
  if (!LITTLE_ENDIAN_HOST) swapByteOrder(view, size);
  if (type === 'bool') {
    const bad = view.findIndex((b) => b > 1);
    if (bad >= 0) throw new BadRequestError(`Input '${name}': BOOL byte ${bad} is ${view[bad]}, expected 0 or 1`);
  }
  return { type, dims, data };
}

function decodeStrings(name: string, bytes: Uint8Array, count: number): string[] {
  const out = allocateTensorData('string', count) as string[];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let offset = 0;
  for (let i = 0; i < count; i++) {
    if (offset + 4 > bytes.length) {
      throw new BadRequestError(
        `Input '${name}': BYTES data ends after ${i} of ${count} elements (no length prefix at byte ${offset})`,
      );
    }
    const length = view.getUint32(offset, true);
    offset += 4;
    if (offset + length > bytes.length) {
      throw new BadRequestError(
        `Input '${name}': BYTES element ${i} declares ${length} bytes but only ${bytes.length - offset} remain`,
      );
    }
    try {
      out[i] = decoder.decode(bytes.subarray(offset, offset + length));
    } catch (err) {
      throw new BadRequestError(`Input '${name}': BYTES element ${i} is not valid UTF-8`, { cause: err });
    }
    offset += length;
  }
  if (offset !== bytes.length) {
    throw new BadRequestError(
      `Input '${name}': ${bytes.length - offset} bytes left over after the ${count} BYTES elements of its shape`,
    );
  }
  return out;
}

/** The raw little-endian bytes of a tensor (length-prefixed UTF-8 for strings); shares memory with numeric data on little-endian hosts. */
export function tensorToBytes(value: TensorValue): Buffer {
  if (value.type === 'string') {
    const parts = (value.data as string[]).flatMap((s) => {
      const bytes = Buffer.from(s, 'utf8');
      const length = Buffer.alloc(4);
      length.writeUInt32LE(bytes.length, 0);
      return [length, bytes];
    });
    return Buffer.concat(parts);
  }
  const data = value.data as TypedArray;
  const bytes = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  if (LITTLE_ENDIAN_HOST) return bytes;
  const copy = Buffer.from(bytes);
  swapByteOrder(copy, elementByteSize(value.type) as number);
  return copy;
}

/**
 * The response body: JSON header, then `buffers` in order. The caller puts `binary_data_size` on each
 * output it sends this way; `headerLength` goes into the Inference-Header-Content-Length response header.
 */
export function encodeBinaryResponse(header: object, buffers: Buffer[]): { body: Buffer; headerLength: number } {
  const { parts, headerLength } = binaryResponseParts(header, buffers);
  return { body: Buffer.concat(parts), headerLength };
}

/** The same response as its parts, for a sender that writes them one after the other instead of copying them into one body. */
export function binaryResponseParts(header: object, buffers: Buffer[]): { parts: Buffer[]; headerLength: number; length: number } {
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  return { parts: [json, ...buffers], headerLength: json.length, length: buffers.reduce((n, b) => n + b.length, json.length) };
}

/** Reverses each `size`-byte element in place: the wire is little-endian whatever the host is. */
export function swapByteOrder(bytes: Uint8Array, size: number): void {
  if (size <= 1) return;
  for (let start = 0; start + size <= bytes.length; start += size) {
    bytes.subarray(start, start + size).reverse();
  }
}
