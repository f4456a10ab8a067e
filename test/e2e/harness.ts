// A browser harness for the tester panel: serves the real bundle (dist/webview) inside the real HTML shell
// and CSP (testerHtml) from a loopback server, gives the page a fake `acquireVsCodeApi`, and plays the
// extension host's side FOR REAL: the page's messages reach the real TesterController in this Node process
// (through playwright's exposeFunction), which calls real scoring services over loopback HTTP.
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { extname, join, normalize } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { memoryStore } from '../../src/core/client/history';
import type { ImageInput } from '../../src/core/client/request';
import { imagesToTensor } from '../../src/core/preprocess/imageTensor';
import type { HostMessage } from '../../src/protocol/tester';
import { TesterController } from '../../src/vscode/webviews/testerController';
import type { TesterServiceSource } from '../../src/vscode/webviews/testerHostEnv';
import { testerHtml } from '../../src/vscode/webviews/testerHtml';
import { themes, type ThemeKind } from './themes';

export { chromiumArgs } from '../helpers/chromium';

const root = process.cwd();
const contentTypes: Record<string, string> = { '.js': 'text/javascript', '.css': 'text/css', '.ttf': 'font/ttf', '.map': 'application/json' };

export interface AssetServer {
  origin: string;
  close(): Promise<void>;
}

/** Serves the panel's HTML at / and dist/webview/** beside it, on a random loopback port. */
export async function startAssetServer(): Promise<AssetServer> {
  let origin = '';
  const server: Server = createServer((req, res) => {
    void (async () => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      if (path === '/') {
        const html = testerHtml({
          cspSource: origin,
          scriptUri: `${origin}/dist/webview/tester.js`,
          styleUri: `${origin}/dist/webview/tester.css`,
          codiconsUri: `${origin}/dist/webview/codicons/codicon.css`,
        });
        res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end(html);
        return;
      }
      const file = normalize(join(root, path));
      if (!file.startsWith(join(root, 'dist', 'webview'))) {
        res.writeHead(404).end();
        return;
      }
      try {
        const body = await readFile(file);
        res.writeHead(200, { 'Content-Type': contentTypes[extname(file)] ?? 'application/octet-stream' }).end(body);
      } catch {
        res.writeHead(404).end();
      }
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('no address');
  origin = `http://127.0.0.1:${address.port}`;
  return { origin, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

type Encoded = string;

/** What harnessPage.js puts on the page's window. */
export interface PageGlobals {
  __deliver(json: string): void;
  __cspViolations: string[];
  __harness: {
    drop(selector: string, files: Array<{ name: string; type: string; base64: string }>): void;
    paste(files: Array<{ name: string; type: string; base64: string }>): void;
    postRaw(message: unknown): void;
  };
}

function encode(message: unknown): Encoded {
  return JSON.stringify(message, (_k, v: unknown) => (v instanceof Uint8Array ? { __bytes: Buffer.from(v).toString('base64') } : v));
}

function decode(json: Encoded): unknown {
  return JSON.parse(json, (_k, v: unknown) =>
    v && typeof v === 'object' && typeof (v as { __bytes?: unknown }).__bytes === 'string' ? new Uint8Array(Buffer.from((v as { __bytes: string }).__bytes, 'base64')) : v,
  );
}

export interface HarnessOptions {
  theme: ThemeKind;
  services: TesterServiceSource;
  viewport?: { width: number; height: number };
  /** What getState returns at start (as VS Code keeps it across reloads). */
  savedState?: unknown;
  /** Shared workspace storage, so a second page sees the first one's history. */
  store?: ReturnType<typeof memoryStore>;
  /** Runs before the page loads: what a command does to a panel that is still starting. */
  beforeLoad?: (controller: TesterController) => Promise<void>;
}

export interface Harness {
  page: Page;
  /** The real host side, for what VS Code commands do to it (open on a target, with images). */
  controller: TesterController;
  context: BrowserContext;
  /** Every message the host sent the webview, as JSON (to prove no key went there). */
  sent: string[];
  clipboard: string[];
  logs: string[];
  pageConsole: string[];
  pageErrors: string[];
  /** The last setState of the page. */
  savedState(): unknown;
  /** Images the next "Choose images…" returns. */
  pickNext: ImageInput[][];
  /** What the key prompt answers. */
  keyAnswer: string | undefined;
  store: ReturnType<typeof memoryStore>;
  /** Resolves when every message posted so far has been delivered to the page. */
  flush(): Promise<void>;
  close(): Promise<void>;
}

export async function openHarness(browser: Browser, server: AssetServer, o: HarnessOptions): Promise<Harness> {
  const context = await browser.newContext({ viewport: o.viewport ?? { width: 960, height: 1000 }, deviceScaleFactor: 1 });
  const page = await context.newPage();
  const store = o.store ?? memoryStore();
  let saved: unknown = o.savedState;
  let delivery: Promise<unknown> = Promise.resolve();
  const secrets = new Map<string, string>();
  const h: Harness = {
    page,
    get controller(): TesterController {
      return controller;
    },
    context,
    sent: [],
    clipboard: [],
    logs: [],
    pageConsole: [],
    pageErrors: [],
    savedState: () => saved,
    pickNext: [],
    keyAnswer: undefined,
    store,
    flush: () => delivery.then(() => undefined),
    close: () => context.close(),
  };
  const controller = new TesterController(o.services, {
    post: (message: HostMessage) => {
      const json = encode(message);
      h.sent.push(json);
      delivery = delivery.then(() => page.evaluate((m) => (globalThis as unknown as PageGlobals).__deliver(m), json)).catch(() => undefined);
      return delivery;
    },
    secrets: {
      get: async (k) => secrets.get(k),
      store: async (k, v) => void secrets.set(k, v),
      delete: async (k) => void secrets.delete(k),
    },
    state: store,
    writeClipboard: async (text) => void h.clipboard.push(text),
    pickImages: async () => h.pickNext.shift() ?? [],
    promptKey: async () => h.keyAnswer,
    imagesToTensor,
    log: {
      info: (m) => h.logs.push(`info ${m}`),
      warn: (m) => h.logs.push(`warn ${m}`),
      error: (m) => h.logs.push(`error ${m}`),
    },
  });
  page.on('console', (m) => h.pageConsole.push(`${m.type()} ${m.text()}`));
  page.on('pageerror', (e) => h.pageErrors.push(`${e.message}\n${e.stack ?? ''}`));
  page.on('close', () => controller.dispose());
  await page.exposeFunction('__hostReceive', (json: string) => void controller.handle(decode(json)));
  await page.exposeFunction('__harnessSetState', (json: string) => {
    saved = JSON.parse(json) as unknown;
  });
  // The page side is plain JavaScript (harnessPage.js): the root tsconfig has no DOM types.
  await page.addInitScript({ content: `window.__harnessConfig = ${JSON.stringify({ theme: themes[o.theme], state: o.savedState ?? null })};` });
  await page.addInitScript({ path: join(root, 'test', 'e2e', 'harnessPage.js') });
  if (o.beforeLoad) {
    await o.beforeLoad(controller);
    await delivery; // what it posted went nowhere: the panel is not loaded yet
  }
  await page.goto(server.origin);
  return h;
}
