// Debug in Docker / Debug Locally through the scripted Ui: the debug twin that reaches the core, the attach
// configuration VS Code is asked to start, silence on cancel, one message when something fails.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { after, beforeEach, describe, test } from 'node:test';
import { EngineUnreachableError } from '../../../src/core/docker/dockerErrors';
import { ModelRegistry } from '../../../src/core/registry/modelRegistry';
import { commandTable } from '../../../src/vscode/commands/commandTable';
import { runCommand } from '../../../src/vscode/commands/runCommand';
import type { ModelportWorkspace } from '../../../src/vscode/common/deps';
import { debugTwinName, engineDocsUrl, type DebugSession } from '../../../src/vscode/common/debugTwin';
import { FakeServices, ScriptedUi, makeDeps } from './fakes';
import { findPython, skipUnlessPython, venvWith } from '../../helpers/python';

const root = mkdtempSync(join(tmpdir(), 'modelport-debug-flows-'));
after(() => rmSync(root, { recursive: true, force: true }));
let ws: ModelportWorkspace;
let services: FakeServices;
const src = '/project/src';

beforeEach(async () => {
  services = new FakeServices();
  const dir = join(mkdtempSync(join(root, 'p-')), '.modelport');
  ws = { projectDir: dir, dir, registry: new ModelRegistry(dir), services };
  await services.deploy({ name: 'fashion-svc', models: ['fashion:1'], computeType: 'local', authMode: 'key', entryScript: `${src}/score.ts`, sourceDir: src });
  services.requests.length = 0;
});

const run = async (id: string, ui: ScriptedUi, args: unknown[], settings = {}) => {
  const deps = makeDeps(ws, ui, settings);
  const flow = commandTable[id];
  assert.ok(flow, id);
  const result = (await runCommand(deps, id, flow, args)) as DebugSession | undefined;
  return { deps, result };
};

test('Debug Locally: deploys <name>-debug like the service under the inspector, then attaches to its port', async () => {
  const ui = new ScriptedUi(['fashion-svc']);
  const { deps, result } = await run('modelport.service.debugLocally', ui, []);
  assert.deepEqual(services.requests, [
    { name: 'fashion-svc-debug', models: ['fashion:1'], computeType: 'local', authMode: 'key', corsOrigins: [], timeoutMs: 60000, debug: true, entryScript: `${src}/score.ts`, sourceDir: src },
  ]);
  assert.deepEqual(ui.calls.map((c) => c.kind), ['pick', 'progress', 'report', 'startDebugging', 'info']);
  const [config] = ui.debugSessions;
  assert.ok(config);
  assert.deepEqual(
    { type: config.type, request: config.request, address: config.address, port: config.port, sourceMaps: config.sourceMaps, localRoot: config.localRoot, remoteRoot: config.remoteRoot },
    { type: 'node', request: 'attach', address: '127.0.0.1', port: 9330, sourceMaps: true, localRoot: undefined, remoteRoot: undefined },
  );
  assert.equal(result?.service.name, 'fashion-svc-debug');
  const info = ui.calls.find((c) => c.kind === 'info');
  assert.match(info?.message ?? '', /fashion-svc-debug: a request to http:\/\/127\.0\.0\.1:5001\/score stops at breakpoints in score\.ts/);
  assert.deepEqual(info?.labels, ['Test Endpoint', 'Copy Scoring URI']);
  assert.ok(deps.log.lines.some((l) => l.includes('[fashion-svc-debug] Starting')), 'the deployment streams into the log');
});

test('Debug in Docker: a docker twin, sources mapped to the image folder, run args from settings travel in the request', async () => {
  const ui = new ScriptedUi();
  const before = process.env.MODELPORT_DOCKER_RUN_ARGS;
  await run('modelport.service.debugInDocker', ui, ['fashion-svc'], { dockerRunArgs: ['--network', 'slirp4netns', '--cpus 2'] });
  assert.deepEqual(services.requests[0]?.dockerRunArgs, ['--network', 'slirp4netns', '--cpus', '2']);
  assert.equal(process.env.MODELPORT_DOCKER_RUN_ARGS, before, "the extension host's environment is left alone");
  assert.equal(services.requests[0]?.computeType, 'docker');
  assert.equal(services.requests[0]?.debug, true);
  const [config] = ui.debugSessions;
  assert.equal(config?.name, 'Modelport: fashion-svc-debug (Docker)');
  assert.equal(config?.localRoot, src);
  assert.equal(config?.remoteRoot, '/var/azureml-app/source');
});

test('an existing twin is updated in place; one on another target is replaced', async () => {
  await run('modelport.service.debugLocally', new ScriptedUi(), ['fashion-svc']);
  const ui = new ScriptedUi();
  await run('modelport.service.debugLocally', ui, ['fashion-svc']);
  assert.equal(services.updates.length, 1);
  assert.equal(services.updates[0]?.changes.debug, true);
  assert.equal(ui.debugSessions[0]?.port, 9331, 'the port of the new generation');
  await run('modelport.service.debugInDocker', new ScriptedUi(), ['fashion-svc']);
  assert.equal((await services.get('fashion-svc-debug')).computeType, 'docker');
});

test('a dismissed service pick ends quietly: nothing deployed, no session, no message', async () => {
  const ui = new ScriptedUi([undefined]);
  const { result } = await run('modelport.service.debugLocally', ui, []);
  assert.equal(result, undefined);
  assert.equal(services.requests.length, 0);
  assert.equal(ui.debugSessions.length, 0);
  assert.deepEqual(ui.calls.filter((c) => c.kind === 'error' || c.kind === 'info'), []);
});

