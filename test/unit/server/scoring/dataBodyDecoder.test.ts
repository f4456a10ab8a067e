// The one-pass {"data": [...]} decoder against the general path it stands in for (JSON.parse + jsonToTensor), on
// thousands of seeded bodies: every tensor it builds must be bit for bit the general path's, every body the
// general path refuses must make it give up, and the plain bodies clients send must not fall back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeDataBody, readNumber } from '../../../../src/server/scoring/onnx/dataBodyDecoder';
import { jsonToTensor } from '../../../../src/core/onnx/tensorData';
import { seededRandom } from '../../../helpers/seededRandom';

/** What the general path makes of a body: the float32 tensor, or the error it answers with. */
function general(text: string): { dims: number[]; data: Float32Array } | Error {
  try {
    const body = JSON.parse(text) as unknown;
    if (typeof body !== 'object' || body === null || Array.isArray(body) || Object.keys(body).join() !== 'data') return new Error('not a lone data key');
    const t = jsonToTensor('x', (body as { data: unknown }).data, 'float32');
    return { dims: t.dims, data: t.data as Float32Array };
  } catch (err) {
    return err as Error;
  }
}

function sameBits(a: Float32Array, b: Float32Array): boolean {
  return a.length === b.length && Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

/** A number the way some client might print it. */
function numberText(r: () => number): string {
  const pick = Math.floor(r() * 10);
  const sign = r() < 0.3 ? '-' : '';
  switch (pick) {
    case 0: return `${sign}${Math.floor(r() * 1000)}`;
    case 1: return `${sign}${(r() * 10).toFixed(Math.floor(r() * 9))}`;
    case 2: return `${sign}${String(r())}`; // 16–17 significant digits: Number()'s path
    case 3: return `${sign}${(r() * 9 + 1).toFixed(Math.floor(r() * 6))}e${r() < 0.5 ? '-' : r() < 0.5 ? '+' : ''}${Math.floor(r() * 45)}`;
    case 4: return `${sign}0.${'0'.repeat(Math.floor(r() * 25))}${Math.floor(r() * 99999) + 1}`;
    case 5: return `${sign}${Math.floor(r() * 1e6)}${'0'.repeat(Math.floor(r() * 20))}`;
    case 6: return `${sign}0`;
    case 7: return `${sign}${(r() * 3.5).toFixed(1)}e38`; // around float32's largest: some overflow
    case 8: return `${sign}${(r() / 255).toFixed(7)}`; // the bench's pixels
    default: return `${sign}${Math.floor(r() * 9) + 1}.${Math.floor(r() * 1e15)}E${Math.floor(r() * 10)}`;
  }
}

function space(r: () => number): string {
  return r() < 0.7 ? '' : [' ', '\n', '\t', '\r\n  '][Math.floor(r() * 4)] as string;
}

function nested(r: () => number, dims: number[], level = 0): string {
  const n = dims[level] as number;
  const parts = Array.from({ length: n }, () => (level === dims.length - 1 ? numberText(r) : nested(r, dims, level + 1)));
  return `[${space(r)}${parts.join(`${space(r)},${space(r)}`)}${space(r)}]`;
}

/** Ways a body goes wrong (or merely differs from the plain form): each must end in the general path. */
const breakers: Array<(text: string, r: () => number) => string> = [
  (t) => t.replace(/\d(?=[,\]\s]*\])/, ''), // a digit less somewhere: often still fine
  (t) => t.replace(/,[^,[\]]+\]/, ']'), // an element less: ragged
  (t) => t.replace(/[\d.eE+-]+/, '"7"'), // a string
  (t) => t.replace(/[\d.eE+-]+/, 'NaN'),
  (t) => t.replace(/(\d)/, '0$1'), // a leading zero
  (t) => t.replace(/\]\s*\}/, ',]}'), // a trailing comma
  (t) => t.replace(/\}\s*$/, ', "extra": 1}'),
  (t) => t.replace('"data"', '"Data"'),
  (t) => `\ufeff${t}`,
  (t) => t.replace(/\[/, '[[]'),
  (t) => t.replace(/(\d)\]/, '$1, [1]]'),
  (t) => t.replace(/\d/, '\u00a0'),
  (t) => t.replace(/[\d]+\.?[\d]*/, '.5'),
  (t) => t.replace(/\]\s*\}/, '}'),
  (t) => `${t} x`,
  (t) => t.replace(/\{/, '{"data": 0, '),
];

