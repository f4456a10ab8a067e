import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BadRequestError } from '../../../../src/core/errors';
import { parseModelRef, validateModelName } from '../../../../src/core/registry/modelRef';

test('parses name, name:version and name:latest', () => {
  assert.deepEqual(parseModelRef('mnist'), { name: 'mnist', version: 'latest' });
  assert.deepEqual(parseModelRef('mnist:latest'), { name: 'mnist', version: 'latest' });
  assert.deepEqual(parseModelRef('mnist:2'), { name: 'mnist', version: 2 });
  assert.deepEqual(parseModelRef('resnet-50_v1.5:12'), { name: 'resnet-50_v1.5', version: 12 });
});

test('bad references are BadRequestErrors listing the expected forms', () => {
  for (const ref of ['', ':1', 'mnist:', 'mnist:0', 'mnist:01', 'mnist:-1', 'mnist:1.5', 'mnist:abc', 'mnist:1:2', '.hidden', 'a/b', 'a b', 'x'.repeat(256)]) {
    assert.throws(() => parseModelRef(ref), (err: unknown) => {
      assert.ok(err instanceof BadRequestError, ref);
      assert.match(err.message, /expected NAME, NAME:VERSION or NAME:latest/);
      return true;
    });
  }
});

test('model names follow the Azure rule', () => {
  assert.equal(validateModelName('a'), 'a');
  assert.equal(validateModelName('x'.repeat(255)), 'x'.repeat(255));
  assert.throws(() => validateModelName('-a'), BadRequestError);
  assert.throws(() => validateModelName('..'), BadRequestError);
  assert.throws(() => validateModelName('a:b'), BadRequestError);
});
