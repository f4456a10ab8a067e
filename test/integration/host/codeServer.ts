// Starts code-server on 127.0.0.1 and a free port with no auth, in a throw-away user-data folder, as the leader of
// its own process group: stop() ends it with everything it started (extension hosts, file watchers, the pty host).
import { spawn } from 'node:child_process';
import { mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

export interface RunningCodeServer {
  url: string;
  port: number;
  logFile: string;
  stop(): Promise<void>;
}

/** Settings for a quiet, offline workbench: no tips, no updates, no gallery, no trust prompt, no AI panel. */
const userSettings = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'security.workspace.trust.enabled': false,
  'git.enabled': false,
  'chat.disableAIFeatures': true,
  // The DOM renderer: headless Chromium has no GPU, and screenshots can then wait for a terminal's text.
  'terminal.integrated.gpuAcceleration': 'off',
};

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (!address || typeof address === 'string') throw new Error('no free port');
  return address.port;
}

async function healthy(url: string): Promise<boolean> {
  try {
    return (await fetch(`${url}/healthz`)).status === 200;
  } catch {
    return false;
  }
}

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * `runDir` holds the user data, extensions and log of this run. `env` reaches the extension host (code-server passes
 * its environment on), which is how suites learn where to put screenshots.
 */
export async function startCodeServer(codeServer: string, runDir: string, env: NodeJS.ProcessEnv): Promise<RunningCodeServer> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  mkdirSync(join(runDir, 'data', 'User'), { recursive: true });
  mkdirSync(join(runDir, 'extensions'), { recursive: true });
  writeFileSync(join(runDir, 'data', 'User', 'settings.json'), JSON.stringify(userSettings, null, 2));
  const logFile = join(runDir, 'code-server.log');
  const out = openSync(logFile, 'a');
  const args = [
    '--bind-addr', `127.0.0.1:${port}`,
    '--auth', 'none',
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    '--config', join(runDir, 'config.yaml'),
    '--user-data-dir', join(runDir, 'data'),
    '--extensions-dir', join(runDir, 'extensions'),
  ];
  // EXTENSIONS_GALLERY={} turns the Open VSX gallery off: no failing lookups on a machine without internet.
  const child = spawn(codeServer, args, { detached: true, stdio: ['ignore', out, out], env: { ...process.env, ...env, EXTENSIONS_GALLERY: '{}' } });
  const pgid = child.pid;
  if (pgid === undefined) throw new Error(`code-server did not start (log: ${logFile})`);
  let exited = false;
  child.on('exit', () => (exited = true));

  const stop = async (): Promise<void> => {
    if (!groupAlive(pgid)) return;
    process.kill(-pgid, 'SIGTERM');
    for (let i = 0; i < 50 && groupAlive(pgid); i++) await new Promise((r) => setTimeout(r, 100));
    if (groupAlive(pgid)) process.kill(-pgid, 'SIGKILL');
  };

  for (let i = 0; i < 300; i++) {
    if (await healthy(url)) return { url, port, logFile, stop };
    if (exited) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  await stop();
  throw new Error(`code-server did not answer on ${url}/healthz; its log:\n${readFileSync(logFile, 'utf8').split('\n').slice(-30).join('\n')}`);
}