test('every tensor the one-pass decoder builds is the general path\'s, bit for bit, and it gives up on every body that path refuses', () => {
  const r = seededRandom(20261202);
  let decoded = 0;
  let gaveUp = 0;
  for (let i = 0; i < 4000; i++) {
    const rank = 1 + Math.floor(r() * 4);
    const dims = Array.from({ length: rank }, () => 1 + Math.floor(r() * 5));
    let text = `${space(r)}{${space(r)}"data"${space(r)}:${space(r)}${nested(r, dims)}${space(r)}}${space(r)}`;
    const broken = r() < 0.4;
    if (broken) text = (breakers[Math.floor(r() * breakers.length)] as (t: string, r: () => number) => string)(text, r);
    const fast = decodeDataBody(Buffer.from(text, 'utf8'));
    const ref = general(text);
    if (fast === undefined) {
      gaveUp++;
      // Plain bodies of finite float32 values must not fall back: that is what the decoder is for.
      if (!broken && !(ref instanceof Error)) assert.fail(`gave up on a plain body: ${text}`);
      continue;
    }
    decoded++;
    assert.ok(!(ref instanceof Error), `decoded a body the general path refuses (${ref instanceof Error ? ref.message : ''}): ${text}`);
    assert.deepEqual(fast.dims, ref.dims, text);
    assert.ok(sameBits(fast.data, ref.data), `values differ for ${text}: ${fast.data.join()} vs ${ref.data.join()}`);
  }
  assert.ok(decoded > 2000 && gaveUp > 500, `decoded ${decoded}, gave up on ${gaveUp}`);
});

test('numbers read as JSON.parse reads them, on the fast path and off it', () => {
  const r = seededRandom(7);
  const cases = ['0', '-0', '1', '-1', '0.1', '0.30000000000000004', '123456789012345', '1234567890123456789', '1e22', '1e23', '1.5e-22', '1.5e-23',
    '9007199254740993', '2.2250738585072014e-308', '4.9e-324', '1.7976931348623157e308', '0.000001', '3.4028235e38', '1E+2', '1e-0'];
  for (let i = 0; i < 5000; i++) cases.push(numberText(r));
  for (const text of cases) {
    const got = readNumber(Buffer.from(`${text},`), 0);
    assert.ok(got, text);
    assert.ok(Object.is(got.value, JSON.parse(text)), `${text}: ${got.value} vs ${JSON.parse(text) as number}`);
    assert.equal(got.end, text.length, text);
  }
  for (const bad of ['-', '01', '1.', '.5', '+1', '1e', '1e+', '-x', 'Infinity']) assert.equal(readNumber(Buffer.from(`${bad},`), 0), undefined, bad);
});

test('the bodies of the benchmark and the tester decode in one pass: a 28×28 image with and without its batch dimension', () => {
  const pixels = Array.from({ length: 28 }, (_, y) => Array.from({ length: 28 }, (_, x) => ((x * y) % 256) / 255));
  const withBatch = decodeDataBody(Buffer.from(JSON.stringify({ data: [[pixels]] })));
  assert.deepEqual(withBatch?.dims, [1, 1, 28, 28]);
  assert.equal(withBatch?.data[28 * 3 + 5], Math.fround(15 / 255));
  assert.deepEqual(decodeDataBody(Buffer.from(JSON.stringify({ data: [[5.1, 3.5, 1.4, 0.2]] })))?.dims, [1, 4]);
  assert.equal(decodeDataBody(Buffer.from('{"data": []}')), undefined);
  assert.equal(decodeDataBody(Buffer.from('{"data": 5}')), undefined);
  assert.equal(decodeDataBody(Buffer.from('{"data": ["aGVsbG8="]}')), undefined);
});
