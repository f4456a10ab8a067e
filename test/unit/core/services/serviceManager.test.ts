// The service manager over registered targets: records of an earlier layout still load, targets are built only
// when a service of their kind is used, and a listing asks every target at once with a bound on each answer.
// The targets here are in-process stand-ins for a cloud target (one that never answers), which no test can reach.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { ModelRegistry } from '../../../../src/core/registry/modelRegistry';
import { ServiceManager } from '../../../../src/core/services/serviceManager';
import { ServiceStore } from '../../../../src/core/services/serviceStore';
import type { DeploymentTarget, TargetFactories, TargetStatus } from '../../../../src/core/services/target';

const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function workspace(): string {
  const dir = mkdtempSync(join(tmpdir(), 'mp-manager-'));
  dirs.push(dir);
  return dir;
}

/** Records exactly as Modelport 0.1 wrote them (computeType, port and docker at the top level). */
const legacyLocal = {
  name: 'fashion-svc', computeType: 'local', models: ['fashion:1'], authMode: 'key', port: 43117, corsOrigins: [], timeoutMs: 60000,
  scoringUri: 'http://127.0.0.1:43117/score', swaggerUri: 'http://127.0.0.1:43117/swagger.json',
  createdTime: '2026-11-20T10:00:00.000Z', updatedTime: '2026-11-20T10:00:00.000Z', generation: 3,
  batching: { enabled: true, maxBatchSize: 32, maxDelayMs: 0 },
};
const legacyDocker = {
  name: 'fashion-dk', computeType: 'docker', models: ['fashion:1'], entryScript: '/p/score.ts', sourceDir: '/p', authMode: 'none', port: 0, corsOrigins: ['*'], timeoutMs: 5000,
  scoringUri: '', swaggerUri: '', createdTime: '2026-11-20T10:00:00.000Z', updatedTime: '2026-11-20T10:00:00.000Z', generation: 1, debug: true,
  environment: { dependencies: { lodash: '^4.17.21' }, variables: { MODE: 'x' } },
  docker: { baseImage: 'node:22-slim', buildArgs: { A: 'b' }, runArgs: ['--shm-size', '1g'], cpus: 2, memoryInGB: 1.5 },
};

function writeRecord(ws: string, record: { name: string; [field: string]: unknown }): void {
  mkdirSync(join(ws, 'services', record.name), { recursive: true });
  writeFileSync(join(ws, 'services', record.name, 'service.json'), JSON.stringify(record, null, 2));
}

test('a record written by Modelport 0.1 loads into today\'s layout, nothing lost', async () => {
  const ws = workspace();
  writeRecord(ws, legacyLocal);
  writeRecord(ws, legacyDocker);
  const store = new ServiceStore(ws);
  const local = await store.readRecord('fashion-svc');
  assert.deepEqual(local.target, { kind: 'local', port: 43117 });
  assert.equal(local.generation, 3);
  assert.deepEqual(local.batching, legacyLocal.batching);
  assert.equal('computeType' in local, false);
  const docker = await store.readRecord('fashion-dk');
  assert.deepEqual(docker.target, { kind: 'docker', port: 0, image: { baseImage: 'node:22-slim', buildArgs: { A: 'b' } }, runArgs: ['--shm-size', '1g'], cpus: 2, memoryInGB: 1.5 });
  assert.deepEqual(docker.environment, legacyDocker.environment);
  assert.equal(docker.debug, true);
  assert.equal(docker.entryScript, '/p/score.ts');
  // Written back in the new layout, it reads the same.
  await store.writeRecord(docker);
  assert.deepEqual(await store.readRecord('fashion-dk'), docker);
});

test('a field the schema does not know is refused on read with the file and the place, not dropped silently', async () => {
  const ws = workspace();
  writeRecord(ws, { ...legacyLocal, target: { kind: 'local', port: 'x' } });
  await assert.rejects(new ServiceStore(ws).readRecord('fashion-svc'), /service record .*service\.json is invalid at \/target\/port/);
});

/** A target whose status answers as told; records which kinds were built. */
function standIn(kind: 'local' | 'docker', status: () => Promise<TargetStatus>): DeploymentTarget {
  return {
    kind,
    updateStrategy: 'swap',
    settings: (_request, current) => current ?? ({ kind: 'local', port: 0 } as never),
    start: async () => ({ scoringUri: 'http://127.0.0.1:1/score', swaggerUri: 'http://127.0.0.1:1/swagger.json' }),
    status,
    reload: async () => undefined,
    stop: async () => undefined,
    isRunning: async () => false,
    logs: async function* () {
      yield 'line';
    },
  };
}

