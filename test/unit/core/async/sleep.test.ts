import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sleep } from '../../../../src/core/async/sleep';

// A timeout far beyond the sleeps asked for: a sleep that ignores its signal fails the test instead of passing late.
const fast = { timeout: 10_000 };

test('sleep resolves at once when its signal has already aborted', fast, async () => {
  const stop = new AbortController();
  stop.abort();
  const started = Date.now();
  await sleep(60_000, stop.signal);
  assert.ok(Date.now() - started < 5_000);
});

test('sleep resolves when its signal aborts meanwhile, and after its time without one', fast, async () => {
  const stop = new AbortController();
  setTimeout(() => stop.abort(), 20);
  await sleep(60_000, stop.signal);
  const started = Date.now();
  await sleep(30);
  assert.ok(Date.now() - started >= 25, 'a sleep without a signal lasts its time');
});
