// No orphans (issue 14, class 5): an instance dies with its host however the host dies, a host stops when its
// service folder or workspace is removed, `service delete` stops strays of its service, and `service prune`
// lists and stops every Modelport process that no record owns.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { isProcessAlive } from '../../src/core/fs/processAlive';
import { ModelRegistry } from '../../src/core/registry/modelRegistry';
import type { ServiceManager } from '../../src/core/services/serviceManager';
import { ServiceStore } from '../../src/core/services/serviceStore';
import { serviceManager } from '../helpers/serviceManager';
import { cliPath, runCli } from '../helpers/spawnServe';

const echo = resolve('test/fixtures/entry-scripts/echo.js');
/** Generous: a process still alive after this long is an orphan (no timing is asserted). */
const boundMs = 30_000;

async function gone(pid: number): Promise<boolean> {
  const deadline = Date.now() + boundMs;
  while (Date.now() < deadline) {
    if (!isProcessAlive(pid)) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return !isProcessAlive(pid);
}

/** A `modelport serve` that carries a service folder's marker but that no host started: a stray. */
function strayServe(serviceDir: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, [cliPath, 'serve', '--port', '0', '--entry-script', echo], { env: { ...process.env, MODELPORT_SERVICE_DIR: serviceDir }, stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolveChild, reject) => {
    let out = '';
    child.stdout?.on('data', (c: Buffer) => {
      out += c.toString();
      if (out.includes('listening:')) resolveChild(child);
    });
    child.once('exit', (code) => reject(new Error(`stray serve exited ${code}: ${out}`)));
  });
}

describe('no orphans', () => {
  let ws: string;
  let manager: ServiceManager;
  const tag = randomBytes(3).toString('hex');
  const strays: ChildProcess[] = [];

  before(() => {
    ws = mkdtempSync(join(tmpdir(), 'mp-orphans-'));
    manager = serviceManager(ws, new ModelRegistry(ws));
  });
  after(async () => {
    for (const s of strays) if (s.exitCode === null) s.kill('SIGKILL');
    for (const s of (await manager.list()).services) await manager.delete(s.name).catch(() => undefined);
    rmSync(ws, { recursive: true, force: true });
  });

  test('kill -9 of the host: its instance exits too, and update brings the service back', async () => {
    const name = `orphan-a-${tag}`;
    await manager.deploy({ name, models: [], entryScript: echo });
    const host = await new ServiceStore(ws).readHostState(name);
    assert.ok(host?.instancePid && isProcessAlive(host.instancePid));
    process.kill(host.pid, 'SIGKILL');
    assert.ok(await gone(host.instancePid), `instance ${host.instancePid} exited with its host`);
    const back = await manager.update(name, {});
    assert.equal(back.state, 'Healthy');
  });

  test('removing the workspace stops the host and its instance', async () => {
    const other = mkdtempSync(join(tmpdir(), 'mp-orphans-gone-'));
    const otherManager = serviceManager(other, new ModelRegistry(other));
    const name = `orphan-b-${tag}`;
    await otherManager.deploy({ name, models: [], entryScript: echo });
    const host = await new ServiceStore(other).readHostState(name);
    assert.ok(host?.instancePid);
    rmSync(other, { recursive: true, force: true });
    assert.ok(await gone(host.pid), `host ${host.pid} stopped once its workspace was gone`);
    assert.ok(await gone(host.instancePid), `instance ${host.instancePid} stopped too`);
  });

  test('service prune lists strays (not owned processes) and stops them with --yes', async () => {
    const owned = `orphan-c-${tag}`;
    await manager.deploy({ name: owned, models: [], entryScript: echo });
    const ownedHost = await new ServiceStore(ws).readHostState(owned);
    const stray = await strayServe(join(ws, 'services', `ghost-${tag}`));
    strays.push(stray);

    const listed = runCli(['service', 'prune', '--json']);
    assert.equal(await listed.exit, 0, listed.output());
    const report = JSON.parse(listed.output()) as { strays: Array<{ pid: number; role: string; reason: string }>; stopped: number[] };
    const mine = report.strays.find((s) => s.pid === stray.pid);
    assert.ok(mine, `the stray is listed: ${listed.output()}`);
    assert.equal(mine.role, 'instance');
    assert.match(mine.reason, /record is gone/);
    assert.ok(!report.strays.some((s) => s.pid === ownedHost?.pid || s.pid === ownedHost?.instancePid), 'a live service is not a stray');
    assert.deepEqual(report.stopped, [], 'without --yes nothing is stopped');
    assert.ok(isProcessAlive(stray.pid!));

    const pruned = runCli(['service', 'prune', '--yes', '--json']);
    assert.equal(await pruned.exit, 0, pruned.output());
    assert.ok((JSON.parse(pruned.output()) as { stopped: number[] }).stopped.includes(stray.pid!));
    assert.ok(await gone(stray.pid!));
    assert.ok(ownedHost && isProcessAlive(ownedHost.pid) && isProcessAlive(ownedHost.instancePid!), 'the live service still runs');
  });

  test('service delete also stops a stray that carries its service folder', async () => {
    const name = `orphan-d-${tag}`;
    await manager.deploy({ name, models: [], entryScript: echo });
    const stray = await strayServe(new ServiceStore(ws).dir(name));
    strays.push(stray);
    await manager.delete(name);
    assert.ok(await gone(stray.pid!), 'the stray of the deleted service was stopped');
  });
});
