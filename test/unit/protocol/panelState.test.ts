// The webview's saved state (getState/setState): restored defensively, saved small.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { initialState, restoreState, stateToSave, type PanelState } from '../../../webview/tester/state';

describe('panel state', () => {
  test('nothing or something foreign restores the defaults', () => {
    assert.deepEqual(restoreState(undefined), initialState);
    assert.deepEqual(restoreState(null), initialState);
    assert.deepEqual(restoreState({ version: 2, tab: 'json' }), initialState);
  });

  test('keeps valid fields and replaces invalid ones', () => {
    const s = restoreState({ version: 1, tab: 'load', encoding: 'v2', json: { 'service:a': '{}' }, loadRequests: 20_000, loadConcurrency: 4, snippetLanguage: 'perl' });
    assert.equal(s.tab, 'load');
    assert.equal(s.encoding, 'v2');
    assert.deepEqual(s.json, { 'service:a': '{}' });
    assert.equal(s.loadRequests, initialState.loadRequests, 'beyond the bound: default');
    assert.equal(s.loadConcurrency, 4);
    assert.equal(s.snippetLanguage, 'curl');
  });

  test('a large last body is cut before saving', () => {
    const result = { requestId: 'r', at: '', summary: '', url: '', status: 200, statusText: 'OK', ok: true, totalMs: 1, headers: [], contentType: 'application/json', body: 'x'.repeat(200_000), bodyBytes: 200_000, truncated: false };
    const saved: PanelState = stateToSave({ ...initialState, lastResult: result });
    assert.equal(saved.lastResult?.body.length, 64 * 1024);
    assert.equal(saved.lastResult?.truncated, true);
    const small = { ...initialState, lastResult: { ...result, body: '{}' } };
    assert.equal(stateToSave(small), small);
  });
});
