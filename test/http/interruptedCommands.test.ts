// Deploys and updates interrupted by kill -9 of the CLI at several points (issue 14, class 6): afterwards the
// record describes what serves (or the service says it is not running, and `service update` starts it), exactly
// one host and one instance run for it, and a failing update never leaves its broken config in the record.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { isProcessAlive } from '../../src/core/fs/processAlive';
import { listModelportProcesses, serviceDirEnv } from '../../src/core/services/host/modelportProcesses';
import { ModelRegistry } from '../../src/core/registry/modelRegistry';
import { ServiceStore } from '../../src/core/services/serviceStore';
import type { ServiceStatus } from '../../src/core/services/types';
import { runCli } from '../helpers/spawnServe';

/** Generous bounds for things to settle; no timing is asserted. */
const boundMs = 60_000;

async function until<T>(what: string, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + boundMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${boundMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('interrupted deploys and updates', () => {
  let ws: string;
  const tag = randomBytes(3).toString('hex');
  const cli = (args: string[]) => runCli([...args, '--workspace', ws]);

  /** Runs a CLI command and kills it with SIGKILL once `when` says so (or lets it finish). */
  async function killDuring(args: string[], when: (output: string) => boolean): Promise<void> {
    const run = cli(args);
    await new Promise<void>((resolveKill) => {
      const timer = setInterval(() => {
        if (when(run.output())) {
          run.child.kill('SIGKILL');
          clearInterval(timer);
          resolveKill();
        }
      }, 5);
      void run.exit.then(() => {
        clearInterval(timer);
        resolveKill();
      });
    });
    await run.exit;
  }

  /** `service show --json` once the service has settled (not Transitioning). */
  async function settled(name: string): Promise<ServiceStatus> {
    return until(`${name} settles`, async () => {
      const show = cli(['service', 'show', name, '--json']);
      if ((await show.exit) !== 0) throw new Error(show.output());
      const status = JSON.parse(show.output()) as ServiceStatus;
      return status.state === 'Transitioning' ? undefined : status;
    });
  }

  /** What runs for the service: its processes (by marker) once only one instance is left. */
  async function processesOf(name: string): Promise<{ hosts: number[]; instances: number[] }> {
    const dir = new ServiceStore(ws).dir(name);
    return until(`${name} has one instance`, async () => {
      const mine = (await listModelportProcesses()).filter((p) => p.serviceDir === dir);
      const found = { hosts: mine.filter((p) => p.role === 'host').map((p) => p.pid), instances: mine.filter((p) => p.role === 'instance').map((p) => p.pid) };
      return found.instances.length <= 1 ? found : undefined;
    });
  }

  /** The model refs the serving instance was started with, from its command line. */
  function servedModels(instancePid: number): string[] {
    const argv = readFileSync(`/proc/${instancePid}/cmdline`, 'utf8').split('\0');
    return argv.flatMap((a, i) => (argv[i - 1] === '--model' ? [a.split('=')[0] ?? ''] : []));
  }

  /** The record, the host and the processes agree, and the service answers. */
  async function consistent(name: string): Promise<ServiceStatus> {
    let status = await settled(name);
    if (status.state !== 'Healthy') {
      assert.match(status.state, /^(Stopped|Failed)$/, `${name}: ${status.state} ${status.detail ?? ''}`);
      const started = cli(['service', 'update', name]);
      assert.equal(await started.exit, 0, `a later update repairs it: ${started.output()}`);
      status = await settled(name);
    }
    assert.equal(status.state, 'Healthy');
    assert.match(status.scoringUri, /^http:\/\/127\.0\.0\.1:\d+\/score$/, 'a Healthy service has its scoring URI');
    const { hosts, instances } = await processesOf(name);
    status = await settled(name);
    assert.ok(!existsSync(new ServiceStore(ws).pendingFile(name)), 'no abandoned pending update is left');
    const host = await new ServiceStore(ws).readHostState(name);
    assert.equal(host?.generation, status.generation, 'the record is the generation that serves');
    assert.deepEqual(hosts, [host?.pid], 'one host');
    assert.deepEqual(instances, [host?.instancePid], `one instance, the serving one; log:\n${readFileSync(new ServiceStore(ws).logFile(name), 'utf8').split('\n').filter((l) => l.includes(' HOST ')).slice(-12).join('\n')}`);
    assert.deepEqual(servedModels(host!.instancePid!), status.models, 'the record names the models that serve');
    const res = await fetch(status.scoringUri.replace(/\/score$/, '/'));
    assert.equal(res.status, 200);
    await res.arrayBuffer();
    return status;
  }

  before(async () => {
    ws = mkdtempSync(join(tmpdir(), 'mp-interrupted-'));
    const registry = new ModelRegistry(ws);
    await registry.register({ source: resolve('samples/fashion-mnist'), name: 'fashion' });
    await registry.register({ source: resolve('samples/fashion-mnist'), name: 'fashion' });
  });
  after(async () => {
    for (const name of await new ServiceStore(ws).names()) await cli(['service', 'delete', name, '--yes']).exit;
    rmSync(ws, { recursive: true, force: true });
  });

  const deployPoints: Record<string, (out: string) => boolean> = {
    'after the record is created': (out) => out.includes('Created service'),
    'after the host is spawned': (out) => out.includes('Starting local service'),
    'while the instance loads': (out) => out.includes('Loaded model'),
    'once the host reports Healthy': (out) => out.includes('Healthy: http'),
  };
  for (const [point, when] of Object.entries(deployPoints)) {
    test(`deploy killed ${point}`, async () => {
      const name = `int-d${Object.keys(deployPoints).indexOf(point)}-${tag}`;
      await killDuring(['service', 'deploy', name, '--model', 'fashion:1'], when);
      const status = await consistent(name);
      assert.deepEqual(status.models, ['fashion:1']);
    });
  }

  test('an update signalled while the host still starts is served once it is up, not fatal to the host', async () => {
    const name = `int-s-${tag}`;
    const store = new ServiceStore(ws);
    const slowInit = resolve('test/fixtures/entry-scripts/slowInit.js');
    // The deploy is killed once the host listens and loads the instance, whose init() waits for the release file:
    // host.json names the host, Transitioning, until the test has signalled it.
    const release = join(ws, `release-${name}`);
    const hostStarting = (): boolean => {
      const file = store.hostFile(name);
      const host = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as { state?: string; port?: number }) : undefined;
      return host?.state === 'Transitioning' && (host.port ?? 0) > 0;
    };
    const deploy = runCli(['service', 'deploy', name, '--entry-script', slowInit, '--workspace', ws], { MODELPORT_TEST_RELEASE_FILE: release });
    await until('the host reports it is starting', async () => (hostStarting() ? true : undefined));
    deploy.child.kill('SIGKILL');
    await deploy.exit;
    const starting = await store.readHostState(name);
    assert.ok(starting?.state === 'Transitioning' && isProcessAlive(starting.pid), 'the deploy was killed while its host started');
    const update = cli(['service', 'update', name, '--entry-script', resolve('test/fixtures/entry-scripts/echo.js')]);
    await until('the update has signalled the host', async () => (update.output().includes('starting a new instance beside') ? true : undefined));
    writeFileSync(release, '');
    assert.equal(await update.exit, 0, update.output());
    const status = await consistent(name);
    assert.equal((await store.readHostState(name))?.pid, starting?.pid, 'the host that was starting serves the update');
    assert.match(status.entryScript ?? '', /echo\.js$/);
  });

  test('a host that has not reported yet is Transitioning, not Stopped', async () => {
    const name = `int-h-${tag}`;
    const store = new ServiceStore(ws);
    assert.equal(await cli(['service', 'deploy', name, '--model', 'fashion:1']).exit, 0);
    assert.equal(await cli(['service', 'stop', name]).exit, 0);
    const show = async (): Promise<ServiceStatus> => {
      const run = cli(['service', 'show', name, '--json']);
      assert.equal(await run.exit, 0, run.output());
      return JSON.parse(run.output()) as ServiceStatus;
    };
    assert.equal((await show()).state, 'Stopped');
    // What a host just spawned looks like before it writes host.json: `service-host DIR`, with the marker (and,
    // as the deploy above left it, host.starting touched within the start timeout).
    const dir = store.dir(name);
    const host = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)', 'service-host', dir], { env: { ...process.env, [serviceDirEnv]: dir }, stdio: 'ignore' });
    try {
      await until('the stand-in host runs', async () => ((await listModelportProcesses()).some((p) => p.pid === host.pid) ? true : undefined));
      const status = await show();
      assert.equal(status.state, 'Transitioning');
      assert.match(status.detail ?? '', new RegExp(`pid ${host.pid}\\b.*starting`));
      // Long after any start, the process table is not read for it (a host that never reports is a stray,
      // which `service prune` finds).
      const longAgo = new Date(Date.now() - 3_600_000);
      utimesSync(store.hostStartingFile(name), longAgo, longAgo);
      assert.equal((await show()).state, 'Stopped');
    } finally {
      host.kill('SIGKILL');
    }
    await until('the stand-in host is gone', async () => (host.exitCode !== null || host.signalCode !== null ? true : undefined));
    assert.equal((await show()).state, 'Stopped');
  });

  const updatePoints: Record<string, (out: string) => boolean> = {
    'as soon as it starts': () => true,
    'once the host was told': (out) => out.includes('starting a new instance beside'),
    'while the new instance loads': (out) => out.includes('starting instance for generation'),
    'once the new generation serves': (out) => /generation \d+ is serving/.test(out),
  };
  test('update killed at several points: the record always names what serves', async () => {
    const name = `int-u-${tag}`;
    assert.equal(await cli(['service', 'deploy', name, '--model', 'fashion:1']).exit, 0);
    let model = 1;
    for (const [point, when] of Object.entries(updatePoints)) {
      model = model === 1 ? 2 : 1;
      await killDuring(['service', 'update', name, '--model', `fashion:${model}`], when);
      const status = await consistent(name);
      assert.ok(status.models[0] === 'fashion:1' || status.models[0] === 'fashion:2', point);
      model = Number(status.models[0]?.split(':')[1]);
    }
  });

  test('a failing update killed mid-way leaves the working config in the record; a crash then restarts it', async () => {
    const name = `int-f-${tag}`;
    assert.equal(await cli(['service', 'deploy', name, '--model', 'fashion:1']).exit, 0);
    const broken = resolve('test/fixtures/entry-scripts/initThrows.js');
    await killDuring(['service', 'update', name, '--entry-script', broken], (out) => out.includes('starting instance for generation'));
    const status = await consistent(name);
    assert.equal(status.entryScript, undefined, 'the broken entry script never became the record');
    // The instance crashes: the host restarts it from the record, which still works.
    const host = await new ServiceStore(ws).readHostState(name);
    process.kill(host!.instancePid!, 'SIGKILL');
    const image = readFileSync('samples/fashion-mnist/images/sneaker.png');
    const answered = await until('the restarted instance scores', async () => {
      const res = await fetch(status.scoringUri, { method: 'POST', headers: { 'content-type': 'image/png' }, body: image }).catch(() => undefined);
      if (!res) return undefined;
      await res.arrayBuffer();
      return res.status === 200 ? res.status : undefined;
    });
    assert.equal(answered, 200);
    // The same failing update, not interrupted, fails and changes nothing.
    const failed = cli(['service', 'update', name, '--entry-script', broken]);
    assert.equal(await failed.exit, 1, failed.output());
    assert.equal((await consistent(name)).entryScript, undefined);
  });
});
