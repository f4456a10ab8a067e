import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  checkAgainstSpec,
  floatToHalfBits,
  halfBitsToFloat,
  jsonToTensor,
  tensorToJson,
} from '../../../../src/core/onnx/tensorData';
import type { TensorValue } from '../../../../src/core/onnx/tensorData';
import { rejects } from '../../../helpers/rejects';
import type { OnnxElementType, TensorSpec } from '../../../../src/core/onnx/signature';


// JSON in, the typed array we expect, JSON back out (flat).
const roundTrips: { type: OnnxElementType; input: unknown[]; stored: ArrayLike<unknown>; output: unknown[] }[] = [
  { type: 'bool', input: [true, false, 1, 0], stored: new Uint8Array([1, 0, 1, 0]), output: [true, false, true, false] },
  { type: 'uint8', input: [0, 7, 255], stored: new Uint8Array([0, 7, 255]), output: [0, 7, 255] },
  { type: 'uint16', input: [0, 65535], stored: new Uint16Array([0, 65535]), output: [0, 65535] },
  { type: 'uint32', input: [0, 4294967295], stored: new Uint32Array([0, 4294967295]), output: [0, 4294967295] },
  {
    type: 'uint64',
    input: [0, 9007199254740991, '18446744073709551615'],
    stored: new BigUint64Array([0n, 9007199254740991n, 18446744073709551615n]),
    output: [0, 9007199254740991, '18446744073709551615'],
  },
  { type: 'int8', input: [-128, 0, 127], stored: new Int8Array([-128, 0, 127]), output: [-128, 0, 127] },
  { type: 'int16', input: [-32768, 32767], stored: new Int16Array([-32768, 32767]), output: [-32768, 32767] },
  {
    type: 'int32',
    input: [-2147483648, 2147483647],
    stored: new Int32Array([-2147483648, 2147483647]),
    output: [-2147483648, 2147483647],
  },
  {
    type: 'int64',
    input: [-9007199254740991, 5, '9223372036854775807', '-9223372036854775808', '42'],
    stored: new BigInt64Array([-9007199254740991n, 5n, 9223372036854775807n, -9223372036854775808n, 42n]),
    output: [-9007199254740991, 5, '9223372036854775807', '-9223372036854775808', 42],
  },
  {
    type: 'float16',
    input: [1, -2, 0.5, 65504, 0],
    stored: new Uint16Array([0x3c00, 0xc000, 0x3800, 0x7bff, 0]),
    output: [1, -2, 0.5, 65504, 0],
  },
  { type: 'float32', input: [1.5, -0.25, 3], stored: new Float32Array([1.5, -0.25, 3]), output: [1.5, -0.25, 3] },
  { type: 'float64', input: [0.1, 1e300, -5e-324], stored: new Float64Array([0.1, 1e300, -5e-324]), output: [0.1, 1e300, -5e-324] },
  { type: 'string', input: ['a', 'héllo', ''], stored: ['a', 'héllo', ''], output: ['a', 'héllo', ''] },
];

for (const { type, input, stored, output } of roundTrips) {
  test(`round trip ${type}: JSON -> tensor -> JSON`, () => {
    const value = jsonToTensor('x', input, type, [input.length]);
    assert.equal(value.type, type);
    assert.deepEqual(value.dims, [input.length]);
    assert.deepEqual(value.data, stored);
    assert.deepEqual(tensorToJson(value, false), output);
    assert.deepEqual(tensorToJson(value, true), output);
    // Without a shape, the same flat list is inferred as rank 1.
    assert.deepEqual(jsonToTensor('x', input, type).data, stored);
  });
}

test('nested data with a shape fills row-major and nests back', () => {
  const value = jsonToTensor('x', [[[1, 2], [3, 4], [5, 6]], [[7, 8], [9, 10], [11, 12]]], 'float32', [2, 3, 2]);
  assert.deepEqual(value.dims, [2, 3, 2]);
  assert.deepEqual(value.data, new Float32Array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]));
  assert.deepEqual(tensorToJson(value, true), [[[1, 2], [3, 4], [5, 6]], [[7, 8], [9, 10], [11, 12]]]);
  assert.deepEqual(tensorToJson(value, false), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
});

test('flat data with a multi-dimensional shape', () => {
  const value = jsonToTensor('x', [1, 2, 3, 4, 5, 6], 'int32', [2, 3]);
  assert.deepEqual(value.dims, [2, 3]);
  assert.deepEqual(value.data, new Int32Array([1, 2, 3, 4, 5, 6]));
  assert.deepEqual(tensorToJson(value, true), [[1, 2, 3], [4, 5, 6]]);
});

