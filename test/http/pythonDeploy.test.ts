// The seeds' Azure ML project end to end, through the built CLI: a scikit-learn model registered as
// 'classification_model', its unchanged score.py and conda env.yml, deployed locally and with --target docker,
// answering the seeds' request. The environment is built for real (pip from this machine's configured indexes)
// once per content hash in MODELPORT_ENV_CACHE (shared by the test runs on a machine), the model trained with it.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ensurePythonEnvironment } from '../../src/core/python/environmentBuilder';
import { loadPythonEnvironment } from '../../src/core/python/environmentFile';
import { findPython, makeSklearnModel, sklearnPredict, skipUnlessPython } from '../helpers/python';
import { runCli } from '../helpers/spawnServe';
import { startService } from '../helpers/startService';
import { planScaffold } from '../../src/core/scaffold/planScaffold';
import { writeFileSync } from 'node:fs';

const sample = resolve('samples/azureml-sklearn');
const request = readFileSync(join(sample, 'request.json'), 'utf8');
const rows = (JSON.parse(request) as { data: number[][] }).data;

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

async function cli(args: string[], env: NodeJS.ProcessEnv): Promise<Result> {
  const run = runCli(args, env);
  let stdout = '';
  let stderr = '';
  run.child.stdout?.on('data', (c: Buffer) => (stdout += c.toString()));
  run.child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
  return { code: await run.exit, stdout, stderr };
}

function venvSkipReason(): string | false {
  const noPython = skipUnlessPython();
  if (noPython) return noPython;
  const python = findPython();
  const r = spawnSync(python?.path ?? 'python3', ['-c', 'import venv, ensurepip'], { timeout: 30_000 });
  return r.status === 0 ? false : `needs python3 with venv and ensurepip (on Debian: apt-get install python3-venv)`;
}

function engineSkipReason(): string | false {
  if (!process.env.DOCKER_HOST) return 'DOCKER_HOST is not set: start an engine (bash ../shared/container-engine/engine.sh up; source its env file)';
  const r = spawnSync('docker', ['version', '--format', '{{.Server.Version}}'], { encoding: 'utf8', timeout: 15_000 });
  return r.status === 0 ? false : `no container engine answers at ${process.env.DOCKER_HOST}`;
}

const skip = venvSkipReason();
process.env.MODELPORT_DOCKER_RUN_ARGS ??= process.env.CTR_RUN_NET_ARGS ?? '';
process.env.MODELPORT_DOCKER_BUILD_ARGS ??= process.env.CTR_BUILD_NET_ARGS ?? '';

