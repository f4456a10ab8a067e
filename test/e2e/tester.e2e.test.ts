// The endpoint tester panel in real headless Chromium: the built bundle (run `npm run build` first) in its real
// HTML and CSP, the real host controller on the Node side, real scoring services on loopback. Every input mode,
// errors, keys, history, snippets and a load test; screenshots in a dark, a light and both high-contrast themes go
// to test-results/screenshots/tester-*.png; the accessibility tree and a keyboard walk.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { modelConfigSchema } from '../../src/core/modelConfig';
import type { TesterServiceSource } from '../../src/vscode/webviews/testerHostEnv';
import { findChromium } from '../helpers/chromium';
import { startService, type RunningService } from '../helpers/startService';
import { chromiumArgs, openHarness, startAssetServer, type AssetServer, type Harness, type PageGlobals } from './harness';
import { themes, unsetInHighContrast } from './themes';

const fashionDir = 'samples/fashion-mnist';
const expected = JSON.parse(readFileSync(`${fashionDir}/images/expected.json`, 'utf8')) as Record<string, string>;
const secretKey = 'e2e-secret-key-7f3a9c';
const shots = 'test-results/screenshots';

function image(name: string): { name: string; mime: string; bytes: Uint8Array } {
  return { name, mime: name.endsWith('.jpg') ? 'image/jpeg' : 'image/png', bytes: new Uint8Array(readFileSync(`${fashionDir}/images/${name}`)) };
}
function fileArg(name: string): { name: string; type: string; base64: string } {
  const i = image(name);
  return { name, type: i.mime, base64: Buffer.from(i.bytes).toString('base64') };
}

async function text(page: Page, selector: string): Promise<string> {
  return (await page.locator(selector).innerText()).replace(/\s+/g, ' ').trim();
}

/** Waits until the element's text contains `needle` (the UI updates asynchronously). */
async function waitText(page: Page, selector: string, needle: string, timeout = 15_000): Promise<string> {
  await page.waitForFunction(
    ([sel, n]) => ((globalThis as unknown as { document: { querySelector(s: string): { textContent: string | null } | null } }).document.querySelector(sel)?.textContent ?? '').includes(n),
    [selector, needle] as const,
    { timeout },
  ).catch(async (err: Error) => {
    throw new Error(`'${needle}' never appeared in ${selector}; it shows: ${await text(page, selector).catch(() => '(missing)')}\n${err.message}`);
  });
  return text(page, selector);
}

/** Picks an option of a vscode-single-select the way a user does: open it, click the option. */
async function choose(page: Page, selectId: string, label: string): Promise<void> {
  await page.locator(`#${selectId}`).click();
  await page.locator(`#${selectId} li[role="option"]`, { hasText: label }).first().click();
}

async function radio(page: Page, groupId: string, label: string): Promise<void> {
  await page.locator(`#${groupId} vscode-radio`, { hasText: label }).click();
}

async function tab(page: Page, name: string): Promise<void> {
  await page.locator('vscode-tab-header', { hasText: name }).click();
}

async function sendAndWait(h: Harness, button: string): Promise<string> {
  const before = h.sent.filter((m) => m.includes('"request/finished"') || m.includes('"request/failed"')).length;
  await h.page.locator(button).click();
  const deadline = Date.now() + 20_000;
  while (h.sent.filter((m) => m.includes('"request/finished"') || m.includes('"request/failed"')).length === before) {
    if (Date.now() > deadline) throw new Error('no answer to the request');
    await new Promise((r) => setTimeout(r, 25));
  }
  await h.flush();
  return text(h.page, '#status-line');
}

async function topLabels(page: Page): Promise<string[]> {
  return page.locator('#predictions .top-label').allInnerTexts();
}

async function cspViolations(page: Page): Promise<string[]> {
  return page.evaluate(() => (globalThis as unknown as PageGlobals).__cspViolations);
}

/** A node of locator.ariaSnapshotJSON(): the accessibility tree as Playwright computes it (shadow DOM included). */
interface AriaNode {
  role: string;
  name?: string;
  children?: Array<AriaNode | string>;
  checked?: boolean | 'mixed';
  selected?: boolean;
}

function ariaNodes(tree: unknown): AriaNode[] {
  const out: AriaNode[] = [];
  const walk = (n: unknown): void => {
    if (Array.isArray(n)) n.forEach(walk);
    else if (n && typeof n === 'object' && typeof (n as AriaNode).role === 'string') {
      out.push(n as AriaNode);
      walk((n as AriaNode).children ?? []);
    }
  };
  walk(tree);
  return out;
}

// What a keyboard or screen-reader user operates. vscode-radio 2.5.1 renders an <input type="checkbox">, so its
// radios read as checkboxes (vscode-elements/elements#612, fixed upstream by #615): both count.
const interactiveRoles = new Set(['button', 'checkbox', 'radio', 'tab', 'textbox', 'searchbox', 'spinbutton', 'combobox', 'listbox', 'link', 'switch', 'slider', 'menuitem']);

/** Every interactive control of the visible part of the page, with its accessible name; fails on a nameless one. */
async function namedControls(page: Page): Promise<{ nodes: AriaNode[]; names: string[] }> {
  const nodes = ariaNodes(await page.locator('body').ariaSnapshotJSON());
  const unnamed = nodes.filter((n) => interactiveRoles.has(n.role) && !n.name?.trim());
  assert.deepEqual(unnamed, [], `controls without an accessible name:\n${await page.locator('body').ariaSnapshot()}`);
  return { nodes, names: nodes.filter((n) => interactiveRoles.has(n.role)).map((n) => `${n.role} ${n.name ?? ''}`) };
}

