// Shared by the integration suites: the extension's test API, screenshots of the real workbench, waiting.
import { existsSync, mkdirSync, statSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { ModelportApi } from '../../../src/extension';
import type { WorkspaceNode } from '../../../src/vscode/tree/workspaceNodes';

export async function activateModelport(): Promise<ModelportApi> {
  const ext = vscode.extensions.getExtension<ModelportApi | undefined>('modelport.modelport');
  if (ext === undefined) throw new Error('the Modelport extension is not loaded');
  const api = await ext.activate();
  if (api === undefined) throw new Error('Modelport failed to activate: see its log');
  return api;
}

export function projectDir(): string {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (folder === undefined) throw new Error('no workspace folder is open');
  return folder.uri.fsPath;
}

export function shotDir(): string {
  const dir = process.env.MODELPORT_SHOT_DIR ?? process.env.VSHOST_SHOT_DIR ?? join(projectDir(), '..', 'screenshots');
  mkdirSync(dir, { recursive: true });
  return dir;
}

/**
 * Asks the runner that holds the workbench (test/integration/host/driveSuites.ts: it watches the workbench log) for
 * a PNG of the real workbench and waits for the file. `waitFor` selectors must be found in some frame first.
 */
export async function screenshot(name: string, waitFor: string[] = [], timeoutMs = 30_000): Promise<string> {
  const file = join(shotDir(), name);
  if (existsSync(file)) unlinkSync(file);
  console.log(`__VSHOST_SCREENSHOT__ ${JSON.stringify({ file, waitFor })}`);
  for (const end = Date.now() + timeoutMs; Date.now() < end; await sleep(200)) {
    if (existsSync(file) && statSync(file).size > 0) return file;
  }
  throw new Error(`no screenshot at ${file} (is this running under npm run test:integration's runner?)`);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** The promise's value, or a rejection naming what did not happen within `ms` (the timer is cleared either way). */
export async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} did not happen within ${ms / 1000} s`)), ms)));
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}

export async function waitUntil<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(250);
  }
}

/** The tree as text lines (label — description), depth-first, the way a reader sees it. */
export async function treeLines(api: ModelportApi): Promise<string[]> {
  const lines: string[] = [];
  const walk = async (node: WorkspaceNode | undefined, depth: number): Promise<void> => {
    for (const child of await api.tree.children(node)) {
      lines.push(`${'  '.repeat(depth)}${child.kind}:${child.id}`);
      await walk(child, depth + 1);
    }
  };
  await walk(undefined, 0);
  return lines;
}

export async function findNode(api: ModelportApi, id: string): Promise<WorkspaceNode | undefined> {
  const walk = async (node: WorkspaceNode | undefined): Promise<WorkspaceNode | undefined> => {
    for (const child of await api.tree.children(node)) {
      if (child.id === id) return child;
      const found = await walk(child);
      if (found) return found;
    }
    return undefined;
  };
  return walk(undefined);
}
