// The event-loop watchdog: a run() that never returns blocks Node's event loop, so the scoring timeout never
// fires; the watchdog kills the process instead (as gunicorn's worker timeout does) and the local service host
// starts a new instance. A healthy busy service is never killed.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ModelRegistry } from '../../src/core/registry/modelRegistry';
import type { ServiceManager } from '../../src/core/services/serviceManager';
import { generationTag } from '../../src/core/services/logLine';
import type { ServiceState } from '../../src/core/services/types';
import { defaultWatchdogMs, resolveServeOptions } from '../../src/server/options';
import { startupWatchdogMs } from '../../src/server/runtime/eventLoopWatchdog';
import { json } from '../helpers/startService';
import { spawnServe } from '../helpers/spawnServe';
import { serviceManager } from '../helpers/serviceManager';

const spins = resolve('test/fixtures/entry-scripts/spins.js');
const spinsOnRequest = resolve('test/fixtures/entry-scripts/spinsOnRequest.js');
const watchdogModule = resolve('src/server/runtime/eventLoopWatchdog.ts');
const killedLine = (timeoutMs: number, culprit: string): RegExp =>
  new RegExp(
    `^\\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z ERROR The event loop has been blocked for (\\d+) ms \\(scoring timeout ${timeoutMs} ms\\): ${culprit}\\. Exiting so the service can be restarted\\.$`,
    'm',
  );
const entryScriptCulprit = "an entry script's run\\(\\) or init\\(\\) is not returning";

