// GET /docs in real headless Chromium: the service's own interactive API page (packaged Swagger UI, nothing from a
// CDN, a CSP that allows only the service's origin) renders the generated OpenAPI document; Authorize takes the
// service's key, and Try it out → Execute scores the documented example with 200. Without the key: 401.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startService, type RunningService } from '../helpers/startService';
import { chromiumArgs, findChromium } from '../helpers/chromium';

const key = 'docs-e2e-key-5c1e';
const shots = 'test-results/screenshots';

// The browser: MODELPORT_CHROMIUM or one on PATH; none: skip, saying what to install.
const chromiumLookup = findChromium();

describe('the interactive API page (GET /docs)', { timeout: 120_000, skip: 'missing' in chromiumLookup ? chromiumLookup.missing : false }, () => {
  let svc: RunningService;
  let browser: Browser;
  let page: Page;
  const outside: string[] = [];
  const violations: string[] = [];

  before(async () => {
    mkdirSync(shots, { recursive: true });
    svc = await startService({ model: ['samples/iris'] }, { MODELPORT_AUTH_MODE: 'key', MODELPORT_PRIMARY_KEY: key, SERVICE_NAME: 'iris-svc' });
    if (!('path' in chromiumLookup)) throw new Error(chromiumLookup.missing);
    browser = await chromium.launch({ executablePath: chromiumLookup.path, args: chromiumArgs });
    page = await browser.newPage({ viewport: { width: 1100, height: 1400 } });
    page.on('request', (r) => {
      if (!r.url().startsWith(svc.url) && !r.url().startsWith('data:')) outside.push(r.url());
    });
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) violations.push(m.text());
    });
  });
  after(async () => {
    await browser?.close();
    await svc?.close();
  });

  test('renders the service\'s operations from its own origin only, under its CSP', async () => {
    const res = await page.goto(`${svc.url}/docs`);
    assert.equal(res?.status(), 200);
    assert.match(res?.headers()['content-security-policy'] ?? '', /default-src 'none'; script-src 'self'/);
    await page.locator('.opblock-summary-path', { hasText: '/score' }).first().waitFor({ timeout: 30_000 });
    assert.match(await page.title(), /iris-svc · API/);
    assert.deepEqual(outside, [], 'nothing is fetched from anywhere but the service');
    assert.deepEqual(violations, []);
  });

  test('Authorize with the key, then Try it out → Execute on POST /score answers 200 with predictions', async () => {
    await page.locator('button.authorize').first().click();
    await page.locator('.modal-ux input[type="text"], .modal-ux input[type="password"]').first().fill(key);
    await page.locator('.modal-ux button.authorize').click();
    await page.locator('.modal-ux button.close-modal').click();
    const post = page.locator('.opblock-post', { has: page.locator('.opblock-summary-path', { hasText: /^\/score$/ }) }).first();
    await post.locator('.opblock-summary').click();
    // The page opens with "Try it out" on (tryItOutEnabled): Execute is there at once.
    await post.locator('button.execute').click();
    const status = post.locator('.live-responses-table tr.response .response-col_status').first();
    await status.waitFor({ timeout: 30_000 });
    assert.equal((await status.innerText()).trim(), '200');
    const body = await post.locator('.responses-table.live-responses-table .microlight').first().innerText();
    assert.match(body, /"predictions"/);
    await page.screenshot({ path: `${shots}/api-docs-try-it-out.png`, fullPage: false });
  });

  test('without the key, the same request is refused with 401', async () => {
    const res = await fetch(`${svc.url}/score`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ data: [[5.1, 3.5, 1.4, 0.2]] }) });
    assert.equal(res.status, 401);
    await res.arrayBuffer();
  });
});