test('shape inferred from nesting', () => {
  const value = jsonToTensor('x', [[1, 2, 3], [4, 5, 6]], 'float64');
  assert.deepEqual(value.dims, [2, 3]);
  assert.deepEqual(value.data, new Float64Array([1, 2, 3, 4, 5, 6]));
  assert.deepEqual(jsonToTensor('x', [[[true]], [[false]]], 'bool').dims, [2, 1, 1]);
  assert.deepEqual(jsonToTensor('x', [], 'float32').dims, [0]);
  assert.deepEqual(jsonToTensor('x', [[], []], 'float32').dims, [2, 0]);
});

test('scalars: shape [] or no shape', () => {
  const value = jsonToTensor('x', 2.5, 'float32', []);
  assert.deepEqual(value.dims, []);
  assert.deepEqual(value.data, new Float32Array([2.5]));
  assert.equal(tensorToJson(value, true), 2.5);
  assert.deepEqual(tensorToJson(value, false), [2.5]);
  assert.deepEqual(jsonToTensor('x', 'hi', 'string').data, ['hi']);
  // V2 clients often send a one-element list for a rank-0 tensor.
  assert.deepEqual(jsonToTensor('x', [7], 'int64', []).data, new BigInt64Array([7n]));
  rejects(() => jsonToTensor('x', 3, 'float32', [1]), "Input 'x': data is 3, expected a list of 1 values for shape [1]");
});

test('empty tensors', () => {
  const value = jsonToTensor('x', [], 'float32', [0, 4]);
  assert.deepEqual(value.dims, [0, 4]);
  assert.equal(value.data.length, 0);
  assert.deepEqual(tensorToJson(value, true), []);
  assert.deepEqual(tensorToJson({ type: 'int8', dims: [2, 0], data: new Int8Array(0) }, true), [[], []]);
});

test('element count must match the shape', () => {
  rejects(() => jsonToTensor('x', [1, 2, 3, 4, 5], 'float32', [2, 3]), "Input 'x': data has 5 values, expected 6 (shape [2, 3])");
  rejects(() => jsonToTensor('x', [[1, 2, 3]], 'float32', [2, 3]), "Input 'x': data has 1 values, expected 2 (shape [2, 3])");
  rejects(() => jsonToTensor('x', [[1, 2], [3, 4], [5, 6]], 'float32', [2, 3]), "Input 'x': data has 3 values, expected 2 (shape [2, 3])");
  rejects(() => jsonToTensor('x', [[1, 2, 3], [4, 5]], 'float32', [2, 3]), "Input 'x': data[1] has 2 values, expected 3 (shape [2, 3])");
  rejects(
    () => jsonToTensor('x', [[[1], [2]], [[3], [4, 5]]], 'float32', [2, 2, 1]),
    "Input 'x': data[1][1] has 2 values, expected 1 (shape [2, 2, 1])",
  );
  // Partial nesting does not follow the shape: rejected rather than guessed at.
  rejects(() => jsonToTensor('x', [[1, 2, 3, 4], [5, 6, 7, 8]], 'float32', [2, 2, 2]), "Input 'x': data[0] has 4 values, expected 2 (shape [2, 2, 2])");
  rejects(() => jsonToTensor('x', [[1, 2], 3], 'float32', [2, 2]), "Input 'x': data[1] is 3, expected a list of 2 values (shape [2, 2])");
});

test('a bad shape is rejected', () => {
  rejects(() => jsonToTensor('x', [1], 'float32', [-1]), "Input 'x': shape must be a list of non-negative integers, got [-1]");
  rejects(() => jsonToTensor('x', [1], 'float32', [1.5]), /shape must be a list of non-negative integers, got \[1.5\]/);
  rejects(() => jsonToTensor('x', [1], 'float32', ['1'] as unknown as number[]), /got \["1"\]/);
});

test('a shape larger than the data is rejected before allocating for it', () => {
  const rows = Array.from({ length: 3 }, () => [1]);
  rejects(() => jsonToTensor('x', rows, 'float64', [3, 2 ** 40]), "Input 'x': data[0] has 1 values, expected 1099511627776 (shape [3, 1099511627776])");
});

