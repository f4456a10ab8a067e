// The host side of the tester protocol without a browser: validation on arrival, keys kept on the host,
// real requests to a real service, history, snippets and the load test's guard.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { memoryStore } from '../../../src/core/client/history';
import type { HostMessage } from '../../../src/protocol/tester';
import { TesterController } from '../../../src/vscode/webviews/testerController';
import type { TesterHostEnv } from '../../../src/vscode/webviews/testerHostEnv';
import { openTargetOf } from '../../../src/vscode/webviews/testerTargets';
import { testerCsp, testerHtml } from '../../../src/vscode/webviews/testerHtml';
import { startService, type RunningService } from '../../helpers/startService';
import { imagesToTensor } from '../../../src/core/preprocess/imageTensor';

const key = 'controller-test-key-1';

function fakeEnv(): TesterHostEnv & { posted: HostMessage[]; clipboard: string[]; logs: string[]; secrets: TesterHostEnv['secrets'] & { map: Map<string, string> } } {
  const map = new Map<string, string>();
  const env = {
    posted: [] as HostMessage[],
    clipboard: [] as string[],
    logs: [] as string[],
    post: (m: HostMessage) => void env.posted.push(m),
    secrets: { map, get: async (k: string) => map.get(k), store: async (k: string, v: string) => void map.set(k, v), delete: async (k: string) => void map.delete(k) },
    state: memoryStore(),
    writeClipboard: async (t: string) => void env.clipboard.push(t),
    pickImages: async () => [],
    promptKey: async () => key,
    imagesToTensor,
    log: { info: (m: string) => env.logs.push(`info ${m}`), warn: (m: string) => env.logs.push(`warn ${m}`), error: (m: string) => env.logs.push(`error ${m}`) },
  };
  return env;
}

const of = <K extends HostMessage['type']>(env: { posted: HostMessage[] }, type: K): Array<Extract<HostMessage, { type: K }>> =>
  env.posted.filter((m): m is Extract<HostMessage, { type: K }> => m.type === type);

describe('TesterController', () => {
  let svc: RunningService;
  before(async () => {
    svc = await startService({ model: ['samples/fashion-mnist'] }, { MODELPORT_AUTH_MODE: 'key', MODELPORT_PRIMARY_KEY: key });
  });
  after(() => svc.close());

  test('ignores and logs what does not validate', async () => {
    const env = fakeEnv();
    const c = new TesterController(undefined, env);
    await c.handle({ type: 'request/send', input: { mode: 'image', encoding: 'raw', images: 'x' } });
    await c.handle('panel/ready');
    assert.equal(env.posted.length, 0);
    assert.equal(env.logs.filter((l) => l.startsWith('warn tester: ignored an invalid message')).length, 2);
  });

  test('a URL target: the key stays on the host, requests carry it, snippets mask it, Copy reveals it', async () => {
    const env = fakeEnv();
    const c = new TesterController(undefined, env);
    await c.handle({ type: 'panel/ready' });
    assert.deepEqual(of(env, 'state/init')[0]?.targets, []);
    await c.handle({ type: 'target/custom', url: `${svc.url}/score`, model: 'fashion-mnist' });
    assert.equal(of(env, 'target/info').at(-1)?.info.hasKey, false);
    await c.handle({ type: 'target/setKey' });
    const info = of(env, 'target/info').at(-1)?.info;
    assert.equal(info?.hasKey, true);
    assert.equal(info?.v2Inputs?.[0]?.name, 'image', 'V2 signature read with the key');
    const bytes = new Uint8Array(readFileSync('samples/fashion-mnist/images/ankle-boot.png'));
    await c.handle({ type: 'request/send', input: { mode: 'image', encoding: 'v2', images: [{ name: 'ankle-boot.png', mime: 'image/png', bytes }] } });
    const done = of(env, 'request/finished').at(-1);
    assert.equal(done?.result.status, 200, done?.result.body);
    assert.match(done?.snippets.curl ?? '', /Bearer <your-key>/);
    await c.handle({ type: 'snippet/copy', language: 'curl' });
    assert.match(env.clipboard.at(-1) ?? '', new RegExp(`Bearer ${key}`));
    assert.ok(!JSON.stringify(env.posted).includes(key), 'no message to the webview carries the key');
    assert.ok(!env.logs.join('\n').includes(key), 'no log line carries the key');
    const history = of(env, 'history/update').at(-1)?.entries ?? [];
    assert.equal(history.length, 1);
    assert.equal(history[0]?.requestId, done?.result.requestId);
    assert.match(history[0]?.outcome ?? '', /^logits \[1, 10\]/);
    await c.handle({ type: 'history/rerun', id: history[0]!.id });
    assert.equal(of(env, 'request/finished').length, 2);
    assert.equal(of(env, 'input/load').length, 1);
  });

  test('the load test repeats the last request only', async () => {
    const env = fakeEnv();
    const c = new TesterController(undefined, env);
    await c.handle({ type: 'loadtest/start', requests: 10, concurrency: 2, maxDurationS: 5 });
    assert.match(of(env, 'loadtest/failed')[0]?.message ?? '', /Send one request first/);
  });
});

describe('panel helpers', () => {
  test('the command argument names a service or a URL', () => {
    assert.deepEqual(openTargetOf('fashion'), { service: 'fashion' });
    assert.deepEqual(openTargetOf('http://127.0.0.1:5001/score'), { url: 'http://127.0.0.1:5001/score' });
    assert.deepEqual(openTargetOf({ kind: 'service', service: { name: 'a' } }), { service: 'a' });
    assert.deepEqual(openTargetOf({ name: 'b', scoringUri: 'http://x/score' }), { service: 'b' });
    assert.equal(openTargetOf(undefined), undefined);
  });

  test('the HTML has a strict CSP, one nonce-d script and no inline code', () => {
    const html = testerHtml({ cspSource: 'https://w.vscode-cdn.net', nonce: 'abc123', scriptUri: 's.js', styleUri: 's.css', codiconsUri: 'c.css' });
    assert.match(html, new RegExp(testerCsp('https://w.vscode-cdn.net', 'abc123').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
    assert.match(testerCsp('X', 'n'), /^default-src 'none'; script-src 'nonce-n'; style-src X 'nonce-n'; img-src X data: blob:; font-src X$/);
    assert.equal((html.match(/<script/g) ?? []).length, 1);
    assert.match(html, /<script nonce="abc123" src="s\.js"><\/script>/);
    assert.doesNotMatch(html, /\son[a-z]+=/i);
    assert.doesNotMatch(html, /<style/);
  });
});
