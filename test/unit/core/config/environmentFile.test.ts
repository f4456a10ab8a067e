// The environment file: Modelport's shape, Azure's aliases, and located errors for bad names.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join, resolve } from 'node:path';
import { ConfigError } from '../../../../src/core/errors';
import { parseEnvironmentFile } from '../../../../src/core/config/environmentFile';
import { loadEnvironmentFile } from '../../../../src/core/config/loadConfig';

function messageOf(text: string): string {
  try {
    parseEnvironmentFile(text, 'env.json', '/p');
  } catch (err) {
    assert.ok(err instanceof ConfigError);
    return err.message;
  }
  assert.fail('expected the environment file to be rejected');
}

test('loads the fixture with its dependencies and variables', async () => {
  const env = await loadEnvironmentFile(join(resolve('test/fixtures/config'), 'project/src/environment.json'));
  assert.equal(env.name, 'fashion-env');
  assert.equal(env.node, '>=20');
  assert.deepEqual(env.dependencies, { lodash: '^4.17.21', '@scope/helper': '1.2.3' });
});

test('an empty object is a valid environment named after its file', () => {
  assert.deepEqual(parseEnvironmentFile('{}', 'envs/scoring.env.json', '/p'), {
    name: 'scoring.env',
    version: undefined,
    description: undefined,
    node: undefined,
    dependencies: {},
    variables: {},
    python: { condaFile: undefined, interpreter: undefined },
  });
});

test('bad package and variable names are located at the key', () => {
  assert.equal(messageOf('{\n  "dependencies": { "Lodash": "^4" }\n}'), 'env.json:2:21: /dependencies: property name "Lodash" must be an npm package name (lower case, optionally @scope/name)');
  assert.equal(
    messageOf('{\n  "variables": {\n    "MY-VAR": "1"\n  }\n}'),
    'env.json:3:5: /variables: property name "MY-VAR" must be an environment variable name: letters, digits and _, not starting with a digit',
  );
});

test('unknown keys get a suggestion; duplicate keys are refused', () => {
  assert.equal(messageOf('{ "dependences": {} }'), 'env.json:1:3: unknown property "dependences" (did you mean "dependencies"?)');
  assert.equal(messageOf('{ "node": ">=20",\n  "node": ">=22" }'), 'env.json:2:3: duplicate property "node"');
});
