// inferenceconfig.json: paths resolved the way Azure resolves them, environments read inline or from a file,
// and broken files rejected with a located message.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ConfigError } from '../../../../src/core/errors';
import { parseInferenceConfig } from '../../../../src/core/config/inferenceConfig';
import { loadInferenceConfig } from '../../../../src/core/config/loadConfig';

const fixtures = resolve('test/fixtures/config');
const label = 'inferenceconfig.json';

function messageOf(text: string): string {
  try {
    parseInferenceConfig(text, label, '/work/project');
  } catch (err) {
    assert.ok(err instanceof ConfigError, `expected a ConfigError, got ${String(err)}`);
    return err.message;
  }
  assert.fail('expected the config to be rejected');
}

test('sourceDirectory is relative to the config file; entryScript and environmentFile to sourceDirectory', async () => {
  const config = await loadInferenceConfig(join(fixtures, 'project/inferenceconfig.json'));
  assert.equal(config.sourceDirectory, join(fixtures, 'project/src'));
  assert.equal(config.entryScript, join(fixtures, 'project/src/score.js'));
  assert.equal(config.environmentFile, join(fixtures, 'project/src/environment.json'));
  assert.equal(config.runtime, 'node');
  assert.equal(config.description, 'Fashion-MNIST classifier');
  assert.deepEqual(config.environment, {
    name: 'fashion-env',
    version: undefined,
    description: undefined,
    node: '>=20',
    dependencies: { lodash: '^4.17.21', '@scope/helper': '1.2.3' },
    variables: { LABELS_FILE: 'labels.txt' },
    python: { condaFile: undefined, interpreter: undefined },
  });
});

test('Azure-style inline environment: Azure-only keys accepted, environmentVariables merged, null sourceDirectory = config folder', async () => {
  const config = await loadInferenceConfig(join(fixtures, 'inline-env/inferenceconfig.json'));
  assert.equal(config.sourceDirectory, join(fixtures, 'inline-env'));
  assert.equal(config.entryScript, join(fixtures, 'inline-env/score.ts'));
  assert.equal(config.environmentFile, undefined);
  assert.equal(config.environment?.name, 'azure-style-env');
  assert.equal(config.environment?.version, '1');
  assert.deepEqual(config.environment?.variables, { EXAMPLE_VAR: 'from-azure', SHARED: 'modelport' });
});

test('parse (unsaved text) resolves against baseDir without touching the disk', () => {
  const config = parseInferenceConfig('{"entryScript": "lib/score.mjs", "sourceDirectory": "app", "extraDockerfileSteps": "steps.docker"}', label, '/work/project');
  assert.equal(config.sourceDirectory, '/work/project/app');
  assert.equal(config.entryScript, '/work/project/app/lib/score.mjs');
  assert.equal(config.extraDockerfileSteps, '/work/project/app/steps.docker');
  assert.equal(config.environment, undefined);
});

test('missing entryScript and a misspelt key: both located', () => {
  assert.equal(
    messageOf('{\n  "entryscript": "score.js"\n}'),
    ['inferenceconfig.json:1:1: missing required property "entryScript"', 'inferenceconfig.json:2:3: unknown property "entryscript" (did you mean "entryScript"?)'].join('\n'),
  );
});

test('a score.py runs in the Python runtime; scripts outside sourceDirectory are refused at the value', () => {
  const py = parseInferenceConfig('{\n  "entryScript": "score.py",\n  "condaFile": "env.yml"\n}', label, '/work/project');
  assert.equal(py.runtime, 'python');
  assert.equal(py.pythonEnvironmentFile, '/work/project/env.yml');
  assert.equal(
    messageOf('{"entryScript": "../score.js", "sourceDirectory": "src"}'),
    'inferenceconfig.json:1:17: /entryScript must be inside sourceDirectory (/work/project/src), since only that folder is shipped with the service',
  );
});

