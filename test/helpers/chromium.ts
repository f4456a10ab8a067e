// Finds the Chromium that browser tests drive, and sets one up where this machine allows it. Order: the
// MODELPORT_CHROMIUM variable, then `chromium`, `chromium-browser`, `google-chrome`, `google-chrome-stable` on PATH.
// Where none is found, root with apt-get installs Debian's chromium (no test tool may download a browser of its
// own here); elsewhere the caller skips its suite with `missing`, one line saying what to install.
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';

export type ChromiumLookup = { path: string } | { missing: string };

/** Headless, and nothing that reaches for the network on its own (this machine's closed network refuses it). */
export const chromiumArgs = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

const names = ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable'];

function executable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export function findChromium(env: NodeJS.ProcessEnv = process.env): ChromiumLookup {
  const fromEnv = env.MODELPORT_CHROMIUM;
  if (fromEnv) return executable(fromEnv) ? { path: fromEnv } : { missing: `MODELPORT_CHROMIUM=${fromEnv} is not an executable file` };
  for (const dir of (env.PATH ?? '').split(delimiter).filter(Boolean)) {
    for (const name of names) if (executable(join(dir, name))) return { path: join(dir, name) };
  }
  return { missing: "no Chromium found: install Debian's chromium (apt-get install chromium) or set MODELPORT_CHROMIUM to a Chromium or Chrome binary" };
}

function canInstallWithApt(): boolean {
  return process.getuid?.() === 0 && existsSync('/usr/bin/apt-get');
}

function apt(args: string[]): boolean {
  return spawnSync('apt-get', args, { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } }).status === 0;
}

/**
 * Installs Debian packages as root with apt-get (refreshing the package lists once when an install fails: a fresh
 * machine has none). False when this machine cannot (not root, no apt-get) or the install failed.
 */
export function aptInstall(packages: string[], log: (line: string) => void): boolean {
  if (packages.length === 0) return true;
  if (!canInstallWithApt()) return false;
  log(`installing Debian packages: ${packages.join(' ')} (apt-get, a minute or two the first time)`);
  const args = ['install', '-y', '-qq', '--no-install-recommends', ...packages];
  return apt(args) || (apt(['update', '-qq']) && apt(args));
}

/** findChromium(), and where it finds none, Debian's chromium installed when this machine allows it. */
export function ensureChromium(log: (line: string) => void): ChromiumLookup {
  const found = findChromium();
  if ('path' in found || process.env.MODELPORT_CHROMIUM) return found;
  if (!canInstallWithApt()) return found;
  if (!aptInstall(['chromium'], log)) return { missing: "apt-get could not install Debian's chromium: install it (apt-get install chromium) or set MODELPORT_CHROMIUM" };
  return findChromium();
}