function score(scoringUri: string, body: unknown): Promise<Response> {
  return fetch(scoringUri, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

interface ChildResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs a small program against the watchdog module in its own Node process (TypeScript through tsx). Busy
 * loops in these programs are bounded (5 s), so a watchdog that failed to fire ends the child anyway.
 */
function runWithWatchdog(program: string, nodeArgs: string[] = []): Promise<ChildResult> {
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', '--eval', program], {
    env: { ...process.env, WATCHDOG_MODULE: watchdogModule },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  return new Promise((r) => child.once('close', (code, signal) => r({ code, signal, stdout, stderr })));
}

const prelude = `
const { EventLoopWatchdog } = require(process.env.WATCHDOG_MODULE);
const spin = (ms) => { const end = Date.now() + ms; while (Date.now() < end) {} };
`;

describe('event-loop watchdog (the module, in a child process)', () => {
  test('a loop blocked past the serving limit: one ERROR line on stderr, then SIGKILL', async () => {
    const r = await runWithWatchdog(`${prelude}
      const started = EventLoopWatchdog.start({ limitMs: 300, startupLimitMs: 60000, scoringTimeoutMs: 100, culprit: 'a test is spinning' });
      started.watchdog.serving();
      console.log('blocking');
      spin(5000);
      console.log('survived');`);
    assert.equal(r.signal, 'SIGKILL', JSON.stringify(r));
    assert.equal(r.code, null);
    assert.match(r.stdout, /blocking/);
    assert.doesNotMatch(r.stdout, /survived/);
    const m = killedLine(100, 'a test is spinning').exec(r.stderr);
    assert.ok(m, r.stderr);
    assert.ok(Number(m[1]) > 300, 'the blocked time it reports is past the limit');
    assert.equal(r.stderr.trim().split('\n').length, 1, 'exactly one line');
  });

  test('the start-up limit applies until serving() is called (a stuck init())', async () => {
    const r = await runWithWatchdog(`${prelude}
      EventLoopWatchdog.start({ limitMs: 60000, startupLimitMs: 300, scoringTimeoutMs: 100, culprit: 'init is stuck' });
      spin(5000);
      console.log('survived');`);
    assert.equal(r.signal, 'SIGKILL', JSON.stringify(r));
    assert.match(r.stderr, killedLine(100, 'init is stuck'));
  });

  test('stopped, or never blocked: the process is not killed and the worker never holds it open', async () => {
    const r = await runWithWatchdog(`${prelude}
      (async () => {
        const first = EventLoopWatchdog.start({ limitMs: 300, startupLimitMs: 300, scoringTimeoutMs: 100, culprit: 'x' }).watchdog;
        await first.stop();
        await first.stop();
        spin(1500);
        console.log('survived after stop');
        // Started and left running: an unref'd worker and heartbeat, so the program still ends by itself.
        const second = EventLoopWatchdog.start({ limitMs: 300, startupLimitMs: 300, scoringTimeoutMs: 100, culprit: 'x' }).watchdog;
        second.serving();
        await new Promise((r) => setTimeout(r, 1000));
        console.log('survived while idle');
      })();`);
    assert.equal(r.signal, null, JSON.stringify(r));
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /survived after stop\nsurvived while idle/);
    assert.equal(r.stderr, '');
  });

  test('under the Node inspector it stays off: a paused breakpoint must not end the service', async () => {
    const r = await runWithWatchdog(
      `${prelude}
      const started = EventLoopWatchdog.start({ limitMs: 300, startupLimitMs: 300, scoringTimeoutMs: 100, culprit: 'x' });
      console.log(JSON.stringify(started));
      spin(1500);
      console.log('survived');`,
      ['--inspect=127.0.0.1:0'],
    );
    assert.equal(r.code, 0, JSON.stringify(r));
    assert.match(r.stdout, /"off":"the Node inspector is on/);
    assert.match(r.stdout, /survived/);
  });

  test('limits: default is the scoring timeout + 5 s, start-up at least 120 s, 0 turns it off', () => {
    assert.equal(resolveServeOptions({}, {}).watchdogMs, defaultWatchdogMs(60_000));
    assert.equal(defaultWatchdogMs(60_000), 65_000);
    assert.equal(resolveServeOptions({ timeoutMs: '300' }, {}).watchdogMs, 5300);
    assert.equal(resolveServeOptions({}, { MODELPORT_WATCHDOG_MS: '0' }).watchdogMs, 0);
    assert.equal(resolveServeOptions({ watchdogMs: '1500' }, { MODELPORT_WATCHDOG_MS: '9' }).watchdogMs, 1500);
    assert.throws(() => resolveServeOptions({ watchdogMs: '-1' }, {}), /--watchdog-ms must be a whole number of milliseconds/);
    assert.throws(() => resolveServeOptions({}, { MODELPORT_WATCHDOG_MS: 'soon' }), /MODELPORT_WATCHDOG_MS must be/);
    assert.equal(startupWatchdogMs(1500), 120_000);
    assert.equal(startupWatchdogMs(300_000), 300_000);
  });
});

describe('event-loop watchdog in `modelport serve`', () => {
  test('a run() that spins forever: the request fails, the process is SIGKILLed and says why', async () => {
    const svc = await spawnServe(['--entry-script', spins, '--timeout-ms', '300', '--watchdog-ms', '1500']);
    try {
      await assert.rejects(score(`${svc.url}/score`, { any: 'input' }), TypeError, 'the connection dies with the process');
      assert.equal(await svc.exit, null);
      assert.equal(svc.child.signalCode, 'SIGKILL');
      const m = killedLine(300, entryScriptCulprit).exec(svc.output());
      assert.ok(m, svc.output());
      assert.ok(Number(m[1]) > 1500);
    } finally {
      svc.child.kill('SIGKILL');
    }
  });

  test('a healthy busy service is never killed, even with a small limit', async () => {
    const svc = await spawnServe(['--entry-script', spinsOnRequest, '--timeout-ms', '300', '--watchdog-ms', '2000']);
    try {
      // A fixed amount of work, not a fixed time: on a slow machine it takes longer, and proves the same.
      const statuses: number[] = [];
      const loop = async (): Promise<void> => {
        for (let i = 0; i < 15; i++) {
          const res = await score(`${svc.url}/score`, { spin: false });
          statuses.push(res.status);
          await res.arrayBuffer();
        }
      };
      await Promise.all([loop(), loop(), loop(), loop()]);
      assert.equal(statuses.length, 60);
      assert.deepEqual([...new Set(statuses)], [200]);
      assert.equal(svc.child.exitCode, null);
      assert.equal(svc.child.signalCode, null);
      assert.equal((await fetch(`${svc.url}/`)).status, 200);
    } finally {
      svc.child.kill('SIGTERM');
    }
    assert.equal(await svc.exit, 0, 'a graceful stop still exits 0: the watchdog stops with the service');
    assert.doesNotMatch(svc.output(), /event loop has been blocked/);
  });
});

describe('event-loop watchdog in a local service', () => {
  let ws: string;
  let manager: ServiceManager;
  before(() => {
    ws = mkdtempSync(join(tmpdir(), 'mp-watchdog-'));
    manager = serviceManager(ws, new ModelRegistry(ws));
  });
  after(async () => {
    for (const s of (await manager.list()).services) await manager.delete(s.name);
    rmSync(ws, { recursive: true, force: true });
  });

  async function waitForState(name: string, wanted: ServiceState, seen: ServiceState[]): Promise<void> {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const state = (await manager.get(name)).state;
      if (seen.at(-1) !== state) seen.push(state);
      if (state === wanted) return;
      assert.ok(Date.now() < deadline, `the service never became ${wanted}: ${seen.join(' → ')}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  test('a spinning request gets 502, the host restarts the instance, and the next request gets 200', async () => {
    const source = join(ws, 'source');
    mkdirSync(source);
    copyFileSync(spinsOnRequest, join(source, 'score.js'));
    const inferenceConfig = join(source, 'inferenceconfig.json');
    writeFileSync(inferenceConfig, JSON.stringify({ entryScript: 'score.js', environment: { variables: { MODELPORT_WATCHDOG_MS: '1500' } } }));
    const svc = await manager.deploy({ name: 'spin-svc', models: [], inferenceConfigPath: inferenceConfig, timeoutMs: 300 });
    assert.equal(svc.state, 'Healthy');

    const first = (await json(await score(svc.scoringUri, {}))) as { ok: boolean; pid: number };
    assert.equal(first.ok, true);

    const spun = await score(svc.scoringUri, { spin: true });
    assert.equal(spun.status, 502);
    assert.match(((await json(spun)) as { message: string }).message, /The service instance did not answer/);

    const seen: ServiceState[] = [];
    await waitForState('spin-svc', 'Unhealthy', seen);
    await waitForState('spin-svc', 'Healthy', seen);

    const next = await score(svc.scoringUri, {});
    assert.equal(next.status, 200);
    const body = (await json(next)) as { ok: boolean; pid: number };
    assert.equal(body.ok, true);
    assert.notEqual(body.pid, first.pid, 'a new instance answers');

    const logs: string[] = [];
    for await (const line of manager.logs('spin-svc')) logs.push(line);
    // The instance's lines carry their generation's tag: the watchdog's line is the first instance's (gen 1).
    const killed = logs.filter((l) => l.startsWith(generationTag(1))).map((l) => l.slice(generationTag(1).length));
    assert.ok(killed.some((l) => killedLine(300, entryScriptCulprit).test(l)), `the watchdog line is in the service log:\n${logs.join('\n')}`);
    assert.ok(logs.some((l) => /instance restarted/.test(l)));
  });
});
