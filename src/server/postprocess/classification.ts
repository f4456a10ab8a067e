// Turns a classifier's output tensor into ranked, labelled answers: one result per image of the batch.
import type { PostprocessSpec } from '../../core/modelConfig';
import { ConfigError, ModelportError } from '../../core/errors';

export interface Prediction {
  label: string;
  index: number;
  probability: number;
}

export interface ClassificationResult {
  predictions: Prediction[];
}

/** How far a row's sum may stray from 1 and still count as probabilities under `softmax: "auto"`. */
const distributionTolerance = 1e-3;

/** Fails when a labels file does not have exactly one label per class; call it when the model loads. */
export function checkLabels(labels: readonly string[], classes: number, file?: string): void {
  if (labels.length === classes) return;
  const source = file ?? 'The labels file';
  throw new ConfigError(
    `${source} has ${labels.length} labels but the model's output has ${classes} classes. Give exactly one label per class, one per line, in class-index order.`,
    file,
  );
}

/**
 * Rows and classes of a classification output: [C] is one row, [N, C] is N rows, and trailing 1s are
 * ignored so that [N, C, 1, 1] (a convolutional head without a final flatten) works as well.
 */
export function classificationShape(dims: readonly number[]): { rows: number; classes: number } {
  const [first, second, ...rest] = dims;
  if (first !== undefined && second === undefined && first > 0) return { rows: 1, classes: first };
  if (first !== undefined && second !== undefined && second > 0 && first >= 0 && rest.every((d) => d === 1)) {
    return { rows: first, classes: second };
  }
  throw new ConfigError(
    `The model output has shape [${dims.join(', ')}], but classification needs [C], [N, C] or [N, C, 1, 1]. ` +
      'Point postprocess.output at the class scores, or remove postprocess from the model config.',
    undefined,
    '/postprocess/output',
  );
}

export function topK(
  scores: Float32Array | Float64Array | number[],
  dims: readonly number[],
  spec: PostprocessSpec,
  labels?: readonly string[],
): ClassificationResult[] {
  const { rows, classes } = classificationShape(dims);
  if (scores.length !== rows * classes) {
    throw new ModelportError('internal', `The output holds ${scores.length} values, but its shape [${dims.join(', ')}] needs ${rows * classes}.`);
  }
  if (labels !== undefined) checkLabels(labels, classes, spec.labels);

  const k = Math.min(spec.topK, classes);
  const probabilities = new Float64Array(classes); // reused for every row
  const results: ClassificationResult[] = [];
  for (let r = 0; r < rows; r++) {
    const offset = r * classes;
    for (let c = 0; c < classes; c++) {
      const value = scores[offset + c] ?? Number.NaN;
      if (Number.isNaN(value)) {
        throw new ModelportError('internal', `The model produced NaN scores (row ${r + 1}, class ${c}); it cannot be ranked.`);
      }
      probabilities[c] = value;
    }
    if (spec.softmax === true || (spec.softmax === 'auto' && !isDistribution(probabilities))) softmaxInPlace(probabilities);
    const predictions = best(probabilities, k).map((index) => ({
      // An empty line in the labels file is a class without a name: show its index rather than "".
      label: labels?.[index] || String(index),
      index,
      probability: probabilities[index] ?? Number.NaN,
    }));
    results.push({ predictions });
  }
  return results;
}

function isDistribution(values: Float64Array): boolean {
  let sum = 0;
  for (const v of values) {
    if (!(v >= 0 && v <= 1)) return false;
    sum += v;
  }
  return Math.abs(sum - 1) <= distributionTolerance;
}

/** Softmax that cannot overflow: exp(x - max) is at most 1. Infinite logits are handled explicitly. */
function softmaxInPlace(values: Float64Array): void {
  let max = Number.NEGATIVE_INFINITY;
  for (const v of values) if (v > max) max = v;
  if (max === Number.POSITIVE_INFINITY || max === Number.NEGATIVE_INFINITY) {
    // All mass on the +Infinity entries, or (all -Infinity) none preferred: share it equally.
    let count = 0;
    for (const v of values) if (v === max) count++;
    for (let i = 0; i < values.length; i++) values[i] = values[i] === max ? 1 / count : 0;
    return;
  }
  let sum = 0;
  for (let i = 0; i < values.length; i++) {
    const e = Math.exp((values[i] ?? 0) - max);
    values[i] = e;
    sum += e;
  }
  for (let i = 0; i < values.length; i++) values[i] = (values[i] ?? 0) / sum;
}

/**
 * Indices of the k largest values, largest first; equal values keep class order. A partial insertion sort:
 * O(C·k) with small k instead of sorting thousands of classes.
 */
function best(values: Float64Array, k: number): number[] {
  const top: number[] = [];
  for (let i = 0; i < values.length; i++) {
    const v = values[i] ?? Number.NEGATIVE_INFINITY;
    if (top.length === k && !(v > (values[top[k - 1] ?? 0] ?? 0))) continue;
    let at = top.length === k ? k - 1 : top.length;
    // Strictly greater moves up, so a tie stays below the earlier class.
    while (at > 0 && v > (values[top[at - 1] ?? 0] ?? 0)) at--;
    if (top.length === k) top.pop();
    top.splice(at, 0, i);
  }
  return top;
}
