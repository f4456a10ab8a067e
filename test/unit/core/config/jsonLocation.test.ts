// Offsets and JSON pointers to editor positions, the base of every located message.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { keyNodeAt, parseJsonc, pointerOf, pointerSegments, positionAt, valueNodeAt } from '../../../../src/core/config/jsonLocation';
import { closestName } from '../../../../src/core/config/didYouMean';

test('positionAt counts 1-based lines and columns, with \\n, \\r\\n and \\r line ends', () => {
  assert.deepEqual(positionAt('ab\ncd', 4), { line: 2, column: 2 });
  assert.deepEqual(positionAt('ab\r\ncd', 5), { line: 2, column: 2 });
  assert.deepEqual(positionAt('ab\rcd', 3), { line: 2, column: 1 });
  assert.deepEqual(positionAt('abc', 0), { line: 1, column: 1 });
});

test('pointers round-trip through escaping', () => {
  assert.deepEqual(pointerSegments('/a~1b/c~0d/0'), ['a/b', 'c~d', '0']);
  assert.equal(pointerOf(['a/b', 'c~d', '0']), '/a~1b/c~0d/0');
  assert.deepEqual(pointerSegments(''), []);
});

test('value and key nodes found by pointer, through arrays; missing tails stop at the parent', () => {
  const text = '{\n  "a": [10, {"b/c": true}]\n}';
  const { root, problems } = parseJsonc(text);
  assert.deepEqual(problems, []);
  assert.ok(root);
  assert.equal(valueNodeAt(root, '/a/1/b~1c').offset, text.indexOf('true'));
  assert.equal(keyNodeAt(root, '/a').offset, text.indexOf('"a"'));
  assert.equal(valueNodeAt(root, '/a/5').offset, text.indexOf('['));
});

test('comments and trailing commas are accepted; the value is what JSON would give', () => {
  const { value, problems } = parseJsonc('// c\n{ "a": 1, /* x */ "b": [1,], }');
  assert.deepEqual(problems, []);
  // jsonc-parser builds null-prototype objects (so a "__proto__" key stays plain data); compare the data only.
  assert.deepEqual(JSON.parse(JSON.stringify(value)), { a: 1, b: [1] });
});

test('closestName suggests near names only, ignoring case and counting swaps once', () => {
  assert.equal(closestName('prot', ['port', 'computeType']), 'port');
  assert.equal(closestName('memoryingb', ['memoryInGB', 'cpu']), 'memoryInGB');
  assert.equal(closestName('zzz', ['port', 'cpu']), undefined);
});