test('no engine: the core message once, with a button to the docs, and no debug session', async () => {
  const ui = new ScriptedUi();
  services.failNext = new EngineUnreachableError('Cannot connect to the Docker daemon');
  const { deps } = await run('modelport.service.debugInDocker', ui, ['fashion-svc']);
  const errors = ui.calls.filter((c) => c.kind === 'error');
  assert.equal(errors.length, 1);
  assert.match(errors[0]?.message ?? '', /No container engine is reachable/);
  assert.match(errors[0]?.message ?? '', /engine\.sh up/);
  assert.deepEqual(errors[0]?.labels, ['Get Docker']);
  assert.equal(ui.debugSessions.length, 0);
  assert.ok(engineDocsUrl.startsWith('https://'));
  assert.ok(!deps.log.lines.includes('show'), 'an expected failure does not pop the log open');
});

test('a failed deployment or a debugger that does not start: one error message, through the command wrapper', async () => {
  const failing = new ScriptedUi();
  services.failNext = new Error('The service host exited with code 3.');
  await run('modelport.service.debugLocally', failing, ['fashion-svc']);
  assert.deepEqual(failing.calls.filter((c) => c.kind === 'error').map((c) => c.message), ['The service host exited with code 3.']);
  assert.equal(failing.debugSessions.length, 0);

  const refused = new ScriptedUi();
  refused.debugStarts = false;
  await run('modelport.service.debugLocally', refused, ['fashion-svc']);
  const errors = refused.calls.filter((c) => c.kind === 'error');
  assert.equal(errors.length, 1);
  assert.match(errors[0]?.message ?? '', /could not attach to fashion-svc-debug \(127\.0\.0\.1:9330\)/);
  assert.equal(refused.calls.filter((c) => c.kind === 'info').length, 0);
});

test('a service that already runs under the debugger is attached to as it is', async () => {
  await services.deploy({ name: 'fashion-dbg', models: ['fashion:1'], computeType: 'local', debug: true });
  services.requests.length = 0;
  const ui = new ScriptedUi();
  await run('modelport.service.debugLocally', ui, ['fashion-dbg']);
  assert.equal(services.requests.length, 0);
  assert.equal(ui.debugSessions[0]?.port, 9330);
});

test('twin names stay valid service names', () => {
  assert.equal(debugTwinName('fashion-svc'), 'fashion-svc-debug');
  assert.equal(debugTwinName('fashion-svc-debug'), 'fashion-svc-debug');
  const long = debugTwinName('a-very-long-service-name-of-32ch');
  assert.ok(long.length <= 32 && long.endsWith('-debug') && !long.includes('--'), long);
});

describe('Debug Locally for a score.py (VS Code\'s Python debugger, debugpy in the worker)', () => {
  const pyScript = '/project/py/score.py';
  const deployPython = async (executable: string): Promise<void> => {
    await services.deploy({ name: 'sk-svc', models: ['clf:1'], computeType: 'local', authMode: 'none', entryScript: pyScript, sourceDir: '/project/py', environmentFile: '/project/py/env.yml' });
    const record = services.services.get('sk-svc');
    assert.ok(record);
    record.python = { environmentFile: '/project/py/env.yml', executable };
    services.requests.length = 0;
  };

  test('without debugpy in the environment: one message saying how to add it, and nothing deployed', { skip: skipUnlessPython() }, async () => {
    const bare = findPython();
    assert.ok(bare);
    if (spawnSync(bare.path, ['-c', 'import debugpy']).status === 0) return; // this Python has it: the other test covers the flow
    await deployPython(bare.path);
    const ui = new ScriptedUi();
    const { result } = await run('modelport.service.debugLocally', ui, ['sk-svc']);
    assert.equal(result, undefined);
    assert.deepEqual(services.requests, []);
    const error = ui.calls.find((c) => c.kind === 'error');
    assert.match(error?.message ?? '', /debugpy is not installed in the Python environment of sk-svc .*Add debugpy to the pip: list of \/project\/py\/env\.yml, then run Debug Locally again/);
    assert.deepEqual(error?.labels, ['Open Environment File']);
  });

  test('with debugpy: the twin runs in the same environment and VS Code attaches the Python debugger to the worker', { skip: venvWith(['debugpy']) ? false : 'no venv with debugpy could be made from pip\'s configured indexes' }, async () => {
    const withDebugpy = venvWith(['debugpy']);
    assert.ok(withDebugpy);
    await deployPython(withDebugpy.path);
    const ui = new ScriptedUi();
    const { result } = await run('modelport.service.debugLocally', ui, ['sk-svc']);
    assert.equal(services.requests[0]?.name, 'sk-svc-debug');
    assert.equal(services.requests[0]?.debug, true);
    assert.equal(services.requests[0]?.environmentFile, '/project/py/env.yml');
    assert.deepEqual(ui.debugSessions, [], 'no Node debugger for a score.py');
    assert.deepEqual(ui.pythonDebugSessions, [
      { type: 'debugpy', request: 'attach', name: 'Modelport: sk-svc-debug (Python, local)', connect: { host: '127.0.0.1', port: 9330 }, pathMappings: [{ localRoot: '/project/py', remoteRoot: '/project/py' }], justMyCode: true },
    ]);
    assert.equal(result?.service.name, 'sk-svc-debug');
  });

  test('Debug in Docker for a score.py says to use Debug Locally', async () => {
    await deployPython('python3');
    const ui = new ScriptedUi();
    await run('modelport.service.debugInDocker', ui, ['sk-svc']);
    assert.deepEqual(services.requests, []);
    assert.match(ui.calls.find((c) => c.kind === 'error')?.message ?? '', /runs a Python score\.py: Debug in Docker attaches the Node inspector .* Use Debug Locally/);
  });
});