/** What has the keyboard focus: the outermost element's id, or its role and text (tab headers have generated ids). */
async function focused(page: Page): Promise<string> {
  return page.evaluate(() => {
    const el = (globalThis as unknown as { document: { activeElement: { id: string; tagName: string; textContent: string | null } | null } }).document.activeElement;
    if (!el) return '';
    if (el.tagName === 'VSCODE-TAB-HEADER') return `tab:${(el.textContent ?? '').trim()}`;
    return el.id ? `#${el.id}` : `${el.tagName.toLowerCase()}:${(el.textContent ?? '').trim().slice(0, 30)}`;
  });
}

/** Sends the picked sneaker as raw bytes and waits for its scored result. */
async function scoreSneaker(h: Harness): Promise<void> {
  await waitText(h.page, '#target-meta', '/score');
  h.pickNext.push([image('sneaker.png')]);
  await h.page.locator('#pick-images').click();
  await h.page.locator('.thumb img').first().waitFor();
  await radio(h.page, 'encoding', 'Raw bytes');
  assert.match(await sendAndWait(h, '#send-image'), /200 OK/);
  assert.deepEqual(await topLabels(h.page), ['Sneaker']);
}

// The browser: MODELPORT_CHROMIUM or one on PATH (npm run test:e2e installs Debian's where it can); none: skip, saying what to install.
const chromiumLookup = findChromium();