test('targets are built when a service of their kind is first used, once', async () => {
  const ws = workspace();
  const built: string[] = [];
  const factories: TargetFactories = {
    local: async () => (built.push('local'), standIn('local', async () => ({ state: 'Healthy', detail: undefined })) as DeploymentTarget<'local'>),
    docker: async () => (built.push('docker'), standIn('docker', async () => ({ state: 'Healthy', detail: undefined })) as DeploymentTarget<'docker'>),
  };
  const manager = new ServiceManager(ws, new ModelRegistry(ws), factories);
  assert.deepEqual((await manager.list()).services, []);
  assert.deepEqual(built, [], 'listing an empty workspace loads no target');
  writeRecord(ws, legacyLocal);
  await manager.list();
  await manager.get('fashion-svc');
  assert.deepEqual(built, ['local']);
  assert.equal((await manager.get('fashion-svc')).updateStrategy, 'swap');
});

test('a kind no factory offers is a ConfigError naming the ones offered', async () => {
  const ws = workspace();
  writeRecord(ws, legacyDocker);
  const manager = new ServiceManager(ws, new ModelRegistry(ws), { local: async () => standIn('local', async () => ({ state: 'Healthy', detail: undefined })) as DeploymentTarget<'local'> });
  await assert.rejects(manager.get('fashion-dk'), /The 'docker' target is not available in this version of Modelport\. Deploy with computeType 'local'/);
  const { services, problems } = await manager.list();
  assert.equal(services.length, 0);
  assert.match(problems[0]?.message ?? '', /'docker' target is not available/);
});

test('a listing asks the targets concurrently; one that does not answer in time is Unknown, the others are not held up', async () => {
  const ws = workspace();
  writeRecord(ws, legacyLocal);
  writeRecord(ws, legacyDocker);
  let pending = 0;
  let maxPending = 0;
  const slow = (answer: TargetStatus | undefined) => async (): Promise<TargetStatus> => {
    pending += 1;
    maxPending = Math.max(maxPending, pending);
    // `undefined`: never answers, as a cloud call that hangs.
    return answer ? new Promise((r) => setTimeout(() => (pending--, r(answer)), 50)) : new Promise(() => undefined);
  };
  const manager = new ServiceManager(
    ws,
    new ModelRegistry(ws),
    {
      local: async () => standIn('local', slow({ state: 'Healthy', detail: undefined })) as DeploymentTarget<'local'>,
      docker: async () => standIn('docker', slow(undefined)) as DeploymentTarget<'docker'>,
    },
    { statusTimeoutMs: 300 },
  );
  const { services } = await manager.list();
  const byName = new Map(services.map((s) => [s.name, s] as const));
  assert.equal(byName.get('fashion-svc')?.state, 'Healthy');
  assert.equal(byName.get('fashion-dk')?.state, 'Unknown');
  assert.match(byName.get('fashion-dk')?.detail ?? '', /The docker target did not answer within 0\.3 s/);
  assert.equal(maxPending, 2, 'both were asked at once');
});

test('logs come from the record\'s target', async () => {
  const ws = workspace();
  writeRecord(ws, legacyLocal);
  const manager = new ServiceManager(ws, new ModelRegistry(ws), { local: async () => standIn('local', async () => ({ state: 'Healthy', detail: undefined })) as DeploymentTarget<'local'> });
  const lines: string[] = [];
  for await (const line of manager.logs('fashion-svc')) lines.push(line);
  assert.deepEqual(lines, ['line']);
});


test('stop pauses on a target that can (the group is kept) and start resumes it; delete still removes it', async () => {
  const ws = workspace();
  writeRecord(ws, legacyLocal);
  // Every deployed service has its keys: resume gets them, for a target that has to deploy the service anew.
  const keys = { primaryKey: 'p'.repeat(32), secondaryKey: 's'.repeat(32), tokenSecret: 't'.repeat(43) };
  await new ServiceStore(ws).writeKeys('fashion-svc', keys);
  const calls: string[] = [];
  let state: TargetStatus['state'] = 'Healthy';
  const target: DeploymentTarget = {
    ...standIn('local', async () => ({ state, detail: undefined })),
    isRunning: async () => true,
    stop: async () => void calls.push('stop'),
    pause: async () => {
      calls.push('pause');
      state = 'Stopped';
    },
    resume: async (_record, credentials) => {
      assert.deepEqual(credentials, keys);
      calls.push('resume');
      state = 'Healthy';
      return { scoringUri: 'http://127.0.0.1:2/score', swaggerUri: 'http://127.0.0.1:2/swagger.json' };
    },
    start: async () => (calls.push('start'), { scoringUri: 'http://127.0.0.1:3/score', swaggerUri: 'http://127.0.0.1:3/swagger.json' }),
  };
  const manager = new ServiceManager(ws, new ModelRegistry(ws), { local: async () => target as DeploymentTarget<'local'> });
  assert.equal((await manager.stop('fashion-svc')).state, 'Stopped');
  const started = await manager.start('fashion-svc');
  assert.deepEqual([started.state, started.scoringUri], ['Healthy', 'http://127.0.0.1:2/score']);
  await manager.start('fashion-svc');
  assert.deepEqual(calls, ['pause', 'resume'], 'a second start finds it running');
  await manager.delete('fashion-svc');
  assert.deepEqual(calls, ['pause', 'resume', 'stop']);
});
