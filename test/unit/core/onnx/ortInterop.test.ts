// The codec never imports onnxruntime; this proves what it produces is what ort-node takes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ort from 'onnxruntime-node';
import { jsonToTensor, tensorToJson } from '../../../../src/core/onnx/tensorData';
import type { TensorValue } from '../../../../src/core/onnx/tensorData';
import type { OnnxElementType } from '../../../../src/core/onnx/signature';

const samples: [OnnxElementType, unknown[]][] = [
  ['bool', [true, false]],
  ['uint8', [1, 255]],
  ['uint16', [1, 65535]],
  ['uint32', [1, 4294967295]],
  ['uint64', [1, '18446744073709551615']],
  ['int8', [-128, 127]],
  ['int16', [-32768, 32767]],
  ['int32', [-1, 2147483647]],
  ['int64', [-1, '9223372036854775807']],
  ['float16', [1, 65504]],
  ['float32', [1.5, -2]],
  ['float64', [0.1, 1e300]],
  ['string', ['a', 'b']],
];

test('ort.Tensor accepts the data of every element type', () => {
  for (const [type, data] of samples) {
    const value = jsonToTensor('x', [data], type, [1, 2]);
    // The `as never` spares us ort's per-type constructor overloads; the runtime check is the point.
    const tensor = new ort.Tensor(type, value.data as never, value.dims);
    assert.equal(tensor.type, type);
    assert.deepEqual([...tensor.dims], [1, 2]);
    assert.equal(tensor.size, 2);
    assert.equal(tensor.data, value.data, `${type}: ort must keep our array, not convert it`);
    const back: TensorValue = { type, dims: [...tensor.dims], data: tensor.data as TensorValue['data'] };
    assert.deepEqual(tensorToJson(back, true), tensorToJson(value, true), type);
  }
});
