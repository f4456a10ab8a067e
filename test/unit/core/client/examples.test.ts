// Prefills: swagger examples, V2 requests from a signature, and JSON formatting.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { formatJson, nestedShape, scorableJsonExample, swaggerInputExample, v2ExampleRequest } from '../../../../src/core/client/examples';

describe('examples', () => {
  test('swagger 2 and OpenAPI 3 examples; JSON formatted with scalar arrays on one line', () => {
    assert.deepEqual(swaggerInputExample({ definitions: { ServiceInput: { example: { a: 1 } } } }), { a: 1 });
    assert.deepEqual(swaggerInputExample({ components: { schemas: { ServiceInput: { example: { b: 2 } } } } }), { b: 2 });
    assert.equal(swaggerInputExample(undefined), undefined);
    assert.equal(formatJson({ data: [[1, 2], [3, 4]], s: 'x' }), '{\n  "data": [\n    [1, 2],\n    [3, 4]\n  ],\n  "s": "x"\n}');
  });

  test('V2 example from a signature, and a swagger tensor cut short completed to the model shape', () => {
    const metadata = { name: 'm', inputs: [{ name: 'image', datatype: 'FP32', shape: [-1, 1, 28, 28] }], outputs: [] };
    const v2 = v2ExampleRequest(metadata);
    assert.deepEqual(v2.inputs[0]?.shape, [1, 1, 28, 28]);
    assert.equal(v2.inputs[0]?.data.length, 784);
    const cut = { data: [[[new Array(16).fill(0), new Array(16).fill(0)]]] };
    assert.deepEqual(nestedShape((scorableJsonExample(cut, metadata) as { data: unknown }).data), [1, 1, 28, 28]);
    const right = { data: [[new Array(28).fill(new Array(28).fill(0))]] };
    assert.equal(scorableJsonExample(right, metadata), right, 'an example of the right shape is kept');
    const other = { a: 1 };
    assert.equal(scorableJsonExample(other, metadata), other, 'not a {data} tensor: kept');
    assert.equal(scorableJsonExample(cut, undefined), cut, 'no signature: kept');
  });
});
