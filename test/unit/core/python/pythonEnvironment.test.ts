// Environment files as Azure users write them (conda env.yml, requirements.txt), their pip plan, the Azure model
// layout of registered models, and what the docker build context holds for a score.py.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { planBuildContext, type BuildContextRequest } from '../../../../src/core/docker/buildContext';
import { ConfigError } from '../../../../src/core/errors';
import { azureModelDir, materializeAzureLayout, planAzureModelFiles, registeredName } from '../../../../src/core/python/azureModelLayout';
import { parsePythonEnvironment } from '../../../../src/core/python/environmentFile';
import { condaSpecToPip, planPipInstall } from '../../../../src/core/python/pipMapping';
import { planScaffold } from '../../../../src/core/scaffold/planScaffold';
import { ModelRegistry } from '../../../../src/core/registry/modelRegistry';

const root = mkdtempSync(join(tmpdir(), 'modelport-pyenv-'));
after(() => rmSync(root, { recursive: true, force: true }));

const envYml = `name: project_environment
channels:
  - conda-forge
dependencies:
  - python=3.8
  - numpy=1.26
  - scikit-learn>=1.3
  - conda-forge::pandas=2.1.4=py311h_0
  - mkl
  - py-xgboost
  - pip
  - pip:
    - azureml-defaults>=1.40
    - inference-schema[numpy-support]
    - joblib==1.3.2
    - --extra-index-url https://example.invalid/simple
`;

test('a conda env.yml: python pin, conda packages, the pip list', () => {
  const spec = parsePythonEnvironment(envYml, '/p/env.yml');
  assert.equal(spec.kind, 'conda');
  assert.equal(spec.name, 'project_environment');
  assert.deepEqual(spec.channels, ['conda-forge']);
  assert.equal(spec.pythonVersion, '3.8');
  assert.deepEqual(spec.condaPackages, ['numpy=1.26', 'scikit-learn>=1.3', 'conda-forge::pandas=2.1.4=py311h_0', 'mkl', 'py-xgboost']);
  assert.deepEqual(spec.pipPackages, ['azureml-defaults>=1.40', 'inference-schema[numpy-support]', 'joblib==1.3.2', '--extra-index-url https://example.invalid/simple']);
  assert.match(spec.sha256, /^[0-9a-f]{64}$/);
});

test('conda versions become pip requirements; names that differ are mapped', () => {
  assert.deepEqual(condaSpecToPip('numpy=1.26'), { name: 'numpy', requirement: 'numpy==1.26.*' });
  assert.deepEqual(condaSpecToPip('numpy=1.26.4=py311h64a7726_0'), { name: 'numpy', requirement: 'numpy==1.26.4' });
  assert.deepEqual(condaSpecToPip('numpy==1.26.4'), { name: 'numpy', requirement: 'numpy==1.26.4' });
  assert.deepEqual(condaSpecToPip('scikit-learn >=1.3,<2'), { name: 'scikit-learn', requirement: 'scikit-learn>=1.3,<2' });
  assert.deepEqual(condaSpecToPip('pytorch'), { name: 'pytorch', requirement: 'torch' });
  assert.deepEqual(condaSpecToPip('conda-forge::py-xgboost=2.0'), { name: 'py-xgboost', requirement: 'xgboost==2.0.*' });
});

