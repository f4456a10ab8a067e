// The docker target asks the engine for its version before a deploy and again before the build: the second question
// is answered from the first (Podman takes seconds for each); a question that failed is asked again.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { DockerCommand, DockerRunner } from '../../../../../src/core/docker/dockerCommand';
import { EngineUnreachableError } from '../../../../../src/core/docker/dockerErrors';
import { ModelRegistry } from '../../../../../src/core/registry/modelRegistry';
import { LocalDockerTarget } from '../../../../../src/core/services/docker/localDockerTarget';
import { ServiceStore } from '../../../../../src/core/services/serviceStore';

const ws = mkdtempSync(join(tmpdir(), 'mp-engine-check-'));
after(() => rmSync(ws, { recursive: true, force: true }));

/** Answers `docker version` as the engine would, or fails as the CLI does when no engine answers. */
class VersionRunner implements DockerRunner {
  asked = 0;
  up = true;
  run<T>(command: DockerCommand<T>): Promise<T> {
    assert.deepEqual(command.args.slice(0, 1), ['version']);
    this.asked += 1;
    if (!this.up) return Promise.reject(new EngineUnreachableError('Cannot connect to the Docker daemon'));
    return Promise.resolve(command.parse(JSON.stringify({ Client: { Version: '28.2.2' }, Server: { Version: '4.3.1' } })));
  }
}

const target = (runner: DockerRunner): LocalDockerTarget =>
  new LocalDockerTarget({ store: new ServiceStore(ws), registry: new ModelRegistry(ws) }, { nodePath: process.execPath, cliPath: 'dist/cli.js' }, runner);

test('a deploy\'s second engine check is answered from the first', async () => {
  const runner = new VersionRunner();
  const docker = target(runner);
  assert.equal(await docker.checkEngine(), '4.3.1');
  assert.equal(await docker.checkEngine(), '4.3.1');
  assert.equal(runner.asked, 1);
});

test('an engine that did not answer is asked again, and its error is the engine\'s', async () => {
  const runner = new VersionRunner();
  runner.up = false;
  const docker = target(runner);
  await assert.rejects(docker.checkEngine(), EngineUnreachableError);
  await assert.rejects(docker.checkEngine(), EngineUnreachableError);
  assert.equal(runner.asked, 2);
  runner.up = true;
  assert.equal(await docker.checkEngine(), '4.3.1');
  assert.equal(runner.asked, 3);
});
