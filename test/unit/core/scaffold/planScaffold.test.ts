// Scaffold plans: configs valid against the JSON Schemas (the ones VS Code uses), entry scripts that load
// through the server's own loader, pass its contract check, and serve real requests on a real model.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { parseDeploymentConfig } from '../../../../src/core/config/deploymentConfig';
import { parseEnvironmentFile } from '../../../../src/core/config/environmentFile';
import { parseInferenceConfig } from '../../../../src/core/config/inferenceConfig';
import { readSignature } from '../../../../src/core/onnx/readSignature';
import type { ModelSignature } from '../../../../src/core/onnx/signature';
import { planScaffold } from '../../../../src/core/scaffold/planScaffold';
import type { ScaffoldRequest } from '../../../../src/core/scaffold/scaffoldRequest';
import { sampleValue } from '../../../../src/core/scaffold/signatureSamples';
import { checkEntryScript } from '../../../../src/server/scoring/entryScript/contract';
import { loadEntryModule } from '../../../../src/server/scoring/entryScript/loadModule';
import { json, startService } from '../../../helpers/startService';

// Inside the repo (ignored by git) so scripts resolve packages from its node_modules, as a project would.
const tmpRoot = resolve('.tmp');
let dir: string;
let fashion: ModelSignature;
let iris: ModelSignature;

before(async () => {
  await mkdir(tmpRoot, { recursive: true });
  dir = await mkdtemp(join(tmpRoot, 'scaffold-'));
  fashion = readSignature(await readFile('samples/fashion-mnist/model.onnx'), 'fashion');
  iris = readSignature(await readFile('samples/iris/model.onnx'), 'iris');
});
after(() => rm(dir, { recursive: true, force: true }));

async function write(request: ScaffoldRequest): Promise<string> {
  const plan = planScaffold(request);
  assert.equal(plan.length, 1);
  const file = plan[0]!;
  await mkdir(request.targetDir, { recursive: true });
  await writeFile(file.path, file.content);
  return file.path;
}

describe('config plans validate against the schemas', () => {
  test('inference config', () => {
    const [file] = planScaffold({ kind: 'inference-config', targetDir: '/p', entryScript: 'score.ts', environmentFile: 'environment.json', model: { name: 'fashion' } });
    assert.equal(file?.path, '/p/inferenceconfig.json');
    const config = parseInferenceConfig(file!.content, 'inferenceconfig.json', '/p');
    assert.equal(config.entryScript, '/p/score.ts');
    assert.equal(config.environmentFile, '/p/environment.json');
  });

  test('environment file', () => {
    const [file] = planScaffold({ kind: 'environment', targetDir: '/p', fileName: 'scoring.environment.json' });
    const env = parseEnvironmentFile(file!.content, 'scoring.environment.json', '/p');
    assert.equal(env.name, 'scoring.environment');
    assert.equal(env.node, '>=20');
  });

  for (const computeType of ['local', 'docker', 'aci', 'kubernetes'] as const) {
    for (const authMode of ['none', 'key', 'token'] as const) {
      test(`deployment config: ${computeType}, auth ${authMode}`, () => {
        const [file] = planScaffold({ kind: 'deployment-config', targetDir: '/p', computeType, authMode, port: 5005, dockerRunArgs: ['--memory', '1g'] });
        const config = parseDeploymentConfig(file!.content, 'deploymentconfig.json', '/p');
        assert.equal(config.computeType, computeType);
        assert.equal(config.auth, authMode);
        if (config.computeType === 'local' || config.computeType === 'docker') assert.equal(config.port, 5005);
        if (config.computeType === 'docker') assert.deepEqual(config.docker.runArgs, ['--memory', '1g']);
      });
    }
  }

  test('file names that are paths are refused; extensions must match the language', () => {
    assert.throws(() => planScaffold({ kind: 'environment', targetDir: '/p', fileName: '../x.json' }), /plain file name/);
    assert.throws(() => planScaffold({ kind: 'entry-script-js', targetDir: '/p', fileName: 'score.ts' }), /\.js/);
  });
});