test('ragged data without a shape names the row', () => {
  rejects(() => jsonToTensor('features', [[1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11]], 'float32'), "Input 'features': data[2] has 3 values, expected 4");
  rejects(() => jsonToTensor('x', [[[1, 2], [3, 4]], [[5, 6], [7]]], 'float32'), "Input 'x': data[1][1] has 1 values, expected 2");
  rejects(() => jsonToTensor('x', [[1, 2], 3], 'float32'), "Input 'x': data[1] is 3, expected a list of 2 values");
  // Deeper than the first element suggested: the extra list is an element of the wrong type.
  rejects(() => jsonToTensor('x', [[1, 2], [3, [4]]], 'float32'), "Input 'x': data[1][1] (flat index 3) is a list, expected a finite number for float32 (FP32)");
});

test('wrong element types name the position, the type and the value found', () => {
  rejects(() => jsonToTensor('x', [1, 'a', 3], 'float32', [3]), `Input 'x': data[1] is "a", expected a finite number for float32 (FP32)`);
  rejects(() => jsonToTensor('x', [[1, 2], [null, 4]], 'float64', [2, 2]), "Input 'x': data[1][0] (flat index 2) is null, expected a finite number for float64 (FP64)");
  rejects(() => jsonToTensor('x', [1, Number.NaN], 'float32'), "Input 'x': data[1] is NaN, expected a finite number for float32 (FP32)");
  rejects(() => jsonToTensor('x', [Infinity], 'float16'), "Input 'x': data[0] is Infinity, expected a finite number for float16 (FP16)");
  rejects(() => jsonToTensor('x', [{}], 'float32'), "Input 'x': data[0] is an object, expected a finite number for float32 (FP32)");
  rejects(() => jsonToTensor('x', [true], 'int32'), "Input 'x': data[0] is true, expected an integer in -2147483648..2147483647 for int32 (INT32)");
  rejects(() => jsonToTensor('x', [1.5], 'int16'), "Input 'x': data[0] is 1.5, expected an integer in -32768..32767 for int16 (INT16)");
  rejects(() => jsonToTensor('x', ['5'], 'int32'), `Input 'x': data[0] is "5", expected an integer in -2147483648..2147483647 for int32 (INT32)`);
  rejects(() => jsonToTensor('x', [2], 'bool'), "Input 'x': data[0] is 2, expected true, false, 0 or 1 for bool (BOOL)");
  rejects(() => jsonToTensor('x', ['true'], 'bool'), `Input 'x': data[0] is "true", expected true, false, 0 or 1 for bool (BOOL)`);
  rejects(() => jsonToTensor('x', ['a', 1], 'string'), "Input 'x': data[1] is 1, expected a string for string (BYTES)");
  rejects(() => jsonToTensor('x', null, 'float32', []), "Input 'x': data is null, expected a finite number for float32 (FP32)");
  rejects(() => jsonToTensor('x', ['x'.repeat(100)], 'float32'), /data\[0\] is "x{36}\.\.\., expected/);
});

test('out-of-range integers are rejected', () => {
  const cases: [OnnxElementType, unknown, string][] = [
    ['int8', 128, '-128..127'], ['int8', -129, '-128..127'],
    ['uint8', 256, '0..255'], ['uint8', -1, '0..255'],
    ['int16', 32768, '-32768..32767'], ['uint16', 65536, '0..65535'],
    ['int32', 2147483648, '-2147483648..2147483647'], ['uint32', -1, '0..4294967295'], ['uint32', 4294967296, '0..4294967295'],
  ];
  for (const [type, v, range] of cases) {
    rejects(() => jsonToTensor('n', [0, v], type), new RegExp(`^Input 'n': data\\[1\\] is ${v}, expected an integer in ${range.replace(/\./g, '\\.')} for ${type}`));
  }
});

test('64-bit integers: safe numbers or decimal strings, within range', () => {
  const int64 = /expected an integer in -9223372036854775808\.\.9223372036854775807 \(a safe JSON integer, or a decimal string beyond ±2\^53\) for int64 \(INT64\)$/;
  const uint64 = /expected an integer in 0\.\.18446744073709551615 .* for uint64 \(UINT64\)$/;
  rejects(() => jsonToTensor('x', [2 ** 53], 'int64'), new RegExp(`data\\[0\\] is 9007199254740992, ${int64.source}`));
  rejects(() => jsonToTensor('x', ['9223372036854775808'], 'int64'), int64);
  rejects(() => jsonToTensor('x', ['-9223372036854775809'], 'int64'), int64);
  rejects(() => jsonToTensor('x', ['1e3'], 'int64'), int64);
  rejects(() => jsonToTensor('x', ['12 '], 'int64'), int64);
  rejects(() => jsonToTensor('x', ['1'.repeat(30)], 'int64'), int64);
  rejects(() => jsonToTensor('x', [1.5], 'int64'), int64);
  rejects(() => jsonToTensor('x', [-1], 'uint64'), uint64);
  rejects(() => jsonToTensor('x', ['-1'], 'uint64'), uint64);
  rejects(() => jsonToTensor('x', ['18446744073709551616'], 'uint64'), uint64);
  // 2^53 + 1 cannot survive as a JSON number but does as a string, both ways.
  const big = jsonToTensor('x', ['9007199254740993'], 'int64');
  assert.deepEqual(big.data, new BigInt64Array([9007199254740993n]));
  assert.deepEqual(tensorToJson(big, false), ['9007199254740993']);
  assert.deepEqual(jsonToTensor('x', [5n], 'uint64').data, new BigUint64Array([5n]));
});

test('FP16 encoding: rounding, overflow, subnormals, NaN', () => {
  assert.equal(floatToHalfBits(1), 0x3c00);
  assert.equal(floatToHalfBits(-1), 0xbc00);
  assert.equal(floatToHalfBits(0), 0x0000);
  assert.equal(floatToHalfBits(-0), 0x8000);
  assert.equal(floatToHalfBits(65504), 0x7bff);
  assert.equal(floatToHalfBits(65519.99), 0x7bff); // just under the halfway point still rounds down
  assert.equal(floatToHalfBits(65520), 0x7c00); // halfway to the next binade ties to even: infinity
  assert.equal(floatToHalfBits(-70000), 0xfc00);
  assert.equal(floatToHalfBits(Infinity), 0x7c00);
  assert.equal(floatToHalfBits(-Infinity), 0xfc00);
  assert.equal(floatToHalfBits(2 ** -24), 0x0001); // smallest subnormal
  assert.equal(floatToHalfBits(2 ** -25), 0x0000); // halfway to it: ties to even (zero)
  assert.equal(floatToHalfBits(2 ** -25 * 1.0001), 0x0001);
  assert.equal(floatToHalfBits(3 * 2 ** -25), 0x0002); // 1.5 ulp ties to even: 2
  assert.equal(floatToHalfBits(2 ** -14), 0x0400); // smallest normal
  assert.equal(floatToHalfBits(2 ** -14 - 2 ** -26), 0x0400); // largest subnormal + half ulp rounds up into normals
  assert.equal(floatToHalfBits(1 + 2 ** -11), 0x3c00); // halfway between 1 and the next half: even is 1
  assert.equal(floatToHalfBits(1 + 3 * 2 ** -11), 0x3c02); // halfway between odd and even: up to even
  assert.equal(floatToHalfBits(1 + 2 ** -11 + 2 ** -30), 0x3c01); // a double just past halfway (float32 would lose it)
  assert.equal(floatToHalfBits(0.1), 0x2e66);
  assert.equal(floatToHalfBits(2047.5), 0x6800); // 2047.5 is halfway between 2047 and 2048: ties to 2048 (even)
  assert.equal(floatToHalfBits(Number.NaN) & 0x7c00, 0x7c00);
  assert.notEqual(floatToHalfBits(Number.NaN) & 0x03ff, 0);
});

test('FP16 decoding', () => {
  assert.equal(halfBitsToFloat(0x3c00), 1);
  assert.equal(halfBitsToFloat(0x7bff), 65504);
  assert.equal(halfBitsToFloat(0x0001), 2 ** -24);
  assert.equal(halfBitsToFloat(0x03ff), 1023 * 2 ** -24);
  assert.equal(halfBitsToFloat(0x7c00), Infinity);
  assert.equal(halfBitsToFloat(0xfc00), -Infinity);
  assert.ok(Number.isNaN(halfBitsToFloat(0x7e00)));
  assert.ok(Object.is(halfBitsToFloat(0x8000), -0));
  // Every finite half survives decode -> encode.
  for (let bits = 0; bits < 0x10000; bits++) {
    if ((bits & 0x7c00) === 0x7c00) continue;
    assert.equal(floatToHalfBits(halfBitsToFloat(bits)), bits, `bits 0x${bits.toString(16)}`);
  }
});

test('FP16 through jsonToTensor and back', () => {
  const value = jsonToTensor('h', [1, 65504, 2 ** -24, 0.1], 'float16', [4]);
  assert.deepEqual(value.data, new Uint16Array([0x3c00, 0x7bff, 0x0001, 0x2e66]));
  assert.deepEqual(tensorToJson(value, false), [1, 65504, 2 ** -24, 0.0999755859375]);
  const nan = tensorToJson({ type: 'float16', dims: [1], data: new Uint16Array([0x7e00]) }, false) as number[];
  assert.ok(Number.isNaN(nan[0]));
});

test('float32 narrows by IEEE rounding', () => {
  assert.deepEqual(jsonToTensor('x', [0.1], 'float32').data, new Float32Array([Math.fround(0.1)]));
  assert.deepEqual(jsonToTensor('x', [3.4028234663852886e38], 'float32').data, new Float32Array([3.4028234663852886e38]));
});

test("a value no float32 (or float16) can hold is the caller's error, not an Infinity", () => {
  rejects(() => jsonToTensor('x', [1, 1e39], 'float32'), "Input 'x': data[1] is 1e+39, expected a number float32 can hold (magnitude at most 3.4028235e38) for float32 (FP32)");
  rejects(() => jsonToTensor('x', [-3.5e38], 'float32'), "Input 'x': data[0] is -3.5e+38, expected a number float32 can hold (magnitude at most 3.4028235e38) for float32 (FP32)");
  rejects(() => jsonToTensor('h', [65520], 'float16'), "Input 'h': data[0] is 65520, expected a number float16 can hold (magnitude below 65520) for float16 (FP16)");
});

test('tensorToJson: 64-bit values become strings only past 2^53', () => {
  const value: TensorValue = { type: 'uint64', dims: [2], data: new BigUint64Array([9007199254740991n, 9007199254740992n]) };
  assert.deepEqual(tensorToJson(value, false), [9007199254740991, '9007199254740992']);
  const neg: TensorValue = { type: 'int64', dims: [2], data: new BigInt64Array([-9007199254740991n, -9007199254740992n]) };
  assert.deepEqual(tensorToJson(neg, false), [-9007199254740991, '-9007199254740992']);
});

test('tensorToJson refuses data that does not fill its dims', () => {
  assert.throws(() => tensorToJson({ type: 'float32', dims: [2, 2], data: new Float32Array(3) }, true), /holds 3 values, expected 4/);
});

const image: TensorSpec = { name: 'image', type: 'float32', shape: ['batch', 1, 28, 28] };

test('checkAgainstSpec accepts any size for symbolic, unnamed and negative dims', () => {
  const value = (dims: number[]): TensorValue => ({ type: 'float32', dims, data: new Float32Array(0) });
  checkAgainstSpec(value([2, 1, 28, 28]), image);
  checkAgainstSpec(value([0, 1, 28, 28]), image);
  checkAgainstSpec(value([7, 3]), { name: 'x', type: 'float32', shape: [null, -1] });
  checkAgainstSpec(value([]), { name: 'x', type: 'float32', shape: [] });
});

test('checkAgainstSpec: dtype mismatch names both types', () => {
  rejects(
    () => checkAgainstSpec({ type: 'float64', dims: [1, 1, 28, 28], data: new Float64Array(784) }, image),
    "Input 'image' expects datatype float32 (FP32), got float64 (FP64)",
  );
});

test('checkAgainstSpec: rank and fixed dims must match', () => {
  const value = (dims: number[]): TensorValue => ({ type: 'float32', dims, data: new Float32Array(0) });
  rejects(() => checkAgainstSpec(value([2, 28, 28]), image), "Input 'image' expects shape [batch, 1, 28, 28] (float32), got [2, 28, 28]");
  rejects(() => checkAgainstSpec(value([2, 3, 28, 28]), image), "Input 'image' expects shape [batch, 1, 28, 28] (float32), got [2, 3, 28, 28]");
  rejects(() => checkAgainstSpec(value([2, 1, 28, 28, 1]), image), /got \[2, 1, 28, 28, 1\]$/);
  rejects(() => checkAgainstSpec(value([4]), { name: 'x', type: 'float32', shape: [null, 3] }), "Input 'x' expects shape [?, 3] (float32), got [4]");
  rejects(() => checkAgainstSpec(value([1]), { name: 's', type: 'float32', shape: [] }), "Input 's' expects shape [] (float32), got [1]");
});
