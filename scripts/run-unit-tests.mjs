// Runs every *.test.ts under test/unit and test/http with Node's built-in runner (TypeScript through tsx), or the
// files given as arguments.
//
// A failing test must never hang the run. Two backstops:
// - `--test-force-exit`: each test file's process exits once its tests are done, even when a failed hook left a
//   server or a browser open;
// - a watchdog here: the runner's processes form one process group; when the run passes its bound
//   (MODELPORT_TEST_BOUND_MS, 45 minutes by default) the group is killed, and whatever is still in the group
//   after the run ends is killed too. Each says why. Processes a test starts detached on purpose (service hosts)
//   have their own group and are the tests' to stop.
//
// Before suites that build service images, scripts/layer-cache.ts makes sure the engine keeps the images' dependency
// layers (`npm ci`, Debian's python3) for the whole run (test/helpers/layerCache.ts says why); where it has them
// already, that takes a second.
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { clearTimeout, setTimeout } from 'node:timers';

function collect(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return collect(p);
    return p.endsWith('.test.ts') ? [p] : [];
  });
}

const only = process.argv.slice(2);
const files = only.length > 0 ? only : ['test/unit', 'test/http'].flatMap(collect).sort();
const boundMs = Number(process.env.MODELPORT_TEST_BOUND_MS || 45 * 60_000);

// pip asks an index it cannot reach five more times, with a growing back-off (about 7 s per package), before it
// settles for the indexes it can reach. Where the default index is unreachable (this machine has only a local one),
// every package a test environment installs or downloads paid that; one immediate retry still covers a flaky network.
const env = { ...process.env, PIP_RETRIES: process.env.PIP_RETRIES ?? '1' };

const buildsImages = /(^|\/)(docker|aci|kubernetes|pythonDeploy)\.test\.ts$/;
if (process.env.DOCKER_HOST && files.some((f) => buildsImages.test(f))) {
  spawnSync(process.execPath, ['--import', 'tsx', 'scripts/layer-cache.ts'], { stdio: 'inherit', env, timeout: 25 * 60_000 });
}

const child = spawn(process.execPath, ['--import', 'tsx', '--test', '--test-force-exit', '--test-concurrency=2', ...files], {
  env,
  stdio: 'inherit',
  detached: true, // its own process group, so that everything it starts can be ended with one kill
});

/** Signals the test process group; false when no process of it is left. */
function signalGroup(signal) {
  try {
    process.kill(-child.pid, signal);
    return true;
  } catch {
    return false;
  }
}

let timedOut = false;
const bound = setTimeout(() => {
  timedOut = true;
  console.error(`run-unit-tests: the run passed its bound of ${Math.round(boundMs / 1000)} s (MODELPORT_TEST_BOUND_MS): killing its processes`);
  signalGroup('SIGKILL');
}, boundMs);

// The group does not get the terminal's Ctrl+C (it is not the foreground group): pass it on.
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => signalGroup(signal));

/** The live processes of the test group, as "pid command" (Linux /proc; zombies waiting to be reaped do not count). */
function groupMembers() {
  const members = [];
  for (const pid of existsSync('/proc') ? readdirSync('/proc').filter((n) => /^\d+$/.test(n)) : []) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // state, ppid, pgrp, …
      if (Number(fields[2]) === child.pid && fields[0] !== 'Z') members.push(`${pid} ${readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ').trim()}`);
    } catch {
      // the process ended while we looked
    }
  }
  return members;
}

child.on('exit', async (code, signal) => {
  clearTimeout(bound);
  // Processes of the group that are still exiting get a moment; what is left after it is killed, by name.
  for (let i = 0; i < 30 && groupMembers().length > 0; i++) await new Promise((r) => setTimeout(r, 100));
  const left = groupMembers();
  if (left.length > 0) {
    console.error(`run-unit-tests: ${left.length} process(es) the tests started outlived the run; killing them:\n  ${left.join('\n  ')}`);
    signalGroup('SIGKILL');
  }
  if (timedOut) process.exit(124);
  process.exit(code ?? (signal ? 128 : 1));
});
