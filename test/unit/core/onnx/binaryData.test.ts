import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  bytesToTensor,
  encodeBinaryResponse,
  parseBinaryRequest,
  swapByteOrder,
  tensorToBytes,
} from '../../../../src/core/onnx/binaryData';
import { jsonToTensor, tensorToJson } from '../../../../src/core/onnx/tensorData';
import type { TensorValue } from '../../../../src/core/onnx/tensorData';
import { rejects } from '../../../helpers/rejects';
import type { OnnxElementType } from '../../../../src/core/onnx/signature';


function body(header: unknown, ...chunks: Uint8Array[]): { body: Buffer; headerLength: number } {
  const json = Buffer.from(JSON.stringify(header));
  return { body: Buffer.concat([json, ...chunks]), headerLength: json.length };
}

const samples: [OnnxElementType, unknown[]][] = [
  ['bool', [true, false, true]],
  ['uint8', [0, 200, 255]],
  ['uint16', [1, 65535]],
  ['uint32', [1, 4294967295]],
  ['uint64', [1, '18446744073709551615']],
  ['int8', [-128, 127]],
  ['int16', [-32768, 32767]],
  ['int32', [-5, 2147483647]],
  ['int64', ['-9223372036854775808', 3]],
  ['float16', [1, -0.5, 65504]],
  ['float32', [1.5, -2.25]],
  ['float64', [0.1, -1e300]],
  ['string', ['a', '', 'héllo wörld']],
];

for (const [type, data] of samples) {
  test(`binary round trip ${type}: tensor -> bytes -> tensor`, () => {
    const value = jsonToTensor('x', data, type, [data.length]);
    const bytes = tensorToBytes(value);
    const back = bytesToTensor('x', bytes, type, [data.length]);
    assert.deepEqual(back, value);
    assert.deepEqual(tensorToJson(back, false), tensorToJson(value, false));
  });
}

test('numbers travel as little-endian element bytes', () => {
  assert.deepEqual([...tensorToBytes({ type: 'int32', dims: [1], data: new Int32Array([0x01020304]) })], [4, 3, 2, 1]);
  assert.deepEqual([...tensorToBytes({ type: 'float16', dims: [1], data: new Uint16Array([0x3c00]) })], [0x00, 0x3c]);
  const t = bytesToTensor('x', Buffer.from([0, 0, 0x80, 0x3f, 0, 0, 0, 0xc0]), 'float32', [2]);
  assert.deepEqual(t.data, new Float32Array([1, -2]));
});

test('BYTES elements are a 4-byte little-endian length plus the bytes', () => {
  const bytes = tensorToBytes({ type: 'string', dims: [2], data: ['ab', 'é'] });
  assert.deepEqual([...bytes], [2, 0, 0, 0, 0x61, 0x62, 2, 0, 0, 0, 0xc3, 0xa9]);
});

test('bytesToTensor copies unaligned slices into an aligned typed array', () => {
  const source = Buffer.alloc(1 + 16);
  source.writeDoubleLE(1.25, 1);
  source.writeDoubleLE(-3, 9);
  const slice = source.subarray(1);
  const t = bytesToTensor('x', slice, 'float64', [2, 1]);
  assert.deepEqual(t.dims, [2, 1]);
  assert.deepEqual(t.data, new Float64Array([1.25, -3]));
  source.writeDoubleLE(9, 1);
  assert.deepEqual(t.data, new Float64Array([1.25, -3]), 'the tensor must not alias the body');
});

test('bytesToTensor checks the byte count against the shape', () => {
  rejects(() => bytesToTensor('image', Buffer.alloc(12), 'float32', [2, 2]), "Input 'image': shape [2, 2] of float32 (FP32) needs 4 x 4 = 16 bytes, got 12");
  rejects(() => bytesToTensor('x', Buffer.alloc(3), 'int16', [1]), /needs 1 x 2 = 2 bytes, got 3$/);
  rejects(() => bytesToTensor('x', Buffer.alloc(0), 'int16', [-1]), "Input 'x': shape must be a list of non-negative integers, got [-1]");
  rejects(() => bytesToTensor('x', Buffer.from([0, 2]), 'bool', [2]), "Input 'x': BOOL byte 1 is 2, expected 0 or 1");
  assert.deepEqual(bytesToTensor('x', Buffer.alloc(0), 'int64', [0, 3]).data, new BigInt64Array(0));
});

test('malformed BYTES data', () => {
  const two = tensorToBytes({ type: 'string', dims: [2], data: ['ab', 'cd'] });
  rejects(() => bytesToTensor('s', two, 'string', [3]), "Input 's': BYTES data ends after 2 of 3 elements (no length prefix at byte 12)");
  rejects(() => bytesToTensor('s', two, 'string', [1]), "Input 's': 6 bytes left over after the 1 BYTES elements of its shape");
  rejects(() => bytesToTensor('s', two.subarray(0, 5), 'string', [1]), "Input 's': BYTES element 0 declares 2 bytes but only 1 remain");
  rejects(() => bytesToTensor('s', Buffer.from([1, 0, 0]), 'string', [1]), /no length prefix at byte 0/);
  rejects(() => bytesToTensor('s', Buffer.from([1, 0, 0, 0, 0xff]), 'string', [1]), "Input 's': BYTES element 0 is not valid UTF-8");
});

