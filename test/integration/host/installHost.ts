// Installs the VS Code host the in-editor suites run in: code-server (VS Code's server build) from the npm
// registry, into a cache folder outside the repository that later runs reuse
// (~/.cache/modelport/vscode-host/<version>; MODELPORT_VSCODE_HOST_CACHE moves it).
//
// What it takes on a machine that reaches only the npm registry and Debian's packages:
// - code-server's postinstall runs `npm install` inside its VS Code build, which compiles native modules (node-pty,
//   spdlog, kerberos, …) with node-gyp: C++ tools, python3, and gssapi.h (libkrb5-dev) for kerberos. node-pty's
//   script calls `npx node-gyp`, which waits for a yes unless npm_config_yes is set.
// - @vscode/ripgrep's postinstall downloads ripgrep from GitHub unless its download cache
//   (<tmpdir>/vscode-ripgrep-cache-<package version>/ripgrep-<tag>-<target>.tar.gz) already holds it: we put Debian's
//   rg there, so the install runs with TMPDIR inside the cache folder.
// - code-server 4.100.3 runs on Node 20 (newer ones need Node 22).
// The install runs in two steps — fetch without scripts, seed ripgrep, then `npm rebuild` — and writes
// installed.json last, so an interrupted install is redone rather than reused.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { aptInstall } from '../../helpers/chromium';

/** VS Code 1.100.3, the last code-server whose package runs on Node 20. */
export const codeServerVersion = '4.100.3';

/** Installed; or `missing`: this machine lacks something (one line: what to install); or `failed`: the install broke. */
export type HostInstall = { codeServer: string; dir: string } | { missing: string } | { failed: string };

type Log = (line: string) => void;

export function hostCacheDir(version = codeServerVersion, env: NodeJS.ProcessEnv = process.env): string {
  const base = env.MODELPORT_VSCODE_HOST_CACHE ?? join(env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'modelport', 'vscode-host');
  return join(base, version);
}

function onPath(command: string): boolean {
  return (process.env.PATH ?? '').split(':').some((dir) => dir !== '' && existsSync(join(dir, command)));
}

/** The Debian packages the build needs that this machine lacks. */
function missingPackages(): string[] {
  const need: string[] = [];
  if (!onPath('rg')) need.push('ripgrep');
  if (!onPath('g++')) need.push('g++');
  if (!onPath('make')) need.push('make');
  if (!onPath('python3')) need.push('python3');
  if (!existsSync('/usr/include/gssapi/gssapi.h')) need.push('libkrb5-dev');
  return need;
}

function run(command: string, args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv; logFile: string }): boolean {
  const r = spawnSync(command, args, { cwd: options.cwd, env: options.env ?? process.env, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  writeFileSync(options.logFile, `$ ${command} ${args.join(' ')}\n${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? String(r.error) : ''}\n`, { flag: 'a' });
  return r.status === 0;
}

function tail(file: string, lines = 30): string {
  return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
}

/** Puts Debian's rg where @vscode/ripgrep's postinstall looks for its download. */
function seedRipgrep(pkgDir: string, tmp: string, logFile: string, log: Log): string | undefined {
  const shrinkwrap = JSON.parse(readFileSync(join(pkgDir, 'node_modules', 'code-server', 'lib', 'vscode', 'npm-shrinkwrap.json'), 'utf8')) as {
    packages: Record<string, { version?: string } | undefined>;
  };
  const version = shrinkwrap.packages['node_modules/@vscode/ripgrep']?.version;
  if (!version) return 'code-server pins no @vscode/ripgrep: this installer does not know this code-server';
  // The release tag that version downloads is a constant in its postinstall script.
  const packDir = mkdtempSync(join(tmp, 'ripgrep-pack-'));
  if (!run('npm', ['pack', `@vscode/ripgrep@${version}`, '--silent'], { cwd: packDir, logFile })) return `npm pack @vscode/ripgrep@${version} failed (log: ${logFile})`;
  const tarball = readdirSync(packDir).find((f) => f.endsWith('.tgz'));
  if (!tarball || !run('tar', ['xzf', tarball, 'package/lib/postinstall.js'], { cwd: packDir, logFile })) return `could not read @vscode/ripgrep@${version}'s postinstall script`;
  const tag = /^const VERSION = '([^']+)';/m.exec(readFileSync(join(packDir, 'package', 'lib', 'postinstall.js'), 'utf8'))?.[1];
  rmSync(packDir, { recursive: true, force: true });
  if (!tag) return `no ripgrep release tag in @vscode/ripgrep@${version}'s postinstall script`;
  const cache = join(tmp, `vscode-ripgrep-cache-${version}`);
  const rgDir = join(tmp, 'rg-seed');
  mkdirSync(cache, { recursive: true });
  mkdirSync(rgDir, { recursive: true });
  const rg = (process.env.PATH ?? '').split(':').map((d) => join(d, 'rg')).find((f) => existsSync(f));
  if (!rg) return 'ripgrep (rg) is not on PATH';
  writeFileSync(join(rgDir, 'rg'), readFileSync(rg), { mode: 0o755 });
  if (!run('tar', ['czf', join(cache, `ripgrep-${tag}-x86_64-unknown-linux-musl.tar.gz`), '-C', rgDir, 'rg'], { cwd: tmp, logFile })) return 'could not pack the ripgrep seed';
  log(`seeded @vscode/ripgrep ${version} (${tag}) with ${rg}`);
  return undefined;
}