describe('the seeds\' Azure ML project (score.py + env.yml), deployed unchanged', { skip }, () => {
  const suffix = Math.random().toString(36).slice(2, 8);
  let ws: string;
  let env: NodeJS.ProcessEnv;
  let envPython: string;
  let modelFile: string;
  let expected: number[];
  const services: string[] = [];

  before(async () => {
    ws = mkdtempSync(join(tmpdir(), 'mp-py-deploy-'));
    env = { MODELPORT_WORKSPACE: ws, MODELPORT_ENV_CACHE: join(tmpdir(), 'modelport-test-python-envs'), MODELPORT_PYTHON: findPython()?.path ?? 'python3' };
    // The environment the deployment will reuse (same file, same cache): the model is trained with its scikit-learn.
    const built = await ensurePythonEnvironment(await loadPythonEnvironment(join(sample, 'env.yml')), { workspaceDir: ws, basePython: env.MODELPORT_PYTHON as string, env: { ...process.env, ...env } });
    envPython = built.python;
    modelFile = join(ws, 'model.pkl');
    makeSklearnModel({ path: envPython, version: built.info.version }, modelFile);
    expected = sklearnPredict({ path: envPython, version: built.info.version }, modelFile, rows);
    const reg = await cli(['model', 'register', modelFile, '--name', 'classification_model'], env);
    assert.equal(reg.code, 0, reg.stderr);
  });
  after(async () => {
    for (const s of services) await cli(['service', 'delete', s, '--yes'], env);
    rmSync(ws, { recursive: true, force: true });
  });

  test('a pickle deployed without an entry script is refused before anything starts, saying what would serve it', async () => {
    const r = await cli(['service', 'deploy', `nope-${suffix}`, '--model', 'classification_model'], env);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /only when it is ONNX; classification_model:1 \(model\.pkl\) is not/);
    assert.match(r.stderr, /skl2onnx/);
    assert.doesNotMatch((await cli(['service', 'list'], env)).stdout, new RegExp(`nope-${suffix}`));
  });

  test('without an environment, a Python that lacks the script\'s imports is refused early, naming them', async () => {
    const bare = mkdtempSync(join(tmpdir(), 'mp-py-bare-'));
    spawnSync(env.MODELPORT_PYTHON as string, ['-m', 'venv', '--without-pip', join(bare, 'venv')]);
    const r = await cli(['service', 'deploy', `bare-${suffix}`, '--model', 'classification_model', '--entry-script', join(sample, 'score.py'), '--python', join(bare, 'venv', 'bin', 'python')], env);
    rmSync(bare, { recursive: true, force: true });
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /imports joblib, numpy, which Python [\d.]+ \(.*venv\/bin\/python\) cannot import/);
  });

  test('local: the env.yml becomes an environment, reused; the service answers the seeds\' request', async () => {
    const name = `sk-${suffix}`;
    services.push(name);
    const r = await cli(['service', 'deploy', name, '--model', 'classification_model', '--inference-config', join(sample, 'inferenceconfig.json')], env);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /Python environment for .*env\.yml: reusing/);
    assert.match(r.stderr, /Python \d+\.\d+\.\d+ \(.*\), environment project_environment from/);
    assert.match(r.stderr, /Entry script ready: .*score\.py, plain run\(\); 1 worker\(s\)/);
    const show = JSON.parse((await cli(['service', 'show', name, '--json'], env)).stdout) as { scoringUri: string; python: { executable: string } };
    assert.equal(show.python.executable.startsWith(join(tmpdir(), 'modelport-test-python-envs')), true);
    const res = await fetch(show.scoringUri, { method: 'POST', headers: { 'content-type': 'application/json' }, body: request });
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), expected);
    const invoke = await cli(['invoke', name, '--json-file', join(sample, 'request.json')], env);
    assert.equal(invoke.code, 0, invoke.stderr);
    assert.deepEqual(JSON.parse(invoke.stdout), expected);
  });

  test('the score.py that New Entry Script writes for a pickle serves the model as it is', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mp-py-scaffold-'));
    const [file] = planScaffold({ kind: 'entry-script-py', targetDir: dir, model: { name: 'classification_model' } });
    assert.ok(file);
    writeFileSync(file.path, file.content);
    const svc = await startService({ entryScript: file.path, model: [`classification_model=${modelFile}`] }, { ...process.env, MODELPORT_PYTHON: envPython });
    try {
      const res = await fetch(`${svc.url}/score`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: request });
      assert.equal(res.status, 200);
      assert.deepEqual(await res.json(), expected);
    } finally {
      await svc.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('docker: the image gets Python and the same environment; the container answers the same', { skip: engineSkipReason() }, async () => {
    const name = `skd-${suffix}`;
    services.push(name);
    const r = await cli(['service', 'deploy', name, '--model', 'classification_model', '--inference-config', join(sample, 'inferenceconfig.json'), '--target', 'docker'], env);
    assert.equal(r.code, 0, `${r.stderr}`);
    assert.match(r.stderr, /Downloading the image's Python packages|Python packages for the image of .*: reusing/);
    assert.match(r.stderr, /Entry script ready: \/var\/azureml-app\/source\/score\.py, plain run\(\)/);
    const show = JSON.parse((await cli(['service', 'show', name, '--json'], env)).stdout) as { scoringUri: string };
    const res = await fetch(show.scoringUri, { method: 'POST', headers: { 'content-type': 'application/json' }, body: request });
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), expected);
  });
});
