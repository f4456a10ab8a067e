// The tester's history store: newest first, bounded, large requests kept without their body, corrupt data ignored.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createHistoryStore, historyLimits, memoryStore, type HistoryEntry } from '../../../../src/core/client/history';

const entry = (id: string, extra: Partial<HistoryEntry> = {}): HistoryEntry => ({
  id,
  at: new Date(0).toISOString(),
  targetLabel: 'fashion',
  targetKey: 'service:fashion',
  url: 'http://127.0.0.1:1/score',
  summary: 'JSON 10 B',
  ok: true,
  status: 200,
  requestId: id,
  input: { mode: 'json', body: '{"data": 1}' },
  ...extra,
});

describe('history store', () => {
  test('newest first, re-adding moves to the top, remove and clear', async () => {
    const store = memoryStore();
    const h = createHistoryStore(store);
    await h.add(entry('a'));
    await h.add(entry('b'));
    await h.add(entry('a', { status: 500, ok: false }));
    assert.deepEqual(h.list().map((e) => e.id), ['a', 'b']);
    assert.equal(h.get('a')?.status, 500);
    await h.remove('a');
    assert.deepEqual(h.list().map((e) => e.id), ['b']);
    await h.clear();
    assert.deepEqual(h.list(), []);
  });

  test('is bounded and persists through the store', async () => {
    const store = memoryStore();
    const h = createHistoryStore(store);
    for (let i = 0; i < historyLimits.maxEntries + 5; i++) await h.add(entry(`e${i}`));
    assert.equal(h.list().length, historyLimits.maxEntries);
    assert.equal(createHistoryStore(store).list()[0]?.id, `e${historyLimits.maxEntries + 4}`, 'a new store over the same storage sees it');
  });

  test('large requests are kept without their body; corrupt storage reads as empty', async () => {
    const store = memoryStore();
    const h = createHistoryStore(store);
    await h.add(entry('big', { input: { mode: 'image', encoding: 'raw', images: [{ name: 'x.png', mime: 'image/png', base64: 'A'.repeat(historyLimits.maxStoredInputBytes + 1) }] } }));
    assert.equal(h.get('big')?.input, undefined);
    await store.update('modelport.tester.history', [{ id: 3 }]);
    assert.deepEqual(h.list(), []);
  });
});
