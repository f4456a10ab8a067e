import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ModelportError } from '../../../../src/core/errors';
import { decodeBase64Images } from '../../../../src/server/preprocess/base64Images';

// Bytes that exercise every base64 alphabet difference: 0xfb 0xff encode to "+/" (standard) or "-_" (url-safe).
const bytes = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0xfb, 0xff, 0xbf, 0x00, 0x01]);
const b64 = bytes.toString('base64');

function throwsWith(value: unknown, status: number, message: RegExp): void {
  assert.throws(
    () => decodeBase64Images(value),
    (err: unknown) => {
      assert.ok(err instanceof ModelportError, `expected a ModelportError, got ${String(err)}`);
      assert.equal(err.status, status);
      assert.match(err.message, message);
      return true;
    },
  );
}

test('a base64 string decodes to one buffer', () => {
  assert.ok(b64.includes('+') || b64.includes('/'), 'the sample uses the standard-only characters');
  const [image, ...rest] = decodeBase64Images(b64);
  assert.deepEqual(rest, []);
  assert.deepEqual(image, bytes);
});

test('url-safe, unpadded and line-wrapped base64 decode to the same bytes', () => {
  const urlSafe = bytes.toString('base64url');
  assert.notEqual(urlSafe, b64);
  assert.deepEqual(decodeBase64Images(urlSafe)[0], bytes);
  assert.deepEqual(decodeBase64Images(b64.replace(/=+$/, ''))[0], bytes);
  assert.deepEqual(decodeBase64Images(`${b64.slice(0, 4)}\r\n${b64.slice(4, 8)}\n ${b64.slice(8)}\n`)[0], bytes);
});

test('a data URL decodes its payload', () => {
  assert.deepEqual(decodeBase64Images(`data:image/png;base64,${b64}`)[0], bytes);
  assert.deepEqual(decodeBase64Images(`data:;base64,${b64}`)[0], bytes);
  assert.deepEqual(decodeBase64Images(`data:image/jpeg;name=x.jpg;base64,${b64}`)[0], bytes);
});

test('an array decodes item by item, in order', () => {
  const other = Buffer.from('second image');
  const out = decodeBase64Images([b64, `data:image/webp;base64,${other.toString('base64')}`]);
  assert.equal(out.length, 2);
  assert.deepEqual(out[0], bytes);
  assert.deepEqual(out[1], other);
});

test('a character outside base64 is named with its position', () => {
  throwsWith('QUJD!REVG', 400, /^The image is not valid base64: unexpected character "!" at position 5\.$/);
  throwsWith(`data:image/png;base64,QUJD*`, 400, /unexpected character "\*" at position 27/);
  throwsWith('QU=JD', 400, /unexpected character "=" at position 3/);
});

test('mixing the standard and url-safe alphabets is rejected', () => {
  throwsWith('ab+c-d__', 400, /^The image is not valid base64: unexpected character "-" at position 5/);
});

test('truncated base64 and wrong padding are rejected', () => {
  throwsWith('QUJDR', 400, /looks truncated/);
  throwsWith('QUI==', 400, /padding does not match/);
  throwsWith('QQ===', 400, /ends with 3 "=" characters/);
});

test('the bad item of an array is named by its 1-based position', () => {
  throwsWith([b64, b64, 'not base64!'], 400, /^Image 3 of 3 is not valid base64: unexpected character "!" at position 11\./);
  throwsWith([b64, 42], 400, /^Image 2 of 2 is a number; expected a base64 string or a data URL/);
  throwsWith([b64, ''], 400, /^Image 2 of 2 is empty/);
});

test('values that are not strings or arrays, and empty inputs, are 400s', () => {
  throwsWith({ image: b64 }, 400, /^Expected a base64 string, a data URL or an array of them; got an object/);
  throwsWith(null, 400, /got null/);
  throwsWith([], 400, /list of images is empty/);
  throwsWith('  \n', 400, /^The image is empty/);
  throwsWith('data:image/png;base64,', 400, /^The image is empty/);
});

test('data URLs that are not base64 images are refused precisely', () => {
  throwsWith('data:image/png,%89PNG', 400, /without ";base64"/);
  throwsWith('data:image/png;base64', 400, /no "," before the data/);
  throwsWith(`data:text/plain;base64,${b64}`, 415, /data URL of type text\/plain/);
});
