// The load tester: exact counts, nearest-rank percentiles on known latencies, concurrency and time bounds,
// cancellation, and a run against a real service.
import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { checkLoadTestOptions, formatLoadTestSummary, latencyStats, loadTestLimits, percentile, runLoadTest, type LoadTestProgress } from '../../../../src/core/client/loadTest';
import { buildRequest } from '../../../../src/core/client/request';
import { sendRequest } from '../../../../src/core/client/send';
import { startService } from '../../../helpers/startService';

// timers/promises removes its abort listener when the timer fires: a hand-made sleep that only ever added one
// leaked a listener per request on the run's shared signal (MaxListenersExceededWarning).
const sleep = (ms: number, signal?: AbortSignal): Promise<void> => delay(ms, undefined, { signal });

describe('percentiles', () => {
  test('nearest rank on known values', () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1); // 1..100
    assert.equal(percentile(values, 50), 50);
    assert.equal(percentile(values, 95), 95);
    assert.equal(percentile(values, 99), 99);
    assert.equal(percentile(values, 100), 100);
    assert.equal(percentile([7], 99), 7);
    assert.equal(percentile([], 50), 0);
    const stats = latencyStats([30, 10, 20, 40]);
    assert.deepEqual(stats, { p50: 20, p95: 40, p99: 40, min: 10, max: 40, mean: 25 });
  });

  test('latencies measured by the tester follow the injected clock', async () => {
    // A clock that advances by each request's known latency: 1, 2, …, 200 ms, one request at a time.
    let clock = 0;
    let n = 0;
    const summary = await runLoadTest({
      requests: 200,
      concurrency: 1,
      maxDurationMs: 60_000,
      now: () => clock,
      send: async () => {
        clock += ++n;
        return 200;
      },
    });
    assert.equal(summary.completed, 200);
    assert.deepEqual([summary.latency.p50, summary.latency.p95, summary.latency.p99], [100, 190, 198]);
    assert.equal(summary.latency.min, 1);
    assert.equal(summary.latency.max, 200);
    assert.equal(summary.elapsedMs, (200 * 201) / 2);
    assert.equal(summary.rps, (200 * 1000) / summary.elapsedMs);
  });
});

describe('runLoadTest', () => {
  test('counts every request and never exceeds the concurrency', async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    let i = 0;
    const progress: LoadTestProgress[] = [];
    const summary = await runLoadTest({
      requests: 103,
      concurrency: 7,
      maxDurationMs: 10_000,
      progressIntervalMs: 20,
      onProgress: (p) => progress.push(p),
      send: async (signal) => {
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        await sleep(2, signal);
        inFlight--;
        return ++i % 10 === 0 ? 503 : 200;
      },
    });
    assert.equal(summary.requested, 103);
    assert.equal(summary.completed, 103);
    assert.equal(summary.succeeded, 93);
    assert.equal(summary.failed, 10);
    assert.deepEqual(summary.statuses, { '200': 93, '503': 10 });
    assert.equal(summary.stoppedBy, 'completed');
    assert.equal(summary.firstError, 'HTTP 503');
    assert.equal(maxInFlight, 7);
    assert.ok(progress.length >= 2, 'progress streamed');
    assert.equal(progress.at(-1)?.completed, 103);
    assert.equal(summary.points.length, progress.length);
  });

  test('stops by itself at the time limit, aborting what is in flight', async () => {
    const summary = await runLoadTest({ requests: 10_000, concurrency: 3, maxDurationMs: 300, send: async (signal) => (await sleep(40, signal), 200) });
    // 10,000 requests of 40 ms at concurrency 3 would take minutes: ending short of them, by the limit, is the proof.
    assert.equal(summary.stoppedBy, 'time-limit');
    assert.ok(summary.completed > 0 && summary.completed < 10_000);
    assert.equal(summary.aborted, 3, 'the three in-flight requests were aborted');
    assert.equal(summary.requested, summary.completed + summary.aborted);
  });

  test('a thrown error is a failure; the caller can cancel', async () => {
    const abort = new AbortController();
    let n = 0;
    const summary = await runLoadTest({
      requests: 1000,
      concurrency: 2,
      maxDurationMs: 10_000,
      signal: abort.signal,
      send: async (signal) => {
        if (++n === 3) throw new Error('ECONNRESET');
        if (n === 20) abort.abort();
        await sleep(1, signal);
        return 200;
      },
    });
    assert.equal(summary.stoppedBy, 'cancelled');
    assert.equal(summary.statuses.error, 1);
    assert.equal(summary.firstError, 'ECONNRESET');
    assert.ok(summary.requested < 1000);
  });

  test('leaves no abort listener behind on the caller\'s signal, nor on the one each request gets', async () => {
    const abort = new AbortController();
    const seen = new Set<AbortSignal>();
    await runLoadTest({
      requests: 50,
      concurrency: 4,
      maxDurationMs: 10_000,
      signal: abort.signal,
      send: async (signal) => {
        seen.add(signal);
        await sleep(1, signal);
        return 200;
      },
    });
    assert.deepEqual(getEventListeners(abort.signal, 'abort'), []);
    for (const signal of seen) assert.deepEqual(getEventListeners(signal, 'abort'), []);
  });

  test('refuses options beyond its bounds', () => {
    assert.throws(() => checkLoadTestOptions({ requests: loadTestLimits.maxRequests + 1, concurrency: 1, maxDurationMs: 1000 }), /from 1 to 10000/);
    assert.throws(() => checkLoadTestOptions({ requests: 1, concurrency: 0, maxDurationMs: 1000 }), /Concurrency/);
    assert.throws(() => checkLoadTestOptions({ requests: 1, concurrency: 1, maxDurationMs: 60_001 }), /time limit/);
    assert.throws(() => checkLoadTestOptions({ requests: 1.5, concurrency: 1, maxDurationMs: 10 }), /whole number/);
  });

  test('against a real service: every request answers 200, the summary reads well', async () => {
    const svc = await startService({ model: ['samples/fashion-mnist'] });
    try {
      const spec = buildRequest(
        { mode: 'image', encoding: 'raw', images: [{ name: 'bag.png', mime: 'image/png', bytes: new Uint8Array(readFileSync('samples/fashion-mnist/images/bag.png')) }] },
        { scoringUri: `${svc.url}/score` },
      );
      const summary = await runLoadTest({ requests: 60, concurrency: 4, maxDurationMs: 30_000, send: async (signal) => (await sendRequest(spec, { signal })).status });
      assert.equal(summary.succeeded, 60);
      assert.ok(summary.latency.p50 > 0 && summary.latency.p50 <= summary.latency.p95 && summary.latency.p95 <= summary.latency.p99);
      const text = formatLoadTestSummary(summary, 'fashion');
      assert.match(text, /^Load test of fashion\nRequests: +60 completed of 60 started, concurrency 4/);
      assert.match(text, /Statuses: +200: 60/);
    } finally {
      await svc.close();
    }
  });
});