describe('entry scripts', () => {
  test('samples follow the signature: dynamic dims become 1, fixed dims stay', () => {
    const [file] = planScaffold({ kind: 'entry-script-ts', targetDir: '/p', model: { name: 'fashion', version: 2, signature: fashion } });
    assert.match(file!.content, /image: filled\(\[1, 1, 28, 28\], 0\)/);
    assert.match(file!.content, /logits: filled\(\[1, 10\], 0\)/);
    assert.match(file!.content, /image: number\[\]\[\]\[\]\[\];/);
    assert.match(file!.content, /model "fashion" \(version 2\)/);
  });

  test('a TypeScript script loads through the server loader and passes the contract check', async () => {
    const file = await write({ kind: 'entry-script-ts', targetDir: join(dir, 'ts'), model: { name: 'iris', signature: iris } });
    const script = checkEntryScript(file, await loadEntryModule(file));
    assert.deepEqual(script.inputSample, { features: [[0, 0, 0, 0]] });
    assert.deepEqual(script.outputSample, { probabilities: [[0, 0, 0]] });
    assert.equal(script.raw, false);
  });

  test('a JavaScript script (CommonJS) loads and passes the contract check', async () => {
    const file = await write({ kind: 'entry-script-js', targetDir: join(dir, 'js'), model: { name: 'iris', signature: iris } });
    const script = checkEntryScript(file, await loadEntryModule(file));
    assert.deepEqual(Object.keys(script.inputSample ?? {}), ['features']);
  });

  test('without a signature the script is untyped', async () => {
    const file = await write({ kind: 'entry-script-ts', targetDir: join(dir, 'untyped'), model: { name: 'custom' } });
    const script = checkEntryScript(file, await loadEntryModule(file));
    assert.equal(script.inputSample, undefined);
  });

  test('names that are not identifiers are quoted', () => {
    const signature: ModelSignature = {
      inputs: [{ name: 'input.1', type: 'int64', shape: [null, 3] }, { name: 'flag', type: 'bool', shape: [] }],
      outputs: [{ name: 'out:0', type: 'string', shape: ['n'] }],
    };
    const [file] = planScaffold({ kind: 'entry-script-ts', targetDir: '/p', model: { name: 'odd', signature } });
    assert.match(file!.content, /"input\.1": filled\(\[1, 3\], 0\)/);
    assert.match(file!.content, /toTensor\("int64", input\["input\.1"\]\)/);
    assert.match(file!.content, /flag: filled\(\[\], false\)/);
    assert.deepEqual(sampleValue(signature.inputs[0]!), [[0, 0, 0]]);
  });

  for (const kind of ['entry-script-ts', 'entry-script-js'] as const) test(`a generated ${kind} serves the iris model over HTTP, typed by its samples`, async () => {
    const file = await write({ kind, targetDir: join(dir, `serve-${kind}`), model: { name: 'iris', signature: iris } });
    const svc = await startService({ entryScript: file, model: ['iris=samples/iris'] });
    try {
      const res = await fetch(`${svc.url}/score`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ features: [[5.1, 3.5, 1.4, 0.2], [6.7, 3.0, 5.2, 2.3]] }) });
      assert.equal(res.status, 200);
      const body = (await json(res)) as { probabilities: number[][] };
      assert.equal(body.probabilities.length, 2);
      const best = body.probabilities.map((row) => row.indexOf(Math.max(...row)));
      assert.deepEqual(best, [0, 2], 'setosa, then virginica');
      const bad = await fetch(`${svc.url}/score`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ data: [[1, 2, 3, 4]] }) });
      assert.equal(bad.status, 400, 'the sample names the parameter');
      const swagger = (await json(await fetch(`${svc.url}/swagger.json`))) as { definitions?: Record<string, unknown>; components?: unknown };
      assert.match(JSON.stringify(swagger), /features/);
    } finally {
      await svc.close();
    }
  });

  test('a generated raw-image script classifies a sample image with its labels', async () => {
    const file = await write({ kind: 'entry-script-raw-image', targetDir: join(dir, 'raw'), model: { name: 'fashion', signature: fashion } });
    assert.equal(checkEntryScript(file, await loadEntryModule(file)).raw, true);
    const svc = await startService({ entryScript: file, model: ['fashion=samples/fashion-mnist'] });
    try {
      const png = await readFile('samples/fashion-mnist/images/sneaker.png');
      const res = await fetch(`${svc.url}/score`, { method: 'POST', headers: { 'content-type': 'image/png' }, body: png });
      assert.equal(res.status, 200);
      const body = (await json(res)) as { predictions: Array<{ label: string; probability: number }> };
      assert.equal(body.predictions[0]?.label, 'Sneaker');
      assert.equal(body.predictions.length, 3);
    } finally {
      await svc.close();
    }
  });
});
