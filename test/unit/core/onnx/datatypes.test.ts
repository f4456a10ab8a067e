import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  allocateTensorData,
  describeType,
  elementByteSize,
  isV2Datatype,
  onnxToV2,
  parseV2Datatype,
  typedArrayConstructor,
  V2_DATATYPES,
  v2ToOnnx,
} from '../../../../src/core/onnx/datatypes';
import type { V2Datatype } from '../../../../src/core/onnx/datatypes';
import { BadRequestError } from '../../../../src/core/errors';
import type { OnnxElementType } from '../../../../src/core/onnx/signature';

const table: [V2Datatype, OnnxElementType, unknown, number | undefined][] = [
  ['BOOL', 'bool', Uint8Array, 1],
  ['UINT8', 'uint8', Uint8Array, 1],
  ['UINT16', 'uint16', Uint16Array, 2],
  ['UINT32', 'uint32', Uint32Array, 4],
  ['UINT64', 'uint64', BigUint64Array, 8],
  ['INT8', 'int8', Int8Array, 1],
  ['INT16', 'int16', Int16Array, 2],
  ['INT32', 'int32', Int32Array, 4],
  ['INT64', 'int64', BigInt64Array, 8],
  ['FP16', 'float16', Uint16Array, 2],
  ['FP32', 'float32', Float32Array, 4],
  ['FP64', 'float64', Float64Array, 8],
  ['BYTES', 'string', Array, undefined],
];

test('every V2 datatype maps to its ONNX type and back', () => {
  assert.deepEqual([...V2_DATATYPES].sort(), table.map(([v2]) => v2).sort());
  for (const [v2, onnx] of table) {
    assert.equal(v2ToOnnx(v2), onnx);
    assert.equal(onnxToV2(onnx), v2);
    assert.equal(parseV2Datatype('x', v2), onnx);
  }
});

test('storage: the typed array and element size of every type', () => {
  for (const [v2, onnx, ctor, size] of table) {
    assert.equal(elementByteSize(onnx), size, v2);
    const data = allocateTensorData(onnx, 3);
    assert.equal(data.constructor, ctor, v2);
    assert.equal(data.length, 3, v2);
    if (onnx !== 'string') {
      assert.equal(typedArrayConstructor(onnx), ctor, v2);
      assert.equal(typedArrayConstructor(onnx).BYTES_PER_ELEMENT, size, v2);
    }
  }
  assert.deepEqual(allocateTensorData('string', 2), ['', '']);
});

test('unknown datatypes are rejected with the input name and the value found', () => {
  assert.equal(isV2Datatype('FP32'), true);
  assert.equal(isV2Datatype('fp32'), false);
  assert.equal(isV2Datatype('FLOAT32'), false);
  assert.equal(isV2Datatype(3), false);
  assert.throws(() => parseV2Datatype('image', 'FLOAT'), (err: unknown) => {
    assert.ok(err instanceof BadRequestError);
    assert.match(err.message, /^Input 'image': datatype must be one of BOOL, .*BYTES, got "FLOAT"$/);
    return true;
  });
  assert.throws(() => parseV2Datatype('image', undefined), /got undefined$/);
  assert.throws(() => v2ToOnnx('FP8' as V2Datatype), BadRequestError);
});

test('describeType names both spellings', () => {
  assert.equal(describeType('float32'), 'float32 (FP32)');
  assert.equal(describeType('string'), 'string (BYTES)');
});
