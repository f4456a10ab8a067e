// Asserts that `fn` throws a BadRequestError whose message equals (string) or matches (RegExp) `message`.
import assert from 'node:assert/strict';
import { BadRequestError } from '../../src/core/errors';

export function rejects(fn: () => unknown, message: string | RegExp): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof BadRequestError, `expected BadRequestError, got ${String(err)}`);
    if (typeof message === 'string') assert.equal(err.message, message);
    else assert.match(err.message, message);
    return true;
  });
}
