// Runs the mocha suites inside code-server's real Node extension host, with headless Chromium holding the workbench.
//
// How: the web workbench reads a `payload` from its URL — extensionDevelopmentPath and extensionTestsPath, as when
// debugging an extension for the web — loads the extension from disk on the server, and calls the tests module's
// run() in the remote extension host. The workbench hands its log (which carries everything the extension host
// prints) to window.codeAutomationLog and the suites' end to window.codeAutomationExit(code) when the page has
// them: we expose both. Two markers in that log are ours (test/integration/suite): `__VSHOST_SCREENSHOT__ {file,
// waitFor}` asks for a PNG of the workbench once each waitFor selector is in some frame (webviews are nested
// iframes), and `__VSHOST_RESULT__ {passes, failures, pending}` is mocha's tally.
import { mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { format } from 'node:util';
import { chromium, type Page } from 'playwright-core';
import { chromiumArgs } from '../../helpers/chromium';

export interface SuiteRun {
  /** The suites' exit code: 0 all passed; 124 the run passed its bound. */
  code: number;
  tally?: { passes: number; failures: number; pending: number };
}

export interface DriveOptions {
  serverUrl: string;
  chromiumPath: string;
  extensionDir: string;
  testsEntry: string;
  folder: string;
  timeoutMs: number;
  /** Every workbench log line, not only the extension host's. */
  verbose?: boolean;
}

// Workbench chatter that says nothing about the suites.
const noise = /Ignoring fetching additional builtin extensions|^(Resolving|Resolved) connection token|^Creating a socket|ChatSessionStore|Updating additional builtin/;

/** vscode-remote URI of a path on the code-server machine (this one). */
export function remoteUri(serverUrl: string, path: string): string {
  return `vscode-remote://${new URL(serverUrl).host}${path}`;
}

export function workbenchUrl(serverUrl: string, folder: string, payload: Array<[string, string]>): string {
  return `${serverUrl}/?folder=${encodeURIComponent(folder)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
}

async function anyFrameHas(page: Page, selector: string): Promise<boolean> {
  for (const frame of page.frames()) {
    try {
      if (await frame.$(selector)) return true;
    } catch {
      // a frame that navigated away while we looked
    }
  }
  return false;
}

async function screenshot(page: Page, file: string, waitFor: string[]): Promise<void> {
  const missing = async (): Promise<string[]> => {
    const out: string[] = [];
    for (const selector of waitFor) if (!(await anyFrameHas(page, selector))) out.push(selector);
    return out;
  };
  for (let i = 0; i < 75 && (await missing()).length > 0; i++) await page.waitForTimeout(200);
  const still = await missing();
  if (still.length > 0) console.log(`screenshot: still missing after 15 s, taken anyway: ${still.join(' | ')}`);
  await page.waitForTimeout(500); // let the last layout settle
  await page.screenshot({ path: `${file}.tmp.png` });
  renameSync(`${file}.tmp.png`, file); // the suite waits for the file: it must appear whole
  console.log(`screenshot -> ${file}`);
}

export async function driveSuites(options: DriveOptions): Promise<SuiteRun> {
  const userDataDir = mkdtempSync(join(tmpdir(), 'modelport-workbench-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: options.chromiumPath,
    headless: true,
    args: chromiumArgs,
    viewport: { width: 1400, height: 900 },
  });
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    let tally: SuiteRun['tally'];
    let finish: (code: number) => void = () => undefined;
    const finished = new Promise<number>((resolve) => (finish = resolve));

    await page.exposeFunction('codeAutomationLog', async (_type: string, args: unknown) => {
      const line = format(...(Array.isArray(args) ? args : [args]));
      const shot = /__VSHOST_SCREENSHOT__ (\{.*\})/.exec(line);
      if (shot?.[1]) {
        const request = JSON.parse(shot[1]) as { file: string; waitFor?: string[] };
        try {
          await screenshot(page, request.file, request.waitFor ?? []);
        } catch (err) {
          console.log(`screenshot of ${request.file} failed: ${(err as Error).message}`);
        }
        return;
      }
      const result = /__VSHOST_RESULT__ (\{.*\})/.exec(line);
      if (result?.[1]) {
        tally = JSON.parse(result[1]) as SuiteRun['tally'];
        return;
      }
      if (options.verbose || !noise.test(line)) console.log(line);
    });
    await page.exposeFunction('codeAutomationExit', (code: number) => finish(code));
    if (options.verbose) {
      page.on('console', (m) => console.log(`[page] ${m.text()}`));
      page.on('pageerror', (e) => console.log(`[page error] ${e.message}`));
    }

    const payload: Array<[string, string]> = [
      ['extensionDevelopmentPath', remoteUri(options.serverUrl, options.extensionDir)],
      ['extensionTestsPath', remoteUri(options.serverUrl, options.testsEntry)],
    ];
    // Not 'load': every resource of the workbench can take minutes on a busy machine; the suites' end is what counts.
    await page.goto(workbenchUrl(options.serverUrl, options.folder, payload), { waitUntil: 'domcontentloaded', timeout: 120_000 });
    let timer: NodeJS.Timeout | undefined;
    const bound = new Promise<number>((resolve) => {
      timer = setTimeout(() => {
        console.log(`the suites did not end within ${Math.round(options.timeoutMs / 1000)} s (MODELPORT_EXTHOST_TIMEOUT_MS): stopping them`);
        resolve(124);
      }, options.timeoutMs);
    });
    const code = await Promise.race([finished, bound]);
    clearTimeout(timer);
    return { code, tally };
  } finally {
    await context.close().catch(() => undefined);
    rmSync(userDataDir, { recursive: true, force: true });
  }
}