describe('endpoint tester panel in Chromium', { timeout: 240_000, skip: 'missing' in chromiumLookup ? chromiumLookup.missing : false }, () => {
  let open: RunningService;
  let secured: RunningService;
  let assets: AssetServer;
  let browser: Browser;
  let services: TesterServiceSource;

  before(async () => {
    assert.ok(existsSync('dist/webview/tester.js'), 'run `npm run build` first: dist/webview/tester.js is missing');
    mkdirSync(shots, { recursive: true });
    if (!('path' in chromiumLookup)) throw new Error(chromiumLookup.missing);
    const executablePath = chromiumLookup.path;
    // Each part is kept as soon as it has started, and every start settles before the hook fails: `after` then
    // closes whatever did start, and the run ends instead of waiting on an open server.
    const starts = await Promise.allSettled([
      startService({ model: [fashionDir] }).then((s) => (open = s)),
      startService({ model: [fashionDir] }, { MODELPORT_AUTH_MODE: 'key', MODELPORT_PRIMARY_KEY: secretKey }).then((s) => (secured = s)),
      startAssetServer().then((a) => (assets = a)),
      chromium.launch({ executablePath, args: chromiumArgs }).then((b) => (browser = b)),
    ]);
    const failed = starts.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
    const preprocess = modelConfigSchema.parse(JSON.parse(readFileSync(`${fashionDir}/model.json`, 'utf8'))).preprocess;
    services = {
      list: async () => [
        { name: 'fashion', scoringUri: `${open.url}/score`, authMode: 'none', state: 'Healthy', models: ['fashion-mnist:1'] },
        { name: 'fashion-secure', scoringUri: `${secured.url}/score`, authMode: 'key', state: 'Healthy', models: ['fashion-mnist:1'] },
      ],
      authorization: async (name) => (name === 'fashion-secure' ? `Bearer ${secretKey}` : undefined),
      preprocessSpec: async () => preprocess,
    };
  });
  after(async () => {
    const closes = await Promise.allSettled([browser?.close(), open?.close(), secured?.close(), assets?.close()]);
    const failed = closes.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  });

  describe('dark theme', () => {
    let h: Harness;
    before(async () => {
      h = await openHarness(browser, assets, { theme: 'dark', services });
    });
    after(() => h.close());

    test('loads under the strict CSP, lists the services and prefills JSON and V2 from the service', async () => {
      const meta = await waitText(h.page, '#target-meta', `${open.url}/score`);
      assert.match(meta, /no auth/);
      assert.match(meta, /V2 model fashion-mnist/);
      const json = await h.page.locator('#json-body').evaluate((el) => (el as unknown as { value: string }).value);
      assert.match(json, /"data"/, 'JSON prefilled from the swagger example');
      const v2 = await h.page.locator('#v2-body').evaluate((el) => (el as unknown as { value: string }).value);
      assert.match(v2, /"name": "image"/);
      assert.match(v2, /"shape": \[1, 1, 28, 28\]/);
      assert.deepEqual(await cspViolations(h.page), []);
      assert.deepEqual(h.pageErrors, []);
    });

    test('image from the file picker, sent as raw bytes: the right label tops the chart', async () => {
      h.pickNext.push([image('sneaker.png')]);
      await h.page.locator('#pick-images').click();
      await h.page.locator('.thumb img').first().waitFor();
      const status = await sendAndWait(h, '#send-image');
      assert.match(status, /200 OK/);
      assert.match(status, /Server \d/);
      assert.match(status, /Request id [0-9a-f-]{36}/);
      assert.deepEqual(await topLabels(h.page), ['Sneaker']);
      assert.equal(await h.page.locator('#predictions svg.bar-chart g.bar').count(), 3, 'top-3 bars');
      await h.page.screenshot({ path: `${shots}/tester-image-dark.png`, fullPage: true });
    });

    test('drag and drop several images, sent as one base64 JSON batch', async () => {
      await h.page.locator('#clear-images').click();
      const names = ['trouser.png', 'bag.png', 'ankle-boot.png'];
      await h.page.evaluate((files) => (globalThis as unknown as PageGlobals).__harness.drop('#drop-zone', files), names.map(fileArg));
      await h.page.waitForFunction(() => (globalThis as unknown as { document: { querySelectorAll(s: string): { length: number } } }).document.querySelectorAll('.thumb').length === 3);
      assert.equal(await h.page.locator('#encoding vscode-radio[checked]').innerText(), 'Base64 JSON', 'raw bytes carry one image: a batch switches to base64 JSON');
      assert.equal(await h.page.locator('#encoding vscode-radio[disabled]').innerText(), 'Raw bytes');
      const status = await sendAndWait(h, '#send-image');
      assert.match(status, /200 OK/);
      assert.match(status, /3 images as base64 JSON/);
      assert.deepEqual(await topLabels(h.page), names.map((n) => expected[n]));
    });

    test('paste an image and send it as a V2 tensor preprocessed by the host', async () => {
      await h.page.locator('#clear-images').click();
      await h.page.evaluate((files) => (globalThis as unknown as PageGlobals).__harness.paste(files), [fileArg('dress.png'), fileArg('sneaker-large.jpg')]);
      await h.page.waitForFunction(() => (globalThis as unknown as { document: { querySelectorAll(s: string): { length: number } } }).document.querySelectorAll('.thumb').length === 2);
      await radio(h.page, 'encoding', 'V2 tensor');
      const status = await sendAndWait(h, '#send-image');
      assert.match(status, /200 OK/);
      assert.match(status, /2 images as a V2 tensor/);
      const body = await h.page.locator('#response pre.body').textContent();
      assert.match(body ?? '', /"model_name": "fashion-mnist"/);
      assert.match(body ?? '', /"shape": \[\s*2,\s*10\s*\]/);
    });

    test('JSON mode: invalid JSON is refused before sending; the service error is shown', async () => {
      await tab(h.page, 'JSON');
      await h.page.locator('#json-body textarea').fill('{"data": ');
      const refused = await sendAndWait(h, '#send-json');
      assert.match(refused, /Not sent/);
      assert.match(await text(h.page, '#error-box'), /not valid JSON/);
      await h.page.locator('#json-body textarea').fill('{"data": "not a tensor"}');
      const status = await sendAndWait(h, '#send-json');
      assert.match(status, /400/);
      const error = await text(h.page, '#error-box');
      assert.match(error, /The service answered with an error/);
      assert.doesNotMatch(error, /^\s*$/);
      await h.page.screenshot({ path: `${shots}/tester-error-dark.png`, fullPage: true });
      await h.page.locator('#reset-json').click();
      const status2 = await sendAndWait(h, '#send-json');
      assert.match(status2, /200 OK/, 'the swagger example scores');
    });

    test('V2 mode: the prefilled request scores', async () => {
      await tab(h.page, 'V2 tensor');
      const status = await sendAndWait(h, '#send-v2');
      assert.match(status, /200 OK/);
      assert.match((await h.page.locator('#response pre.body').textContent()) ?? '', /"outputs"/);
    });

    test('a service with key auth: the host adds the key, the snippet masks it, Copy puts it in the clipboard', async () => {
      await choose(h.page, 'target', 'fashion-secure');
      await waitText(h.page, '#target-meta', 'key auth · key set');
      await tab(h.page, 'Image');
      await h.page.locator('#clear-images').click();
      h.pickNext.push([image('coat.png')]);
      await h.page.locator('#pick-images').click();
      await h.page.locator('.thumb img').first().waitFor();
      await radio(h.page, 'encoding', 'Raw bytes');
      const status = await sendAndWait(h, '#send-image');
      assert.match(status, /200 OK/);
      assert.deepEqual(await topLabels(h.page), ['Coat']);
      const snippet = (await h.page.locator('#snippet').textContent()) ?? '';
      assert.match(snippet, /curl -X POST/);
      assert.match(snippet, /Authorization: Bearer <your-key>/);
      assert.match(snippet, /--data-binary @'coat.png'/);
      await radio(h.page, 'snippet-lang', 'Python requests');
      assert.match((await h.page.locator('#snippet').textContent()) ?? '', /requests\.post\(url, data=body/);
      await h.page.locator('#snippet-copy').click();
      await waitText(h.page, '#notice', 'Copied the Python snippet');
      assert.match(h.clipboard.at(-1) ?? '', new RegExp(`"Authorization": "Bearer ${secretKey}"`));
      assert.ok(!h.sent.some((m) => m.includes(secretKey)), 'the key never reaches the webview');
      await h.page.screenshot({ path: `${shots}/tester-snippet-dark.png`, fullPage: true });
    });

    test('any URL: 401 without a key, then Set key… (kept by the host) and it answers', async () => {
      await choose(h.page, 'target', 'Other URL');
      await h.page.locator('#custom-url input').fill(`${secured.url}/score`);
      await h.page.locator('#custom-model input').fill('fashion-mnist');
      await h.page.locator('#use-url').click();
      await waitText(h.page, '#target-meta', 'no key');
      const denied = await sendAndWait(h, '#send-image');
      assert.match(denied, /401/);
      assert.match(await text(h.page, '#error-box'), /credentials|key|token|Authorization/i);
      h.keyAnswer = secretKey;
      await h.page.locator('#set-key').click();
      await waitText(h.page, '#target-meta', 'key set');
      const status = await sendAndWait(h, '#send-image');
      assert.match(status, /200 OK/);
      assert.ok(!h.sent.some((m) => m.includes(secretKey)), 'the key never reaches the webview');
    });

    test('history lists every request with its request id and re-runs one', async () => {
      await h.flush();
      const items = h.page.locator('#history .history-item');
      const count = await items.count();
      assert.ok(count >= 8, `history has ${count} entries`);
      const firstText = await items.first().innerText();
      assert.match(firstText, /[0-9a-f]{8}-[0-9a-f]{4}-/);
      await items.first().locator('vscode-toolbar-button[title="Run again"]').click();
      await h.page.waitForFunction((n) => (globalThis as unknown as { document: { querySelectorAll(s: string): { length: number } } }).document.querySelectorAll('#history .history-item').length === n + 1, count);
      assert.match(await text(h.page, '#status-line'), /200 OK/);
      h.page.on('dialog', (d) => void d.dismiss());
    });

    test('load test: bounded, live chart, summary that copies', async () => {
      await choose(h.page, 'target', 'fashion');
      await tab(h.page, 'Image');
      await h.page.locator('#clear-images').click();
      h.pickNext.push([image('sandal.png')]);
      await h.page.locator('#pick-images').click();
      await h.page.locator('.thumb img').first().waitFor();
      await radio(h.page, 'encoding', 'Raw bytes');
      assert.match(await sendAndWait(h, '#send-image'), /200 OK/);
      await tab(h.page, 'Load test');
      await h.page.locator('#load-n input').fill('1500');
      await h.page.locator('#load-c input').fill('4');
      await h.page.locator('#load-d input').fill('20');
      await h.page.locator('#load-start').click();
      await waitText(h.page, '#load-summary', 'Throughput', 30_000);
      const summary = (await h.page.locator('#load-summary').textContent()) ?? '';
      // Bounded by count and by time: on a busy machine the time bound may end it first, and says so.
      const [, completed, started] = /(\d+) completed of (\d+) started, concurrency 4/.exec(summary) ?? [];
      const aborted = Number(/Aborted: +(\d+)/.exec(summary)?.[1] ?? 0);
      if (/stopped by the time limit/.test(summary)) {
        assert.equal(Number(completed) + aborted, Number(started), 'every started request either completed or was aborted at the limit');
        assert.ok(Number(started) <= 1500);
      } else {
        assert.equal(`${completed} of ${started}`, '1500 of 1500');
      }
      assert.match(summary, new RegExp(`Succeeded: +${completed} +Failed: 0`));
      assert.ok(h.sent.some((m) => m.includes('"loadtest/progress"')), 'progress streamed');
      assert.ok((await h.page.locator('#load-charts path.series.p99').count()) === 1);
      await h.page.locator('#load-copy').click();
      await h.flush();
      await new Promise((r) => setTimeout(r, 100));
      assert.match(h.clipboard.at(-1) ?? '', /^Load test of fashion/);
      await h.page.screenshot({ path: `${shots}/tester-loadtest-dark.png`, fullPage: true });
    });

    test('keyboard: Enter on the drop zone opens the picker, Ctrl+Enter sends', async () => {
      await tab(h.page, 'Image');
      await h.page.locator('#clear-images').click();
      h.pickNext.push([image('t-shirt-top.png')]);
      await h.page.locator('#drop-zone').focus();
      await h.page.keyboard.press('Enter');
      await h.page.locator('.thumb img').first().waitFor();
      const before = h.sent.filter((m) => m.includes('"request/finished"')).length;
      await h.page.keyboard.press('Control+Enter');
      await h.page.waitForFunction(() => true);
      const deadline = Date.now() + 15_000;
      while (h.sent.filter((m) => m.includes('"request/finished"')).length === before && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
      await h.flush();
      assert.deepEqual(await topLabels(h.page), ['T-shirt/top']);
    });

    test('invalid messages are ignored and logged on both sides', async () => {
      await h.page.evaluate(() => (globalThis as unknown as PageGlobals).__harness.postRaw({ type: 'request/send', input: { mode: 'json' } }));
      await h.page.evaluate(() => (globalThis as unknown as PageGlobals).__harness.postRaw({ type: 'shell/exec', command: 'rm -rf /' }));
      await h.page.evaluate(() => (globalThis as unknown as PageGlobals).__deliver(JSON.stringify({ type: 'target/info', info: { key: 1 } })));
      await new Promise((r) => setTimeout(r, 200));
      assert.equal(h.logs.filter((l) => l.startsWith('warn tester: ignored an invalid message')).length, 2);
      assert.ok(h.pageConsole.some((l) => l.includes('ignored an invalid message from the host: target/info')));
      assert.deepEqual(await cspViolations(h.page), []);
      assert.deepEqual(h.pageErrors, []);
    });

    test('keeps its state across a reload (getState/setState)', async () => {
      await tab(h.page, 'JSON');
      await h.page.locator('#json-body textarea').fill('{"data": [[1, 2, 3]]}');
      await new Promise((r) => setTimeout(r, 100));
      const again = await openHarness(browser, assets, { theme: 'dark', services, savedState: h.savedState(), store: h.store });
      try {
        await waitText(again.page, '#target-meta', '/score');
        const json = await again.page.locator('#json-body').evaluate((el) => (el as unknown as { value: string }).value);
        assert.equal(json, '{"data": [[1, 2, 3]]}');
        assert.ok((await again.page.locator('#history .history-item').count()) > 5, 'history is per workspace');
      } finally {
        await again.close();
      }
    });
  });

  describe('follows the workspace: services come and go, Refresh refreshes, a new result replaces the old', () => {
    let h: Harness;
    /** The workspace's services as the extension would list them; tests add and remove. */
    const listed: Array<Awaited<ReturnType<TesterServiceSource['list']>>[number]> = [];
    before(async () => {
      listed.push({ name: 'fashion', scoringUri: `${open.url}/score`, authMode: 'none', state: 'Healthy', models: ['fashion-mnist:1'] });
      h = await openHarness(browser, assets, { theme: 'dark', services: { ...services, list: async () => [...listed] } });
      await waitText(h.page, '#target-meta', `${open.url}/score`);
    });
    after(() => h.close());

    const options = async (): Promise<string[]> => (await h.page.locator('#target vscode-option').allTextContents()).map((t) => t.trim());

    test('Refresh lists a service deployed since the panel opened', async () => {
      listed.push({ name: 'fashion-new', scoringUri: `${secured.url}/score`, authMode: 'key', state: 'Healthy', models: ['fashion-mnist:1'] });
      assert.ok(!(await options()).some((o) => o.includes('fashion-new')));
      await h.page.locator('#refresh').click();
      await h.flush();
      await choose(h.page, 'target', 'fashion-new');
      await waitText(h.page, '#target-meta', `${secured.url}/score`);
    });

    test('a deleted service leaves the list at once (servicesChanged), with a notice; the panel moves to another target', async () => {
      listed.splice(listed.findIndex((s) => s.name === 'fashion-new'), 1);
      await h.controller.servicesChanged();
      await h.flush();
      await waitText(h.page, '#notice', 'fashion-new is not deployed any more');
      assert.ok(!(await options()).some((o) => o.includes('fashion-new')));
      await waitText(h.page, '#target-meta', `${open.url}/score`);
    });

    test('a failed send replaces the previous answer entirely: no old prediction, headers, body or snippet beside it', async () => {
      h.pickNext.push([image('sneaker.png')]);
      await h.page.locator('#pick-images').click();
      await h.page.locator('.thumb img').first().waitFor();
      assert.match(await sendAndWait(h, '#send-image'), /200 OK/);
      assert.deepEqual(await topLabels(h.page), ['Sneaker']);
      assert.equal(await h.page.locator('#snippet-note').isVisible(), false, 'no key, so no note about a masked key');
      await tab(h.page, 'JSON');
      await h.page.locator('#json-body textarea').fill('{"data": ');
      assert.match(await sendAndWait(h, '#send-json'), /Not sent/);
      assert.deepEqual(await topLabels(h.page), []);
      for (const hidden of ['#response vscode-collapsible[heading="Response headers"]', '#response vscode-collapsible[heading="Response body"]', '#snippet']) {
        assert.equal(await h.page.locator(hidden).isVisible(), false, `${hidden} is not shown beside the failure`);
      }
      await h.page.screenshot({ path: `${shots}/tester-failure-replaces.png`, fullPage: true });
    });
  });

  describe('opened by a command with images (modelport.service.test { service, images, send })', () => {
    /** Waits until the host has sent `count` answers in all. */
    async function answers(h: Harness, count: number): Promise<void> {
      const deadline = Date.now() + 20_000;
      while (h.sent.filter((m) => m.includes('"request/finished"') || m.includes('"request/failed"')).length < count) {
        if (Date.now() > deadline) throw new Error(`no answer ${count}: ${h.logs.join('\n')}`);
        await new Promise((r) => setTimeout(r, 25));
      }
      await h.flush();
    }

    test('a panel still loading gets the images once ready, shows them as picked and sends them', async () => {
      const h = await openHarness(browser, assets, {
        theme: 'dark',
        services,
        // As VS Code does on a new panel: the command runs before the webview said panel/ready.
        // The bytes as VS Code's workspace.fs.readFile gives them in the extension host: a Node Buffer.
        beforeLoad: (controller) =>
          controller.open({ service: 'fashion-secure' }, { images: [{ name: 'sneaker.png', mime: 'image/png', bytes: readFileSync(`${fashionDir}/images/sneaker.png`) }], send: true }),
      });
      try {
        await answers(h, 1);
        assert.match(await text(h.page, '#status-line'), /200 OK/);
        assert.deepEqual(await topLabels(h.page), ['Sneaker']);
        assert.deepEqual(await h.page.locator('.thumb .thumb-name').allInnerTexts(), ['sneaker.png']);
        assert.match(await text(h.page, '#target-meta'), new RegExp(`${secured.url}/score`));
        const outcome = h.controller.lastOutcome;
        assert.ok(outcome?.ok, JSON.stringify(outcome));
        assert.equal(outcome.result.status, 200);
        assert.equal(outcome.result.predictions?.[0]?.[0]?.label, 'Sneaker');
        // The order the webview saw: its state first, then the images, then the trigger; the key never.
        const types = h.sent.map((m) => (JSON.parse(m) as { type: string }).type);
        assert.ok(types.indexOf('state/init') < types.lastIndexOf('image/added'));
        assert.ok(types.lastIndexOf('image/added') < types.indexOf('request/trigger'));
        assert.ok(!h.sent.some((m) => m.includes(secretKey)), 'no key reaches the webview');
        assert.deepEqual(await cspViolations(h.page), []);
        assert.deepEqual(h.pageErrors, []);
      } finally {
        await h.close();
      }
    });

    test('a ready panel replaces its images, switches to the Image tab and sends like its Send button', async () => {
      const h = await openHarness(browser, assets, { theme: 'dark', services });
      try {
        await waitText(h.page, '#target-meta', '/score');
        // Picked as in VS Code, where the picker's bytes are Buffers too.
        h.pickNext.push([image('pullover.png'), { name: 'shirt.png', mime: 'image/png', bytes: readFileSync(`${fashionDir}/images/shirt.png`) }]);
        await h.page.locator('#pick-images').click();
        await h.page.waitForFunction(() => (globalThis as unknown as { document: { querySelectorAll(s: string): { length: number } } }).document.querySelectorAll('.thumb').length === 2);
        await tab(h.page, 'JSON');
        await h.controller.open({ service: 'fashion' }, { images: [image('bag.png')], send: true });
        await answers(h, 1);
        assert.deepEqual(await h.page.locator('.thumb .thumb-name').allInnerTexts(), ['bag.png'], 'the command replaces the images shown');
        assert.equal(await h.page.locator('vscode-tab-header', { hasText: 'Image' }).first().getAttribute('aria-selected'), 'true');
        assert.ok(await h.page.locator('#send-image').isVisible(), 'the Image tab shows');
        assert.match(await text(h.page, '#status-line'), /200 OK/);
        // Sent as the panel's Send would: the encoding the earlier batch of two switched to stays.
        assert.match(await text(h.page, '#status-line'), /'bag\.png' as base64 JSON/);
        assert.deepEqual(await topLabels(h.page), ['Bag']);
        await h.page.screenshot({ path: `${shots}/tester-preloaded-dark.png`, fullPage: true });

        // request/trigger without images: the Send of the current tab (here JSON, with its prefilled example).
        await tab(h.page, 'JSON');
        await h.controller.open(undefined, { send: true });
        await answers(h, 2);
        assert.match(await text(h.page, '#status-line'), /200 OK/);
        const last = h.controller.lastOutcome;
        assert.ok(last?.ok, JSON.stringify(last));
        assert.match(last.result.summary, /^JSON /);

        // A trigger naming a tab that cannot send is refused by the schema, and logged.
        await h.page.evaluate(() => (globalThis as unknown as PageGlobals).__deliver(JSON.stringify({ type: 'request/trigger', mode: 'load' })));
        await new Promise((r) => setTimeout(r, 200));
        assert.ok(h.pageConsole.some((l) => l.includes('ignored an invalid message from the host: request/trigger')));
        assert.deepEqual(h.pageErrors, []);
      } finally {
        await h.close();
      }
    });
  });

  describe('high-contrast themes', () => {
    test('every --vscode-* variable tester.css and @vscode-elements read is set, or left unset as VS Code does', () => {
      const read = new Set<string>();
      const scan = (dir: string): void => {
        for (const entry of readdirSync(dir, { withFileTypes: true })) {
          const p = join(dir, entry.name);
          if (entry.isDirectory()) scan(p);
          else if (/\.styles\.js$|^styles\.js$/.test(entry.name) || p.endsWith('tester.css')) for (const m of readFileSync(p, 'utf8').matchAll(/--vscode-[\w.-]+/g)) read.add(m[0]);
        }
      };
      scan('node_modules/@vscode-elements/elements/dist');
      scan('webview/tester');
      // Not theme colours: a component's own knob, and a misspelling inside vscode-elements.
      for (const v of ['--vscode-tabs-panel-padding', '--vscode-panel--background']) read.delete(v);
      assert.ok(read.size > 80, `${read.size} variables found`);
      for (const kind of ['hc-dark', 'hc-light'] as const) {
        const missing = [...read].filter((v) => !(v in themes[kind].vars) && !unsetInHighContrast[kind].includes(v));
        assert.deepEqual(missing, [], `${kind} forgets these`);
      }
    });

    for (const [theme, file] of [
      ['hc-dark', 'tester-hc-dark.png'],
      ['hc-light', 'tester-hc-light.png'],
    ] as const) {
      test(`${theme}: a scored image shows with contrast borders, focus outlines and text, not colour alone`, async () => {
        const h = await openHarness(browser, assets, { theme, services });
        try {
          const vars = themes[theme].vars;
          assert.ok(await h.page.locator(`body.vscode-high-contrast[data-vscode-theme-kind="${themes[theme].kind}"]`).count(), 'VS Code’s body classes');
          await scoreSneaker(h);
          const style = (selector: string, property: string): Promise<string> =>
            h.page.locator(selector).first().evaluate((el, p) => (globalThis as unknown as { getComputedStyle(e: unknown): { getPropertyValue(n: string): string } }).getComputedStyle(el).getPropertyValue(p), property);
          const rgb = (hex: string): string => `rgb(${[1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)).join(', ')})`;
          const border = rgb(vars['--vscode-contrastBorder'] ?? '');
          assert.equal(await style('#predictions .bar-track', 'stroke'), border, 'bar tracks outlined');
          assert.equal(await style('#predictions .bar-fill', 'stroke'), border, 'bar fills outlined');
          assert.equal(await style('#predictions .bar:not(.top) .bar-fill', 'opacity'), '1', 'no translucency');
          assert.equal(await style('#target-meta .pill', 'border-top-color'), border, 'chips outlined');
          assert.equal(await style('#predictions .prediction', 'border-top-color'), border);
          assert.equal(await style('vscode-collapsible', 'border-top-color'), border, 'section headers outlined');
          // A theme without button colours gets no Dark Modern blue: the button is the page's background, outlined.
          if (theme === 'hc-dark') assert.equal(await h.page.locator('#send-image').evaluate((el) => el.shadowRoot?.querySelector('.base') && (globalThis as unknown as { getComputedStyle(e: unknown): { backgroundColor: string } }).getComputedStyle(el.shadowRoot.querySelector('.base')).backgroundColor), 'rgba(0, 0, 0, 0)');
          // The status chip says it in words.
          assert.match(await text(h.page, '#status-line .pill.status'), /^200 OK$/);
          // Keyboard focus shows in focusBorder.
          await h.page.mouse.move(900, 980);
          await h.page.locator('#drop-zone').focus();
          await h.page.keyboard.press('Tab');
          assert.equal(await focused(h.page), '#pick-images');
          await h.page.locator('#drop-zone').focus();
          const outline = await style('#drop-zone', 'outline-color');
          assert.equal(outline, rgb(vars['--vscode-focusBorder'] ?? ''));
          await h.page.keyboard.press('Tab');
          await h.page.screenshot({ path: `${shots}/${file}`, fullPage: true });
          assert.deepEqual(await cspViolations(h.page), []);
          assert.deepEqual(h.pageErrors, []);
        } finally {
          await h.close();
        }
      });
    }
  });

  describe('accessibility', () => {
    test('every control has an accessible name, and the chart reads its predictions as text', async () => {
      const h = await openHarness(browser, assets, { theme: 'dark', services });
      try {
        await scoreSneaker(h);
        const image = await namedControls(h.page);
        for (const expected of [
          'combobox Target',
          'button Refresh services and examples',
          'tab Image',
          'tab JSON',
          'tab V2 tensor',
          'tab Load test',
          'button Add images: press Enter to choose files, or drop or paste images here',
          'button Choose images…',
          'button Remove sneaker.png',
          'button Send',
          'button Clear',
          'button Copy request id',
          'button Copy',
          'button Clear history',
        ]) {
          assert.ok(image.names.includes(expected), `${expected} is missing from ${image.names.join(' | ')}`);
        }
        for (const label of ['Raw bytes', 'Base64 JSON', 'V2 tensor', 'curl', 'Python requests', 'JavaScript fetch']) {
          assert.ok(image.names.some((n) => /^(radio|checkbox) /.test(n) && n.endsWith(` ${label}`)), `radio ${label}`);
        }
        // History actions name the request they act on, not just "Run again" three times over.
        assert.ok(image.names.some((n) => /^button Run again: 'sneaker\.png' as raw bytes$/.test(n)), image.names.join(' | '));
        assert.ok(image.names.some((n) => /^button Show log lines of request [0-9a-f-]{36}$/.test(n)));
        assert.ok(image.names.some((n) => /^button Remove 'sneaker\.png' as raw bytes from history$/.test(n)));
        // The chart: a list named by its summary, one item per bar with the full label and the percentage.
        const chart = image.nodes.find((n) => n.role === 'list' && /top 3 predictions/.test(n.name ?? ''));
        assert.ok(chart, 'the bar chart is exposed as a list');
        assert.match(chart.name ?? '', /^sneaker\.png: top 3 predictions, first Sneaker at 100\.0%$/);
        const items = ariaNodes(chart.children ?? []).filter((n) => n.role === 'listitem').map((n) => n.name);
        assert.equal(items.length, 3);
        assert.equal(items[0], 'Sneaker: 100.0%');
        for (const item of items) assert.match(item ?? '', /^[\w /-]+: \d+\.\d%$/);
        assert.ok(image.nodes.some((n) => n.role === 'region' && n.name === 'Code snippet'), 'the snippet is a named region');

        await tab(h.page, 'JSON');
        assert.ok((await namedControls(h.page)).names.includes('textbox JSON request body'));
        await tab(h.page, 'V2 tensor');
        assert.ok((await namedControls(h.page)).names.includes('textbox V2 inference request body'));
        await tab(h.page, 'Load test');
        const load = await namedControls(h.page);
        // Named by their visible vscode-label (which vscode-textfield prefers to aria-label).
        for (const name of ['Requests', 'Concurrency', 'Time limit (s)']) {
          assert.ok(load.names.some((n) => /^(spinbutton|textbox) /.test(n) && n.endsWith(` ${name}`)), `${name} in ${load.names.join(' | ')}`);
        }
        assert.ok(load.names.includes('button Start'));
        assert.ok(load.names.includes('button Stop'));
        await choose(h.page, 'target', 'Other URL');
        const custom = await namedControls(h.page);
        assert.ok(custom.names.some((n) => n === 'textbox Scoring URI'), custom.names.join(' | '));
        assert.ok(custom.names.some((n) => n === 'textbox V2 model name'));
        assert.ok(custom.names.includes('button Use this URL'));
        assert.deepEqual(h.pageErrors, []);
      } finally {
        await h.close();
      }
    });

    test('keyboard: Tab walks the panel top to bottom; Enter and Space work every control on the way', async () => {
      const h = await openHarness(browser, assets, { theme: 'dark', services });
      try {
        await scoreSneaker(h);
        await h.page.mouse.move(900, 990);
        // From the top, as when the view gets the focus: a click in the top-left corner sets where Tab starts.
        await h.page.mouse.click(2, 2);
        const order: string[] = [];
        for (let i = 0; i < 40; i++) {
          await h.page.keyboard.press('Tab');
          const at = await focused(h.page);
          if (at === order[0]) break;
          order.push(at);
        }
        const at = (stop: string): number => {
          const i = order.indexOf(stop);
          assert.ok(i >= 0, `Tab never reaches ${stop}: ${order.join(' → ')}`);
          return i;
        };
        const stops = ['#target', '#refresh', 'tab:Image', '#drop-zone', '#pick-images', '#send-image', '#clear-images', '#snippet-copy', '#snippet', '#history-clear'];
        const positions = stops.map(at);
        assert.deepEqual([...positions].sort((a, b) => a - b), positions, `a sensible order: ${order.join(' → ')}`);
        assert.equal(order[0], '#target', 'the target comes first');
        // One stop for the tab strip (arrows move inside it).
        assert.equal(order.filter((o) => o.startsWith('tab:')).length, 1, order.join(' → '));

        // Target: Enter opens the list, Escape closes it.
        await h.page.locator('#target').focus();
        await h.page.keyboard.press('Enter');
        await h.page.locator('#target li[role="option"]').first().waitFor();
        await h.page.keyboard.press('Escape');
        await h.page.locator('#target li[role="option"]').first().waitFor({ state: 'hidden' });

        // Tabs: arrows move, Enter / Space select.
        await h.page.locator('vscode-tab-header', { hasText: 'Image' }).focus();
        await h.page.keyboard.press('ArrowRight');
        assert.equal(await focused(h.page), 'tab:JSON');
        await h.page.keyboard.press('Enter');
        await h.page.locator('vscode-tab-header[aria-selected="true"]', { hasText: 'JSON' }).waitFor({ timeout: 5000 });
        assert.ok(await h.page.locator('#send-json').isVisible());
        await h.page.keyboard.press('ArrowLeft');
        assert.equal(await focused(h.page), 'tab:Image');
        await h.page.keyboard.press('Space');
        await h.page.locator('vscode-tab-header[aria-selected="true"]', { hasText: 'Image' }).waitFor({ timeout: 5000 });
        assert.ok(await h.page.locator('#send-image').isVisible());

        // Choose images…: Enter and Space each open the picker (the host gets image/pick).
        const picks = (): number => h.sent.filter((m) => m.includes('"image/added"')).length;
        await h.page.locator('#clear-images').click();
        for (const key of ['Enter', 'Space']) {
          const before = picks();
          h.pickNext.push([image('sneaker.png')]);
          await h.page.locator('#pick-images').focus();
          await h.page.keyboard.press(key);
          const deadline = Date.now() + 10_000;
          while (picks() === before && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
          assert.equal(picks(), before + 1, `${key} on Choose images…`);
        }
        await h.flush();
        await h.page.waitForFunction(() => (globalThis as unknown as { document: { querySelectorAll(s: string): { length: number } } }).document.querySelectorAll('.thumb').length === 2);

        // Send: Enter sends.
        const answers = (): number => h.sent.filter((m) => m.includes('"request/finished"')).length;
        const before = answers();
        await h.page.locator('#send-image').focus();
        await h.page.keyboard.press('Enter');
        const deadline = Date.now() + 15_000;
        while (answers() === before && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
        await h.flush();
        assert.equal(answers(), before + 1, 'Enter on Send sends');
        assert.match(await text(h.page, '#status-line'), /200 OK/);

        // Copy (the snippet): Space copies it with the real request.
        const copies = h.clipboard.length;
        await h.page.locator('#snippet-copy').focus();
        await h.page.keyboard.press('Space');
        await waitText(h.page, '#notice', 'Copied');
        assert.equal(h.clipboard.length, copies + 1);
        assert.match(h.clipboard.at(-1) ?? '', /curl -X POST/);
        assert.deepEqual(h.pageErrors, []);
      } finally {
        await h.close();
      }
    });
  });

  describe('light theme', () => {
    test('image result, history and a narrow side-panel layout', async () => {
      const h = await openHarness(browser, assets, { theme: 'light', services });
      try {
        await waitText(h.page, '#target-meta', '/score');
        h.pickNext.push([image('pullover.png'), image('shirt.png')]);
        await h.page.locator('#pick-images').click();
        await h.page.waitForFunction(() => (globalThis as unknown as { document: { querySelectorAll(s: string): { length: number } } }).document.querySelectorAll('.thumb').length === 2);
        const status = await sendAndWait(h, '#send-image');
        assert.match(status, /200 OK/);
        assert.equal((await topLabels(h.page))[0], 'Pullover');
        await h.page.screenshot({ path: `${shots}/tester-image-light.png`, fullPage: true });
        await h.page.setViewportSize({ width: 380, height: 900 });
        await h.page.screenshot({ path: `${shots}/tester-sidebar-light.png`, fullPage: true });
        assert.deepEqual(await cspViolations(h.page), []);
        assert.deepEqual(h.pageErrors, []);
      } finally {
        await h.close();
      }
    });
  });
});