function installedVersion(dir: string): string | undefined {
  try {
    return (JSON.parse(readFileSync(join(dir, 'installed.json'), 'utf8')) as { version?: string }).version;
  } catch {
    return undefined;
  }
}

/**
 * The installed host, installing it first when the cache has none.
 */
export function ensureVsCodeHost(log: Log, version = codeServerVersion): HostInstall {
  const dir = hostCacheDir(version);
  const pkgDir = join(dir, 'pkg');
  const codeServer = join(pkgDir, 'node_modules', '.bin', 'code-server');
  if (installedVersion(dir) === version && existsSync(codeServer)) return { codeServer, dir };

  const major = Number(process.versions.node.split('.')[0]);
  if (major !== 20) return { missing: `code-server ${version} (VS Code 1.100.3) runs on Node 20; this is Node ${process.versions.node}: run the in-editor suites with Node 20` };
  if (process.platform !== 'linux') return { missing: `this installer builds code-server on Linux; on ${process.platform} run the suites with @vscode/test-electron (npx tsx test/integration/runTest.ts)` };
  if (process.arch !== 'x64') return { missing: `this installer seeds ripgrep for x64 Linux; on ${process.arch} run the suites with @vscode/test-electron (npx tsx test/integration/runTest.ts)` };
  const need = missingPackages();
  if (need.length > 0 && !aptInstall(need, log)) {
    return { missing: `the VS Code host build needs ${need.join(', ')}: install them (apt-get install ${need.join(' ')}) and run again` };
  }

  const started = Date.now();
  log(`installing code-server ${version} (VS Code 1.100.3) from the npm registry into ${dir}: a few minutes the first time, reused after`);
  rmSync(dir, { recursive: true, force: true });
  const tmp = join(dir, 'tmp');
  mkdirSync(pkgDir, { recursive: true });
  mkdirSync(tmp, { recursive: true });
  const logFile = join(dir, 'install.log');
  writeFileSync(join(pkgDir, 'package.json'), JSON.stringify({ name: 'modelport-vscode-host', private: true }, null, 2));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    TMPDIR: tmp, // where @vscode/ripgrep looks for its seeded download, and node-gyp's scratch files
    npm_config_yes: 'true', // node-pty's install runs `npx node-gyp`
    npm_config_unsafe_perm: 'true', // code-server's postinstall.sh refuses to run as root without it
    npm_config_fund: 'false',
    npm_config_audit: 'false',
    npm_config_update_notifier: 'false',
  };
  log('1/3 fetching code-server and its dependencies (scripts not run yet)');
  if (!run('npm', ['install', '--no-save', '--ignore-scripts', '--no-progress', `code-server@${version}`], { cwd: pkgDir, env, logFile })) {
    return { failed: `npm install code-server@${version} failed:\n${tail(logFile)}` };
  }
  log('2/3 seeding ripgrep from Debian');
  const seedProblem = seedRipgrep(pkgDir, tmp, logFile, log);
  if (seedProblem) return { failed: seedProblem };
  log(`3/3 building native modules (node-gyp; one to three minutes on 2 cores; log: ${logFile})`);
  if (!run('npm', ['rebuild', '--foreground-scripts'], { cwd: pkgDir, env, logFile })) {
    return { failed: `building code-server's native modules failed:\n${tail(logFile)}` };
  }
  // It may say first that it wrote a default config file (into HOME: kept inside tmp, removed below).
  const check = spawnSync(codeServer, ['--version'], { encoding: 'utf8', env: { ...env, HOME: tmp } });
  if (!(check.stdout ?? '').split('\n').some((line) => line.startsWith(`${version} `))) {
    return { failed: `code-server --version answered ${JSON.stringify(check.stdout?.trim() || check.stderr)}, not ${version}` };
  }
  rmSync(tmp, { recursive: true, force: true });
  writeFileSync(join(dir, 'installed.json'), JSON.stringify({ version, at: new Date().toISOString(), seconds: Math.round((Date.now() - started) / 1000) }, null, 2));
  log(`code-server ${version} installed in ${Math.round((Date.now() - started) / 1000)} s`);
  return { codeServer, dir };
}
