import { test } from 'node:test';
import assert from 'node:assert/strict';
import { postprocessSchema } from '../../../../src/core/modelConfig';
import type { PostprocessSpec } from '../../../../src/core/modelConfig';
import { ConfigError } from '../../../../src/core/errors';
import { loadLabels } from '../../../../src/core/labels';
import { checkLabels, classificationShape, topK } from '../../../../src/server/postprocess/classification';

function spec(fields: Record<string, unknown> = {}): PostprocessSpec {
  return postprocessSchema.parse(fields);
}

function close(actual: number | undefined, expected: number, tolerance = 1e-12): void {
  assert.ok(actual !== undefined && Math.abs(actual - expected) <= tolerance, `${actual} ≉ ${expected}`);
}

test('softmax matches the textbook formula and ranks descending', () => {
  const logits = [1, 3, 2, 0];
  const [result] = topK(logits, [1, 4], spec({ topK: 4, softmax: true }));
  const denominator = logits.reduce((s, x) => s + Math.exp(x), 0);
  const predictions = result?.predictions ?? [];
  assert.deepEqual(predictions.map((p) => p.index), [1, 2, 0, 3]);
  for (const p of predictions) close(p.probability, Math.exp(logits[p.index] ?? 0) / denominator);
  close(predictions.reduce((s, p) => s + p.probability, 0), 1);
});

test('softmax is numerically stable for huge logits', () => {
  const [result] = topK(new Float32Array([1000, 1001, 999]), [3], spec({ topK: 3, softmax: true }));
  const predictions = result?.predictions ?? [];
  assert.ok(predictions.every((p) => Number.isFinite(p.probability)));
  const e = [Math.exp(-1), 1, Math.exp(-2)];
  const sum = e.reduce((a, b) => a + b, 0);
  assert.deepEqual(predictions.map((p) => p.index), [1, 0, 2]);
  close(predictions[0]?.probability, 1 / sum);
  close(predictions[2]?.probability, Math.exp(-2) / sum);
});

test("'auto' leaves a distribution alone and applies softmax to logits", () => {
  const probabilities = [0.1, 0.7, 0.2];
  const [kept] = topK(probabilities, [1, 3], spec({ topK: 3, softmax: 'auto' }));
  assert.deepEqual(kept?.predictions.map((p) => p.probability), [0.7, 0.2, 0.1]);
  // Sums to 1 within 1e-3: still a distribution.
  const [nearly] = topK([0.3004, 0.7], [2], spec({ topK: 1 }));
  assert.equal(nearly?.predictions[0]?.probability, 0.7);

  const [logits] = topK([2, -1, 0.5], [3], spec({ topK: 1, softmax: 'auto' }));
  const sum = Math.exp(2) + Math.exp(-1) + Math.exp(0.5);
  close(logits?.predictions[0]?.probability, Math.exp(2) / sum);
  // In [0, 1] but summing to 1.5: not a distribution, so softmax.
  const [partial] = topK([0.5, 0.5, 0.5], [3], spec({ topK: 1 }));
  close(partial?.predictions[0]?.probability, 1 / 3);
});

test('softmax: false reports raw scores', () => {
  const [result] = topK([5, -2, 9], [3], spec({ topK: 2, softmax: false }));
  assert.deepEqual(result?.predictions, [
    { label: '2', index: 2, probability: 9 },
    { label: '0', index: 0, probability: 5 },
  ]);
});

test('k is capped at the class count; ties keep class order', () => {
  const [result] = topK([0.25, 0.25, 0.5, 0], [4], spec({ topK: 10, softmax: false }));
  assert.deepEqual(result?.predictions.map((p) => p.index), [2, 0, 1, 3]);
  const [tied] = topK([1, 1, 1, 1, 1], [5], spec({ topK: 3, softmax: false }));
  assert.deepEqual(tied?.predictions.map((p) => p.index), [0, 1, 2]);
  const [late] = topK([0, 1, 5, 1, 5, 7], [6], spec({ topK: 3, softmax: false }));
  assert.deepEqual(late?.predictions.map((p) => p.index), [5, 2, 4]);
});

test('one result per row of [N, C], [N, C, 1, 1]; [C] is one row', () => {
  const scores = new Float64Array([0.9, 0.1, 0.2, 0.8, 0.5, 0.5]);
  const rows = topK(scores, [3, 2], spec({ topK: 1 }));
  assert.deepEqual(rows.map((r) => r.predictions[0]?.index), [0, 1, 0]);
  const conv = topK(scores, [3, 2, 1, 1], spec({ topK: 1 }));
  assert.deepEqual(conv.map((r) => r.predictions[0]?.index), [0, 1, 0]);
  assert.equal(topK([0.2, 0.8], [2], spec({ topK: 2 })).length, 1);
  assert.deepEqual(classificationShape([0, 10]), { rows: 0, classes: 10 });
});

test('other shapes and inconsistent lengths are errors', () => {
  assert.throws(() => topK(new Float32Array(12), [1, 3, 2, 2], spec()), /shape \[1, 3, 2, 2\], but classification needs/);
  assert.throws(() => topK([1, 2, 3], [2, 2], spec()), /holds 3 values, but its shape \[2, 2\] needs 4/);
  assert.throws(() => topK([Number.NaN, 1], [2], spec()), /NaN/);
});

test('labels name the classes', () => {
  const labels = loadLabels('cat\ndog\n\nbird\n');
  assert.deepEqual(labels, ['cat', 'dog', '', 'bird']);
  const [result] = topK([0.1, 0.2, 0.3, 0.4], [4], spec({ topK: 4, softmax: false }), labels);
  assert.deepEqual(result?.predictions.map((p) => p.label), ['bird', '2', 'dog', 'cat']);
});

test('loadLabels trims, handles CRLF and a BOM, and drops trailing blank lines', () => {
  assert.deepEqual(loadLabels('\uFEFF  tench \r\ngoldfish\r\n\r\n  \n'), ['tench', 'goldfish']);
  assert.deepEqual(loadLabels(''), []);
});

test('a labels count that differs from the class count is a config error', () => {
  assert.throws(
    () => checkLabels(['a', 'b'], 3, 'labels.txt'),
    (err: unknown) => err instanceof ConfigError && err.file === 'labels.txt' && /labels\.txt has 2 labels but the model's output has 3 classes/.test(err.message),
  );
  assert.doesNotThrow(() => checkLabels(['a', 'b', 'c'], 3));
  assert.throws(() => topK([0.1, 0.9], [2], spec({ labels: 'classes.txt' }), ['only one']), /classes\.txt has 1 labels but the model's output has 2 classes/);
});
