// Screenshots of the Explorer's context menu on an .onnx file with Modelport's entries, and on an image file
// with the endpoint tester's (explorer-image-menu.png beside OUT.png), in the real workbench.
// CHROMIUM=/path/to/chromium node explorerMenu.mjs SERVER_URL EXT_DIR WORKSPACE OUT.png   (run by scripts/integration.ts
// after the suites)
// The extension is loaded from EXT_DIR in development mode, as the test runner loads it.
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
const { chromium } = require(process.env.PLAYWRIGHT_CORE || 'playwright-core');
const [server, extDir, folder, out] = process.argv.slice(2);
const remote = (p) => `vscode-remote://${new URL(server).host}${p}`;
const chromiumPath = process.env.CHROMIUM;
if (!chromiumPath) throw new Error('CHROMIUM must name the browser binary (scripts/integration.ts finds one)');

const udd = mkdtempSync(join(tmpdir(), 'modelport-chrome-'));
const ctx = await chromium.launchPersistentContext(udd, {
  executablePath: chromiumPath,
  headless: true,
  viewport: { width: 1400, height: 900 },
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
});
try {
  const page = ctx.pages()[0] ?? (await ctx.newPage());
  const payload = [['extensionDevelopmentPath', remote(extDir)]];
  // 'load' waits for every resource of the workbench, which a busy machine can take minutes over; the status bar below says it is up.
  await page.goto(`${server}/?folder=${encodeURIComponent(folder)}&payload=${encodeURIComponent(JSON.stringify(payload))}`, { waitUntil: 'domcontentloaded', timeout: 120_000 });
  await page.waitForSelector('.monaco-workbench .part.statusbar', { timeout: 60_000 });
  const explorer = page.locator('.explorer-folders-view');
  await explorer.waitFor({ timeout: 30_000 });
  const folderRow = explorer.locator('.monaco-list-row', { hasText: 'fashion' }).first();
  await folderRow.click();
  const fileRow = explorer.locator('.monaco-list-row', { hasText: 'model.onnx' }).first();
  await fileRow.waitFor({ timeout: 15_000 });
  await page.waitForTimeout(1500); // contributions of the development extension are read by now
  await fileRow.click({ button: 'right' });
  await page.locator('.context-view .monaco-menu .action-label', { hasText: 'Deploy Model…' }).first().waitFor({ timeout: 15_000 });
  await page.waitForTimeout(300);
  await page.screenshot({ path: out });
  console.log(`screenshot -> ${out}`);

  // And on an image: the endpoint tester's entry.
  await page.keyboard.press('Escape');
  // The pointer still rests on model.onnx, whose path tooltip would take the next right-click: move it off, let it go.
  await page.mouse.move(900, 450);
  await page.locator('.context-view .hover-contents').waitFor({ state: 'hidden', timeout: 10_000 }).catch(() => undefined);
  const imageRow = explorer.locator('.monaco-list-row', { hasText: 'sneaker.png' }).first();
  await imageRow.waitFor({ timeout: 15_000 });
  await imageRow.click({ button: 'right' });
  await page.locator('.context-view .monaco-menu .action-label', { hasText: 'Test Endpoint with This Image…' }).first().waitFor({ timeout: 15_000 });
  await page.waitForTimeout(300);
  const imageOut = join(dirname(out), 'explorer-image-menu.png');
  await page.screenshot({ path: imageOut });
  console.log(`screenshot -> ${imageOut}`);
} finally {
  await ctx.close();
  rmSync(udd, { recursive: true, force: true });
}
