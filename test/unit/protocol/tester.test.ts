// The tester's message protocol: what each side accepts, what it refuses, typed dispatch, shared bounds.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { loadTestLimits } from '../../../src/core/client/loadTest';
import { imageLimits as limits } from '../../../src/core/client/imageLimits';
import { dispatch, parseHostMessage, parseWebviewMessage, testerLimits, type Handlers, type WebviewMessage } from '../../../src/protocol/tester';

const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47]);

describe('webview → host messages', () => {
  test('accept every well-formed command', () => {
    const good: unknown[] = [
      { type: 'panel/ready' },
      { type: 'target/select', key: 'service:fashion' },
      { type: 'target/custom', url: 'http://127.0.0.1:5001/score', model: 'fashion-mnist' },
      { type: 'target/setKey' },
      { type: 'image/pick' },
      { type: 'request/send', input: { mode: 'json', body: '{}' } },
      { type: 'request/send', input: { mode: 'image', encoding: 'raw', images: [{ name: 'a.png', mime: 'image/png', bytes: png }] } },
      { type: 'snippet/copy', language: 'python' },
      { type: 'history/rerun', id: 'x' },
      { type: 'loadtest/start', requests: 10_000, concurrency: 64, maxDurationS: 60 },
      { type: 'clipboard/copy', text: 'summary' },
    ];
    for (const m of good) assert.ok(parseWebviewMessage(m).ok, JSON.stringify(m));
  });

  test('bytes arrive as a Uint8Array or an ArrayBuffer and come out as a Uint8Array', () => {
    const r = parseWebviewMessage({ type: 'request/send', input: { mode: 'image', encoding: 'base64', images: [{ name: 'a.png', mime: '', bytes: png.buffer }] } });
    assert.ok(r.ok);
    const input = r.message.type === 'request/send' ? r.message.input : undefined;
    assert.ok(input?.mode === 'image' && input.images[0]?.bytes instanceof Uint8Array);
  });

  test('refuse unknown types, missing fields, wrong kinds and anything beyond the bounds, saying why', () => {
    const bad: Array<[unknown, RegExp]> = [
      [{ type: 'shell/exec', command: 'rm -rf /' }, /shell\/exec/],
      [null, /\(no type\)/],
      ['panel/ready', /\(no type\)/],
      [{ type: 'target/select' }, /target\/select: key/],
      [{ type: 'request/send', input: { mode: 'json' } }, /input\.body/],
      [{ type: 'request/send', input: { mode: 'image', encoding: 'raw', images: [] } }, /images/],
      [{ type: 'request/send', input: { mode: 'image', encoding: 'raw', images: [{ name: 'a', mime: '', bytes: 'AAAA' }] } }, /bytes/],
      [{ type: 'request/send', input: { mode: 'image', encoding: 'raw', images: [{ name: 'a', mime: '', bytes: new Uint8Array(testerLimits.maxImageBytes + 1) }] } }, /at most/],
      [{ type: 'request/send', input: { mode: 'image', encoding: 'raw', images: Array.from({ length: 17 }, () => ({ name: 'a', mime: '', bytes: png })) } }, /images/],
      [{ type: 'loadtest/start', requests: 10_001, concurrency: 1, maxDurationS: 1 }, /requests/],
      [{ type: 'loadtest/start', requests: 1, concurrency: 65, maxDurationS: 1 }, /concurrency/],
      [{ type: 'loadtest/start', requests: 1, concurrency: 1, maxDurationS: 61 }, /maxDurationS/],
      [{ type: 'snippet/copy', language: 'perl' }, /language/],
    ];
    for (const [i, [m, why]] of bad.entries()) {
      const r = parseWebviewMessage(m);
      assert.equal(r.ok, false, `case ${i}`);
      if (!r.ok) assert.match(r.error, why);
    }
  });
});

describe('host → webview messages', () => {
  test('accept a target with hasKey but no key field; refuse malformed ones', () => {
    const info = { key: 'url:http://h/score', kind: 'url', label: 'h/score', scoringUri: 'http://h/score', authMode: 'key', hasKey: true, problems: [] };
    assert.ok(parseHostMessage({ type: 'target/info', info }).ok);
    const withKey = parseHostMessage({ type: 'target/info', info: { ...info, key2: 'secret' } });
    assert.ok(withKey.ok && withKey.message.type === 'target/info' && !('key2' in withKey.message.info), 'unknown fields are stripped, never passed on');
    assert.equal(parseHostMessage({ type: 'target/info', info: { key: 1 } }).ok, false);
    assert.equal(parseHostMessage({ type: 'eval/run', code: '1' }).ok, false);
  });
});

describe('dispatch', () => {
  test('calls the one handler of the message type', async () => {
    const seen: string[] = [];
    const handlers = new Proxy({} as Handlers<WebviewMessage>, { get: (_t, type: string) => (m: WebviewMessage) => void seen.push(`${type}:${m.type}`) });
    await dispatch(handlers, { type: 'history/clear' });
    await dispatch(handlers, { type: 'target/select', key: 'k' });
    assert.deepEqual(seen, ['history/clear:history/clear', 'target/select:target/select']);
  });
});

describe('shared bounds', () => {
  test('the protocol and the core agree', () => {
    assert.equal(testerLimits.maxImages, limits.maxImages);
    assert.equal(testerLimits.maxImageBytes, limits.maxImageBytes);
    assert.equal(testerLimits.maxLoadRequests, loadTestLimits.maxRequests);
    assert.equal(testerLimits.maxLoadConcurrency, loadTestLimits.maxConcurrency);
    assert.equal(testerLimits.maxLoadDurationS * 1000, loadTestLimits.maxDurationMs);
  });
});
