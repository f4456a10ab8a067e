// The seeds' Azure ML project in a real VS Code: model.pkl registered from the Explorer's command, deployed with its
// unchanged score.py and env.yml (the inference config) locally and in Docker, and scored from the endpoint tester
// with the seeds' request (screenshot test-results/screenshots/tester-python-in-host.png). The environment comes
// from MODELPORT_ENV_CACHE when earlier tests built it; the model is trained with that environment's scikit-learn.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { ensurePythonEnvironment } from '../../../src/core/python/environmentBuilder';
import { loadPythonEnvironment } from '../../../src/core/python/environmentFile';
import type { RegisteredModel } from '../../../src/core/registry/modelMeta';
import type { ServiceStatus } from '../../../src/core/services/types';
import type { ModelportApi } from '../../../src/extension';
import type { TesterOutcome } from '../../../src/vscode/webviews/testerHostEnv';
import { activateModelport, projectDir, screenshot, waitUntil } from './helpers';

const request = '{"data": [[0.1, 2.3, 4.1, 2.0], [0.2, 1.8, 3.9, 2.1]]}';

function pythonMissing(): string | undefined {
  const r = spawnSync(process.env.MODELPORT_PYTHON || 'python3', ['-c', 'import venv, ensurepip'], { timeout: 30_000 });
  return r.status === 0 ? undefined : 'no python3 with venv on PATH';
}

function engineMissing(): string | undefined {
  if (!process.env.DOCKER_HOST) return 'DOCKER_HOST is not set (.ci/run starts the container engine and sets it)';
  const r = spawnSync('docker', ['version', '--format', '{{.Server.Version}}'], { encoding: 'utf8', timeout: 15_000 });
  return r.status === 0 ? undefined : `no engine answers at ${process.env.DOCKER_HOST}`;
}

async function scoreInTester(api: ModelportApi, service: string): Promise<TesterOutcome> {
  const before = api.tester.lastOutcome();
  await vscode.commands.executeCommand('modelport.service.test', { service, json: request, send: true });
  return waitUntil('the tester to answer', async () => {
    const now = api.tester.lastOutcome();
    return now !== undefined && now !== before ? now : undefined;
  }, 60_000);
}

suite('An Azure ML score.py in a real VS Code', function () {
  this.timeout(900_000);
  let api: ModelportApi;
  let expected: unknown;
  const dir = (): string => join(projectDir(), 'azureml-sklearn');
  const services: string[] = [];

  suiteSetup(async function () {
    const why = pythonMissing();
    if (why) {
      console.log(`skipping the Python suite: ${why}`);
      this.skip();
    }
    api = await activateModelport();
    const extension = vscode.extensions.getExtension('modelport.modelport');
    assert.ok(extension);
    await cp(join(extension.extensionPath, 'samples', 'azureml-sklearn'), dir(), { recursive: true });
    // The model, trained by the environment's own scikit-learn (as a data scientist's notebook would).
    const env = await ensurePythonEnvironment(await loadPythonEnvironment(join(dir(), 'env.yml')), { workspaceDir: join(projectDir(), '.modelport'), basePython: process.env.MODELPORT_PYTHON || 'python3' });
    const train = spawnSync(env.python, [join(dir(), 'train.py'), join(dir(), 'model.pkl')], { encoding: 'utf8', timeout: 120_000 });
    assert.equal(train.status, 0, train.stderr);
    const predict = spawnSync(env.python, ['-c', 'import sys, json, joblib; print(json.dumps(joblib.load(sys.argv[1]).predict(json.loads(sys.argv[2])["data"]).tolist()))', join(dir(), 'model.pkl'), request], { encoding: 'utf8' });
    expected = JSON.parse(predict.stdout);
  });

  suiteTeardown(async () => {
    if (!api) return;
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('workbench.view.explorer');
    for (const s of services) await vscode.commands.executeCommand('modelport.service.delete', s, { confirm: false });
    await vscode.commands.executeCommand('modelport.model.delete', 'classification_model:1', { confirm: false });
    await rm(dir(), { recursive: true, force: true });
  });

  test('Register Model on model.pkl, Deploy with its inference config: the tester scores the seeds\' request', async () => {
    const model = (await vscode.commands.executeCommand('modelport.model.register', vscode.Uri.file(join(dir(), 'model.pkl')), { name: 'classification_model' })) as RegisteredModel | undefined;
    assert.ok(model, `register failed: ${api.lastOutcome()?.error?.message ?? '?'}`);
    assert.equal(model.framework, 'custom');
    const service = (await vscode.commands.executeCommand('modelport.model.deploy', model.id, { name: 'sk-local', computeType: 'local', authMode: 'key', inferenceConfig: join(dir(), 'inferenceconfig.json') })) as ServiceStatus | undefined;
    assert.ok(service, `deploy failed: ${api.lastOutcome()?.error?.message ?? '?'}`);
    services.push('sk-local');
    assert.equal(service.state, 'Healthy');
    assert.match(service.python?.executable ?? '', /bin\/python$/);
    const outcome = await scoreInTester(api, 'sk-local');
    assert.ok(outcome.ok, outcome.ok ? '' : outcome.message);
    assert.equal(outcome.result.status, 200, outcome.result.body);
    assert.deepEqual(JSON.parse(outcome.result.body), expected);

    await vscode.commands.executeCommand('workbench.action.closeSidebar');
    await vscode.commands.executeCommand('workbench.action.closePanel');
    await vscode.commands.executeCommand('workbench.action.closeAuxiliaryBar').then(undefined, () => undefined);
    await vscode.commands.executeCommand('notifications.clearAll');
    await screenshot('tester-python-in-host.png', ['#status-line:has-text("200")']);
  });

  test('the same project deployed to Docker answers the same', async function () {
    const why = engineMissing();
    if (why) {
      console.log(`skipping the Docker deployment: ${why}`);
      this.skip();
    }
    process.env.MODELPORT_DOCKER_RUN_ARGS ??= process.env.CTR_RUN_NET_ARGS ?? '';
    process.env.MODELPORT_DOCKER_BUILD_ARGS ??= process.env.CTR_BUILD_NET_ARGS ?? '';
    const service = (await vscode.commands.executeCommand('modelport.model.deploy', 'classification_model:1', { name: 'sk-docker', computeType: 'docker', authMode: 'none', inferenceConfig: join(dir(), 'inferenceconfig.json') })) as ServiceStatus | undefined;
    assert.ok(service, `deploy failed: ${api.lastOutcome()?.error?.message ?? '?'}`);
    services.push('sk-docker');
    assert.equal(service.computeType, 'docker');
    const outcome = await scoreInTester(api, 'sk-docker');
    assert.ok(outcome.ok, outcome.ok ? '' : outcome.message);
    assert.equal(outcome.result.status, 200, outcome.result.body);
    assert.deepEqual(JSON.parse(outcome.result.body), expected);
    await vscode.commands.executeCommand('notifications.clearAll');
    await screenshot('tester-python-docker-in-host.png', ['#status-line:has-text("200")']);
  });
});