test('parseBinaryRequest splits the body among inputs with binary_data_size, in order', () => {
  const a = Buffer.from(new Float32Array([1, 2]).buffer);
  const b = Buffer.from([7, 8, 9]);
  const header = {
    inputs: [
      { name: 'a', datatype: 'FP32', shape: [2], parameters: { binary_data_size: 8 } },
      { name: 'j', datatype: 'INT32', shape: [1], data: [5] },
      { name: 'b', datatype: 'UINT8', shape: [3], parameters: { binary_data_size: 3 } },
    ],
  };
  const req = body(header, a, b);
  const parsed = parseBinaryRequest(req.body, req.headerLength);
  assert.deepEqual(parsed.header, header);
  assert.equal(parsed.buffers.length, 2);
  assert.deepEqual([...(parsed.buffers[0] ?? [])], [...a]);
  assert.deepEqual([...(parsed.buffers[1] ?? [])], [7, 8, 9]);
  const t = bytesToTensor('a', parsed.buffers[0] ?? Buffer.alloc(0), 'float32', [2]);
  assert.deepEqual(t.data, new Float32Array([1, 2]));
});

test('parseBinaryRequest with no binary inputs (the whole body is the header)', () => {
  const req = body({ inputs: [{ name: 'x', data: [1] }] });
  assert.deepEqual(parseBinaryRequest(req.body, req.headerLength).buffers, []);
});

test('malformed binary bodies', () => {
  const header = { inputs: [{ name: 'a', parameters: { binary_data_size: 4 } }, { name: 'b', parameters: { binary_data_size: 2 } }] };
  const ok = body(header, Buffer.alloc(6));
  rejects(() => parseBinaryRequest(ok.body, ok.body.length + 1), `Inference-Header-Content-Length is ${ok.body.length + 1} but the body has only ${ok.body.length} bytes`);
  rejects(() => parseBinaryRequest(ok.body, -1), 'Inference-Header-Content-Length must be a non-negative integer, got -1');
  rejects(() => parseBinaryRequest(ok.body, Number.NaN), /must be a non-negative integer, got NaN/);
  rejects(() => parseBinaryRequest(ok.body, ok.headerLength - 1), /^The first \d+ bytes of the body \(Inference-Header-Content-Length\) are not valid JSON: /);
  const short = body(header, Buffer.alloc(5));
  rejects(() => parseBinaryRequest(short.body, short.headerLength), "Binary data sizes add up to 6 bytes ('a' 4, 'b' 2) but 5 bytes follow the JSON header");
  const long = body(header, Buffer.alloc(7));
  rejects(() => parseBinaryRequest(long.body, long.headerLength), "Binary data sizes add up to 6 bytes ('a' 4, 'b' 2) but 7 bytes follow the JSON header");
  const none = body({ inputs: [] }, Buffer.alloc(2));
  rejects(() => parseBinaryRequest(none.body, none.headerLength), 'Binary data sizes add up to 0 bytes (none) but 2 bytes follow the JSON header');
  const negative = body({ inputs: [{ name: 'a', parameters: { binary_data_size: -4 } }] });
  rejects(() => parseBinaryRequest(negative.body, negative.headerLength), "Input 'a': binary_data_size must be a non-negative integer, got -4");
  const both = body({ inputs: [{ name: 'a', data: [1], parameters: { binary_data_size: 4 } }] }, Buffer.alloc(4));
  rejects(() => parseBinaryRequest(both.body, both.headerLength), "Input 'a' has both 'data' and binary_data_size; send one or the other");
  const notObject = body([1, 2]);
  rejects(() => parseBinaryRequest(notObject.body, notObject.headerLength), 'The inference header must be a JSON object');
  const badInputs = body({ inputs: 'a' });
  rejects(() => parseBinaryRequest(badInputs.body, badInputs.headerLength), "The inference header's 'inputs' must be a list");
});

test('encodeBinaryResponse: JSON header then the buffers, header length in bytes', () => {
  const out: TensorValue = { type: 'float32', dims: [2], data: new Float32Array([0.5, 4]) };
  const bytes = tensorToBytes(out);
  const header = { model_name: 'mé', outputs: [{ name: 'y', datatype: 'FP32', shape: [2], parameters: { binary_data_size: bytes.length } }] };
  const { body: encoded, headerLength } = encodeBinaryResponse(header, [bytes]);
  assert.equal(headerLength, Buffer.byteLength(JSON.stringify(header)));
  assert.equal(encoded.length, headerLength + 8);
  // What we send, our own request parser reads back (outputs are not inputs, so no split is expected).
  assert.deepEqual(JSON.parse(encoded.subarray(0, headerLength).toString('utf8')), header);
  assert.deepEqual(bytesToTensor('y', encoded.subarray(headerLength), 'float32', [2]).data, out.data);
});

test('swapByteOrder reverses each element (big-endian hosts)', () => {
  const bytes = new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]);
  swapByteOrder(bytes, 4);
  assert.deepEqual([...bytes], [4, 3, 2, 1, 8, 7, 6, 5]);
  swapByteOrder(bytes, 1);
  assert.deepEqual([...bytes], [4, 3, 2, 1, 8, 7, 6, 5]);
});