test('the pip plan: Azure-only packages provided by Modelport, inference-schema optional, conda-only packages and pip options named', () => {
  const plan = planPipInstall(parsePythonEnvironment(envYml, '/p/env.yml'));
  assert.deepEqual(plan.requirements, ['numpy==1.26.*', 'scikit-learn>=1.3', 'pandas==2.1.4', 'xgboost', 'numpy', 'joblib==1.3.2']);
  assert.deepEqual(plan.optional, ['inference-schema[numpy-support]']);
  assert.deepEqual(plan.providedByModelport, ['azureml-defaults>=1.40']);
  assert.equal(plan.warnings.length, 3);
  assert.match(plan.warnings[0] ?? '', /pip option "--extra-index-url https:\/\/example\.invalid\/simple" .* is not passed on: set it in pip's configuration/);
  assert.match(plan.warnings[1] ?? '', /no pip equivalent, left out of the pip environment: mkl\. Install conda/);
  assert.match(plan.warnings[2] ?? '', /Provided by Modelport, not installed: azureml-defaults>=1\.40/);
});

test('requirements.txt: lines as they are, comments dropped', () => {
  const spec = parsePythonEnvironment('# deps\nscikit-learn==1.9.1  # the model\n\njoblib\nazureml-defaults\n', '/p/requirements.txt');
  assert.equal(spec.kind, 'requirements');
  assert.deepEqual(planPipInstall(spec).requirements, ['scikit-learn==1.9.1', 'joblib']);
});

test('a broken env.yml is a located ConfigError', () => {
  assert.throws(() => parsePythonEnvironment('name: x\ndependencies:\n  - numpy\n  bad: [\n', '/p/env.yml'), (err: unknown) => err instanceof ConfigError && /\/p\/env\.yml:\d+:\d+: not valid YAML/.test(err.message));
  assert.throws(() => parsePythonEnvironment('dependencies: numpy\n', '/p/env.yml'), /dependencies must be a list/);
});

test('registered models keep their original name: azureml-models/<name>/<version>/<file or folder>', async () => {
  const registry = new ModelRegistry(join(root, 'ws'));
  const src = join(root, 'src');
  mkdirSync(join(src, 'model', 'sub'), { recursive: true });
  writeFileSync(join(src, 'model', 'sklearn_regression_model.pkl'), 'pkl');
  writeFileSync(join(src, 'model', 'sub', 'vocab.txt'), 'v');
  writeFileSync(join(src, 'clf.joblib'), 'joblib');
  const folder = await registry.register({ source: join(src, 'model'), name: 'my_first_model' });
  const file = await registry.register({ source: join(src, 'clf.joblib'), name: 'clf' });
  assert.deepEqual(registeredName(folder), { kind: 'folder', name: 'model' });
  assert.deepEqual(registeredName(file), { kind: 'file', name: 'clf.joblib' });
  assert.equal(file.framework, 'custom');
  const files = planAzureModelFiles([folder, file]);
  assert.deepEqual(files.map((f) => f.path).sort(), ['azureml-models/clf/1/clf.joblib', 'azureml-models/my_first_model/1/model/sklearn_regression_model.pkl', 'azureml-models/my_first_model/1/model/sub/vocab.txt']);
  const app = join(root, 'app');
  await materializeAzureLayout(app, files);
  assert.equal(readFileSync(join(app, 'azureml-models/my_first_model/1/model/sklearn_regression_model.pkl'), 'utf8'), 'pkl');
  assert.equal(statSync(join(app, 'azureml-models/clf/1/clf.joblib')).ino, statSync(join(file.path, 'clf.joblib')).ino, 'hard-linked, not copied');
  assert.equal(azureModelDir(app, [file]), join(app, 'azureml-models/clf/1'));
  assert.equal(azureModelDir(app, [file, folder]), join(app, 'azureml-models'));
  // Versions registered before the original name was recorded: a lone file keeps its name, a folder takes the model's.
  assert.deepEqual(registeredName({ name: 'old', files: [{ path: 'a.pkl', size: 1, sha256: '0'.repeat(64) }], source: undefined }), { kind: 'file', name: 'a.pkl' });
  assert.deepEqual(registeredName({ name: 'old', files: [{ path: 'x/a.pkl', size: 1, sha256: '0'.repeat(64) }], source: undefined }), { kind: 'folder', name: 'old' });
});

const baseRequest: BuildContextRequest = {
  serviceName: 'sk',
  generation: 3,
  baseImage: 'node:20-slim',
  runtime: { packageJson: '{}', packageLock: '{}', installCommand: ['npm', 'ci'] },
  serverBundle: { source: '/dist/cli.js', sourceMap: undefined },
  models: [{ name: 'classification_model', version: 1, files: [{ path: 'model.pkl', source: '/ws/models/classification_model/1/model.pkl' }] }],
  source: { files: [{ path: 'score.py', source: '/p/score.py' }], entryScript: 'score.py' },
  authMode: 'none',
  timeoutMs: 60000,
  corsOrigins: [],
  variables: {},
};

test('a score.py image: python3 and the environment after npm, in a layer named by the environment hash; Azure variables', () => {
  const plan = planBuildContext({
    ...baseRequest,
    python: {
      assets: [{ path: 'modelport_boot.py', source: '/dist/python/modelport_boot.py' }],
      wheelhouse: { key: 'de4ed33134bcf1e5', files: [{ path: 'requirements.txt', source: '/w/requirements.txt' }, { path: 'numpy.whl', source: '/w/numpy.whl' }] },
      workers: 2,
    },
  });
  const d = plan.dockerfile;
  const at = (text: string): number => d.indexOf(text);
  assert.ok(at('RUN npm ci') < at('apt-get install -y --no-install-recommends python3 python3-venv'), 'Debian packages after npm: its ca-certificates would rewrite the base bundle npm needs');
  assert.match(d, /COPY python-env\/ \/opt\/modelport-env-src-de4ed33134bcf1e5\//);
  assert.match(d, /pip install --no-cache-dir --disable-pip-version-check --no-index --find-links \/opt\/modelport-env-src-de4ed33134bcf1e5 -r \/opt\/modelport-env-src-de4ed33134bcf1e5\/requirements\.txt/);
  assert.ok(at('python-env/') < at('COPY server/'), 'the environment layer comes before what changes more often');
  assert.deepEqual(
    { dir: plan.env.AZUREML_MODEL_DIR, root: plan.env.AML_APP_ROOT, python: plan.env.MODELPORT_PYTHON, workers: plan.env.WORKER_COUNT, script: plan.env.AZUREML_ENTRY_SCRIPT },
    { dir: '/var/azureml-app/azureml-models/classification_model/1', root: '/var/azureml-app', python: '/opt/modelport-env/bin/python', workers: '2', script: '/var/azureml-app/source/score.py' },
  );
  assert.ok(plan.files.some((f) => f.path === 'server/python/modelport_boot.py'));
  assert.ok(plan.files.some((f) => f.path === 'python-env/numpy.whl'));
  const plain = planBuildContext({ ...baseRequest, python: { assets: [], wheelhouse: undefined, workers: undefined } });
  assert.equal(plain.env.MODELPORT_PYTHON, 'python3');
  assert.doesNotMatch(plain.dockerfile, /python-env/);
  assert.doesNotMatch(planBuildContext(baseRequest).dockerfile, /python3/, 'a JavaScript service image has no Python');
});

test('scaffolds: a joblib score.py, a schema-typed one from an ONNX signature, a conda env.yml, a Python inference config', () => {
  const [pickle] = planScaffold({ kind: 'entry-script-py', targetDir: '/p', model: { name: 'classification_model' } });
  assert.match(pickle?.content ?? '', /model_path = Model\.get_model_path\('classification_model'\)\n {4}model = joblib\.load\(model_path\)/);
  assert.match(pickle?.content ?? '', /data = np\.array\(json\.loads\(raw_data\)\["data"\]\)/);
  const [onnx] = planScaffold({ kind: 'entry-script-py', targetDir: '/p', model: { name: 'iris', signature: { inputs: [{ name: 'features', type: 'float32', shape: ['N', 4] }], outputs: [{ name: 'label', type: 'int64', shape: ['N'] }] } } });
  assert.match(onnx?.content ?? '', /@input_schema\('features', NumpyParameterType\(np\.full\(\[1,4\], 0, dtype="float32"\)\)\)/);
  assert.match(onnx?.content ?? '', /@output_schema\(NumpyParameterType\(np\.full\(\[1\], 0, dtype="int64"\)\)\)\ndef run\(features\):/);
  const [env] = planScaffold({ kind: 'conda-environment', targetDir: '/p' });
  const spec = parsePythonEnvironment(env?.content ?? '', '/p/env.yml');
  assert.deepEqual([spec.name, spec.condaPackages, spec.pipPackages], ['env', ['numpy', 'scikit-learn'], ['azureml-defaults', 'joblib']]);
  const [config] = planScaffold({ kind: 'inference-config', targetDir: '/p', entryScript: 'score.py', environmentFile: 'env.yml' });
  assert.deepEqual(JSON.parse(config?.content ?? '{}'), { entryScript: 'score.py', sourceDirectory: '.', runtime: 'python', condaFile: 'env.yml', description: 'Serves a model through score.py' });
  assert.throws(() => planScaffold({ kind: 'entry-script-py', targetDir: '/p', fileName: 'score.ts' }), /ends in \.py/);
});
