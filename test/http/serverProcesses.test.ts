// `--workers N` / WORKER_COUNT for the Node server: N server processes share the port behind a primary (as
// gunicorn's workers do). Real processes, real HTTP on loopback: several pids answer, /metrics counts every
// process, a killed or stuck process is replaced while the others answer, SIGTERM drains them all, and a failed
// start fails as one process would. Deployed services take WORKER_COUNT from the inference config.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ModelRegistry } from '../../src/core/registry/modelRegistry';
import { workerCountOf, workersEnv } from '../../src/core/services/runtimeEnv';
import type { ServiceManager } from '../../src/core/services/serviceManager';
import { serverProcessPlan } from '../../src/server/cluster/serverProcesses';
import { resolveServeOptions } from '../../src/server/options';
import { serviceManager } from '../helpers/serviceManager';
import { cliPath, runCli, scoringUrlOf, spawnServe, type ServeProcess } from '../helpers/spawnServe';

const script = resolve('test/fixtures/entry-scripts/pidOrWait.js');

/** One POST /score on a connection of its own (so that the primary hands each request to a process anew). */
function score(url: string, body: unknown): Promise<{ status: number; pid?: number }> {
  return new Promise((resolveAnswer, reject) => {
    const req = http.request(`${url}/score`, { method: 'POST', agent: false, headers: { 'content-type': 'application/json' } }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => {
        const parsed = res.statusCode === 200 ? (JSON.parse(text) as { pid: number }) : undefined;
        resolveAnswer({ status: res.statusCode ?? 0, ...(parsed ? { pid: parsed.pid } : {}) });
      });
    });
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

async function metrics(url: string): Promise<string> {
  const res = await fetch(`${url}/metrics`);
  assert.equal(res.status, 200);
  return res.text();
}

function sample(text: string, series: string): number {
  const line = text.split('\n').find((l) => l.startsWith(series + ' '));
  return line === undefined ? NaN : Number(line.slice(series.length + 1));
}

const scoreOk = 'modelport_requests_total{method="POST",route="/score",status="200"}';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Concurrent requests until `want` distinct pids have answered (bounded: 40 rounds). */
async function pidsOf(url: string, want: number): Promise<Set<number>> {
  const pids = new Set<number>();
  for (let round = 0; round < 40 && pids.size < want; round++) {
    const answers = await Promise.all(Array.from({ length: 8 }, () => score(url, {})));
    for (const a of answers) {
      assert.equal(a.status, 200);
      if (a.pid !== undefined) pids.add(a.pid);
    }
  }
  return pids;
}

/** Requests one by one until a pid outside `known` answers; every answer must be a 200 (connection errors are retried once). */
async function untilNewPid(url: string, known: Set<number>, answered: number[]): Promise<number> {
  for (let i = 0; i < 2000; i++) {
    const a = await score(url, {}).catch(() => score(url, {}));
    assert.equal(a.status, 200, 'the service keeps answering while a process is replaced');
    if (a.pid === undefined) continue;
    answered.push(a.pid);
    if (!known.has(a.pid)) return a.pid;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`no new server process answered; pids seen: ${[...new Set(answered)].join(', ')}`);
}

describe('settings: --workers / WORKER_COUNT', () => {
  test('one count for both runtimes, checked with a precise message', () => {
    assert.equal(resolveServeOptions({}, {}).workers, 1);
    const fromEnv = resolveServeOptions({}, { WORKER_COUNT: '3' });
    assert.deepEqual([fromEnv.workers, fromEnv.python?.workers], [3, 3]);
    assert.equal(resolveServeOptions({ workers: '2' }, { WORKER_COUNT: '3' }).workers, 2);
    assert.throws(() => resolveServeOptions({ workers: '0' }, {}), /--workers must be a whole number from 1 to 64, got '0'/);
    assert.throws(() => resolveServeOptions({}, { WORKER_COUNT: 'many' }), /WORKER_COUNT must be a whole number from 1 to 64, got 'many'/);
  });

  test('N server processes for ONNX models and JavaScript scripts; 1 for a score.py (N Python workers) and under the inspector', () => {
    assert.deepEqual(serverProcessPlan(2, undefined, false), { processes: 2 });
    assert.deepEqual(serverProcessPlan(2, 'score.js', false), { processes: 2 });
    assert.deepEqual(serverProcessPlan(4, 'score.py', false), { processes: 1 });
    const debug = serverProcessPlan(2, undefined, true);
    assert.equal(debug.processes, 1);
    assert.match(debug.note ?? '', /Node inspector is on: 1 server process instead of 2/);
  });

  test("a deployment's WORKER_COUNT: checked at deploy time, carried to the instance", () => {
    assert.equal(workerCountOf({ WORKER_COUNT: '2' }, 'inferenceconfig.json'), 2);
    assert.equal(workerCountOf({}, 'inferenceconfig.json'), undefined);
    assert.throws(() => workerCountOf({ WORKER_COUNT: '2.5' }, '/x/inferenceconfig.json'), /\/x\/inferenceconfig\.json: the environment variable WORKER_COUNT must be a whole number from 1 to 64 \(processes that score\), got '2\.5'/);
    assert.throws(() => workerCountOf({ WORKER_COUNT: '65' }, 'ic.json'), /from 1 to 64/);
    assert.deepEqual(workersEnv({ workers: 3, python: undefined }), { WORKER_COUNT: '3' });
    assert.deepEqual(workersEnv({ workers: undefined, python: { workers: 2 } }), { WORKER_COUNT: '2' });
  });
});

describe('modelport serve --workers 2 (real processes)', () => {
  let svc: ServeProcess;
  let dir: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mp-workers-'));
    svc = await spawnServe(['--entry-script', script, '--workers', '2', '--watchdog-ms', '1500']);
  });
  after(async () => {
    if (svc.child.exitCode === null) svc.child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  test('concurrent requests are answered by two processes, neither of them the primary; /metrics counts them all', async () => {
    const before = sample(await metrics(svc.url), scoreOk);
    const pids = await pidsOf(svc.url, 2);
    assert.equal(pids.size, 2, `pids: ${[...pids].join(', ')}`);
    assert.ok(!pids.has(svc.child.pid ?? -1));
    // Every /score answer so far, wherever it ran, is in one scrape; two scrapes (which may land on either process) agree.
    const answered: number[] = [];
    for (let i = 0; i < 10; i++) answered.push((await score(svc.url, {})).status);
    const a = await metrics(svc.url);
    const b = await metrics(svc.url);
    const total = sample(a, scoreOk);
    assert.equal(sample(b, scoreOk), total);
    assert.ok(total >= (Number.isNaN(before) ? 0 : before) + 10 + 2);
    assert.equal(sample(a, 'modelport_server_processes'), 2);
    assert.equal(sample(a, 'modelport_server_process_restarts_total'), 0);
    assert.equal(a.match(/^# TYPE modelport_requests_total counter$/gm)?.length, 1, 'one series family, not one per process');
  });

  test('a process killed with SIGKILL is replaced while the other keeps answering; its counts stay in /metrics', async () => {
    const pids = await pidsOf(svc.url, 2);
    const countBefore = sample(await metrics(svc.url), scoreOk);
    const [victim, survivor] = [...pids] as [number, number];
    process.kill(victim, 'SIGKILL');
    const answered: number[] = [];
    const fresh = await untilNewPid(svc.url, pids, answered);
    assert.ok(!alive(victim));
    assert.ok(answered.includes(survivor), 'the surviving process answered while the replacement started');
    assert.ok(alive(fresh));
    const after = await metrics(svc.url);
    assert.equal(sample(after, 'modelport_server_process_restarts_total'), 1);
    assert.ok(sample(after, scoreOk) >= countBefore + answered.length, 'counters never go back (the dead process counts up to its last report)');
  });

  test("a stuck process is ended by its event-loop watchdog and replaced; the others answer meanwhile", async () => {
    const pids = await pidsOf(svc.url, 2);
    const stuck = score(svc.url, { spin: true }).then(
      (a) => a.status,
      () => 0,
    );
    const answered: number[] = [];
    const fresh = await untilNewPid(svc.url, pids, answered);
    assert.ok(alive(fresh));
    // The spinning request's connection ends with its process (no answer, or the primary's reset).
    assert.notEqual(await stuck, 200);
    const gone = [...pids].filter((p) => !alive(p));
    assert.equal(gone.length, 1, 'exactly one of the two processes was ended');
    assert.ok(answered.some((p) => pids.has(p) && !gone.includes(p)), 'the other process answered while the stuck one was replaced');
    assert.match(svc.output(), /ERROR The event loop has been blocked for \d+ ms \(scoring timeout 60000 ms\)/);
    assert.equal(sample(await metrics(svc.url), 'modelport_server_process_restarts_total'), 2);
  });

  test('SIGTERM drains every process: an in-flight request is answered, then all exit and the primary exits 0', async () => {
    const pids = await pidsOf(svc.url, 2);
    const startedFile = join(dir, 'started');
    const releaseFile = join(dir, 'release');
    const inFlight = score(svc.url, { startedFile, releaseFile });
    while (!existsSync(startedFile)) await new Promise((r) => setTimeout(r, 20));
    svc.child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 100));
    writeFileSync(releaseFile, '');
    const answer = await inFlight;
    assert.equal(answer.status, 200);
    assert.ok(answer.pid !== undefined && pids.has(answer.pid));
    assert.equal(await svc.exit, 0);
    for (const pid of pids) assert.ok(!alive(pid), `server process ${pid} has ended`);
    assert.match(svc.output(), /SIGTERM received: draining in-flight requests in 2 server process\(es\)/);
  });
});

describe('modelport serve --workers 2: start-up and debugging', () => {
  test("a process that fails to start fails the service's start with its exit code (3: init() failed)", async () => {
    const run = runCli(['serve', '--port', '0', '--workers', '2', '--entry-script', resolve('test/fixtures/entry-scripts/initThrows.js')]);
    assert.equal(await run.exit, 3);
    assert.doesNotMatch(run.output(), /listening:/);
    assert.match(run.output(), /exited with code 3 while starting/);
  });

  test('under the Node inspector one process serves (the debugged one), and it says so', async () => {
    const child = spawn(process.execPath, ['--inspect=127.0.0.1:0', cliPath, 'serve', '--port', '0', '--workers', '2', '--entry-script', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    const exit = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    try {
      const url = await scoringUrlOf({ child, output: () => out, exit });
      assert.match(out, /The Node inspector is on: 1 server process instead of 2/);
      const answers = await Promise.all(Array.from({ length: 8 }, () => score(url, {})));
      assert.deepEqual([...new Set(answers.map((a) => a.pid))], [child.pid]);
    } finally {
      child.kill('SIGTERM');
      assert.equal(await exit, 0);
    }
  });
});

describe('a deployed service with WORKER_COUNT in its inference config', () => {
  let ws: string;
  let manager: ServiceManager;
  before(() => {
    ws = mkdtempSync(join(tmpdir(), 'mp-workers-svc-'));
    manager = serviceManager(ws, new ModelRegistry(ws));
  });
  after(async () => {
    for (const s of (await manager.list()).services) await manager.delete(s.name);
    rmSync(ws, { recursive: true, force: true });
  });

  function source(variables: Record<string, string>): string {
    const dir = mkdtempSync(join(ws, 'source-'));
    mkdirSync(dir, { recursive: true });
    copyFileSync(script, join(dir, 'score.js'));
    const file = join(dir, 'inferenceconfig.json');
    writeFileSync(file, JSON.stringify({ entryScript: 'score.js', environment: { variables } }));
    return file;
  }

  test('an invalid WORKER_COUNT is refused before anything starts, naming the file', async () => {
    const file = source({ WORKER_COUNT: 'lots' });
    await assert.rejects(manager.deploy({ name: 'workers-bad-tp16', models: [], inferenceConfigPath: file }), (err: Error) => {
      assert.match(err.message, /inferenceconfig\.json: the environment variable WORKER_COUNT must be a whole number from 1 to 64 \(processes that score\), got 'lots'/);
      return true;
    });
    assert.deepEqual((await manager.list()).services.map((s) => s.name), []);
  });

  test('WORKER_COUNT=2: the record says 2, two processes answer through the host, /metrics counts both; delete ends them all', async () => {
    const svc = await manager.deploy({ name: 'workers-tp16', models: [], inferenceConfigPath: source({ WORKER_COUNT: '2' }) });
    assert.equal(svc.state, 'Healthy');
    assert.equal(svc.workers, 2);
    const url = svc.scoringUri.replace(/\/score$/, '');
    const pids = await pidsOf(url, 2);
    assert.equal(pids.size, 2);
    const text = await metrics(url);
    assert.equal(sample(text, 'modelport_server_processes'), 2);
    await manager.delete('workers-tp16');
    for (const pid of pids) assert.ok(!alive(pid), `server process ${pid} ended with the service`);
  });
});