test('runtime and the entry script must agree; other runtimes list the allowed values', () => {
  assert.equal(messageOf('{"entryScript": "s.js", "runtime": "python"}'), 'inferenceconfig.json:1:17: /entryScript must be a Python file (.py) when /runtime is "python"');
  assert.equal(messageOf('{"entryScript": "s.py", "runtime": "node"}'), 'inferenceconfig.json:1:36: /runtime is "node" but /entryScript is a Python file: set "runtime": "python" or remove /runtime');
  assert.equal(messageOf('{"entryScript": "s.py", "runtime": "spark-py"}'), 'inferenceconfig.json:1:36: /runtime must be one of "python", "node" (got "spark-py")');
  assert.equal(messageOf('{"entryScript": "s.rb"}'), 'inferenceconfig.json:1:17: /entryScript must be a Python file (.py) or a JavaScript or TypeScript file (.js, .mjs, .cjs, .ts, .mts, .cts)');
});

test('Azure\'s environment.python section names the conda file and a user-managed interpreter', () => {
  const snake = parseInferenceConfig('{"entryScript": "score.py", "environment": {"python": {"conda_dependencies_file": "envs/env.yml"}}}', label, '/work/project');
  assert.equal(snake.pythonEnvironmentFile, '/work/project/envs/env.yml');
  const camel = parseInferenceConfig('{"entryScript": "score.py", "environment": {"python": {"condaDependenciesFile": "env.yml", "interpreterPath": "/opt/py/bin/python", "userManagedDependencies": true}}}', label, '/work/project');
  assert.equal(camel.pythonEnvironmentFile, '/work/project/env.yml');
  assert.equal(camel.pythonInterpreter, '/opt/py/bin/python');
  const notManaged = parseInferenceConfig('{"entryScript": "score.py", "environment": {"python": {"interpreterPath": "python", "userManagedDependencies": false}}}', label, '/work/project');
  assert.equal(notManaged.pythonInterpreter, undefined);
  assert.match(messageOf('{"entryScript": "score.py", "condaFile": "a.yml", "environment": {"python": {"conda_dependencies_file": "b.yml"}}}'), /\/condaFile and \/environment\/python\/conda_dependencies_file name different files/);
});

test('environment and environmentFile together are refused', () => {
  assert.equal(
    messageOf('{"entryScript": "s.js", "environment": {}, "environmentFile": "env.json"}'),
    'inferenceconfig.json:1:63: /environmentFile cannot be used together with /environment: keep one of them',
  );
});

test('errors inside an inline environment carry the full pointer', () => {
  assert.equal(
    messageOf('{"entryScript": "s.js", "environment": {"variables": {"A": 1}}}'),
    'inferenceconfig.json:1:60: /environment/variables/A must be a string (got 1)',
  );
});

test('load: missing entry script and environment file are reported at their lines', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'modelport-config-'));
  try {
    const file = join(dir, 'inferenceconfig.json');
    await writeFile(file, '{\n  "entryScript": "score.js",\n  "environmentFile": "env.json"\n}');
    await assert.rejects(loadInferenceConfig(file), (err: unknown) => {
      assert.ok(err instanceof ConfigError);
      assert.equal(
        err.message,
        [`${file}:2:18: /entryScript: file not found: ${join(dir, 'score.js')}`, `${file}:3:22: /environmentFile: file not found: ${join(dir, 'env.json')}`].join('\n'),
      );
      return true;
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('load: an invalid environment file is reported in that file, not in the inference config', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'modelport-config-'));
  try {
    const file = join(dir, 'inferenceconfig.json');
    await writeFile(file, '{ "entryScript": "score.js", "environmentFile": "env.json" }');
    await writeFile(join(dir, 'score.js'), '');
    await writeFile(join(dir, 'env.json'), '{\n  "dependencies": { "lodash": 4 }\n}');
    await assert.rejects(loadInferenceConfig(file), (err: unknown) => {
      assert.ok(err instanceof ConfigError);
      assert.equal(err.message, `${join(dir, 'env.json')}:2:31: /dependencies/lodash must be a string (got 4)`);
      assert.equal(err.file, join(dir, 'env.json'));
      return true;
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('missing file: ConfigError naming the path', async () => {
  await assert.rejects(loadInferenceConfig('no/such/inferenceconfig.json'), (err: unknown) => {
    assert.ok(err instanceof ConfigError);
    assert.equal(err.message, `Inference config no/such/inferenceconfig.json does not exist (looked for ${resolve('no/such/inferenceconfig.json')}).`);
    return true;
  });
});
