// Docker CLI commands as argument arrays, their output read through schemas, errors recognised.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { attachConfiguration } from '../../../../src/core/docker/debugConfig';
import {
  buildCommand,
  containerInspectCommand,
  containersWithLabelCommand,
  runCommand,
  versionCommand,
  waitCommand,
} from '../../../../src/core/docker/dockerCommand';
import { isEngineUnreachable, isPortInUse } from '../../../../src/core/docker/dockerErrors';
import { dockerSettings } from '../../../../src/core/services/docker/localDockerTarget';
import { argsFromEnv } from '../../../../src/core/docker/engineArgs';
import { parseDeploymentConfig } from '../../../../src/core/config/deploymentConfig';

describe('docker commands', () => {
  test('run: detached, --init, loopback-only ports, env file, limits, engine args, then image and command', () => {
    const cmd = runCommand({
      name: 'modelport-svc-1-abc',
      image: 'modelport/svc:1',
      labels: { 'modelport.service': 'svc', 'modelport.generation': '1' },
      ports: [{ host: 40001, container: 5001 }, { host: 40002, container: 9229 }],
      envFile: '/tmp/x/credentials.env',
      env: {},
      cpus: 1.5,
      memoryBytes: 2 * 1024 ** 3,
      extraArgs: ['--network', 'slirp4netns'],
      command: ['node', '--inspect=0.0.0.0:9229', 'cli.js'],
    });
    assert.deepEqual(cmd.args, [
      'run', '-d', '--init', '--name', 'modelport-svc-1-abc',
      '--label', 'modelport.service=svc', '--label', 'modelport.generation=1',
      '-p', '127.0.0.1:40001:5001', '-p', '127.0.0.1:40002:9229',
      '--env-file', '/tmp/x/credentials.env',
      '--cpus', '1.5', '--memory', '2048m',
      '--network', 'slirp4netns',
      'modelport/svc:1', 'node', '--inspect=0.0.0.0:9229', 'cli.js',
    ]);
    assert.equal(cmd.parse('Unable to find image…\n3f2a1b\n'), '3f2a1b');
  });

  test('build never pulls; build args and labels are arguments', () => {
    const cmd = buildCommand({ contextDir: '/ctx', tag: 'modelport/svc:2', labels: { a: 'b' }, buildArgs: { NPM: 'x y' }, extraArgs: ['--network', 'host'] });
    assert.deepEqual(cmd.args, ['build', '-t', 'modelport/svc:2', '--label', 'a=b', '--build-arg', 'NPM=x y', '--network', 'host', '/ctx']);
    assert.ok(!cmd.args.includes('--pull'));
  });

  test('version and inspect JSON go through schemas', () => {
    const v = versionCommand().parse(JSON.stringify({ Client: { Version: '28.2.2' }, Server: { Version: '4.3.1', Components: [{ Name: 'Podman Engine', Version: '4.3.1' }] } }));
    assert.equal(v.Server?.Version, '4.3.1');
    assert.equal(versionCommand().parse(JSON.stringify({ Client: { Version: '28' }, Server: null })).Server, null);
    const inspected = containerInspectCommand('c').parse(JSON.stringify([{ Id: 'abc', State: { Status: 'exited', Running: false, ExitCode: 3 }, Extra: 1 }]));
    assert.equal(inspected[0]?.State.ExitCode, 3);
    assert.throws(() => containerInspectCommand('c').parse(JSON.stringify([{ Id: 'abc' }])));
    assert.equal(waitCommand('c').parse('137\n'), 137);
    assert.deepEqual(containersWithLabelCommand('modelport.service', 'svc').parse('a\nb\n'), ['a', 'b']);
  });

  test('engine-unreachable and port-in-use messages are recognised', () => {
    assert.ok(isEngineUnreachable('Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?'));
    assert.ok(isEngineUnreachable('error during connect: Get "http://%2Ftmp%2Fx.sock/v1.47/version": dial unix /tmp/x.sock: connect: no such file or directory'));
    assert.ok(!isEngineUnreachable('Error response from daemon: No such container: x'));
    assert.ok(isPortInUse('Error: rootlessport listen tcp 127.0.0.1:5001: bind: address already in use'));
    assert.ok(isPortInUse('Bind for 127.0.0.1:5001 failed: port is already allocated'));
  });

  test('engine arguments from the environment, one per word', () => {
    assert.deepEqual(argsFromEnv('  --network   slirp4netns '), ['--network', 'slirp4netns']);
    assert.deepEqual(argsFromEnv(undefined), []);
  });
});

describe('docker settings from deploymentconfig.json', () => {
  test('limits come from *Limit, else from the request; Azure defaults are not imposed', () => {
    // The docker target's part of the record, flattened to the fields the config sets.
    const parse = (json: { computeType: string; [key: string]: unknown }) => {
      const { image, runArgs, cpus, memoryInGB } = dockerSettings({ name: 'svc', config: parseDeploymentConfig(JSON.stringify(json), 'deploymentconfig.json', '/p'), baseImage: undefined }, undefined);
      const fromConfig = { ...image, runArgs, ...(cpus !== undefined ? { cpus } : {}), ...(memoryInGB !== undefined ? { memoryInGB } : {}) };
      return json.computeType === 'docker' ? fromConfig : fromConfig.runArgs.length === 0 && cpus === undefined && memoryInGB === undefined ? undefined : fromConfig;
    };
    assert.deepEqual(parse({ computeType: 'docker' }), { buildArgs: {}, runArgs: [] });
    assert.deepEqual(parse({ computeType: 'docker', containerResourceRequirements: { cpu: 1, memoryInGB: 2, cpuLimit: 2 }, docker: { baseImage: 'node:22-slim', runArgs: ['--shm-size', '1g'] } }), {
      baseImage: 'node:22-slim',
      buildArgs: {},
      runArgs: ['--shm-size', '1g'],
      cpus: 2,
      memoryInGB: 2,
    });
    assert.equal(parse({ computeType: 'local' }), undefined);
  });
});

describe('docker settings of an update', () => {
  const config = parseDeploymentConfig(JSON.stringify({ computeType: 'docker', docker: { runArgs: ['--shm-size', '1g'] }, port: 8123 }), 'deploymentconfig.json', '/p');
  const first = dockerSettings({ name: 'svc', config, baseImage: 'node:22-slim', dockerRunArgs: ['--network', 'host'] }, undefined);

  test("the editor's run args are kept in the record apart from the config's, and an update without them keeps them", () => {
    assert.deepEqual(first.runArgs, ['--shm-size', '1g']);
    assert.deepEqual(first.editorRunArgs, ['--network', 'host']);
    assert.equal(first.image.baseImage, 'node:22-slim');
    const kept = dockerSettings({ name: 'svc', config: undefined, baseImage: undefined }, first);
    assert.deepEqual(kept, first);
    const replaced = dockerSettings({ name: 'svc', config: undefined, baseImage: undefined, dockerRunArgs: [] }, first);
    assert.equal(replaced.editorRunArgs, undefined);
  });

  test('the port of a service that has one cannot change', () => {
    assert.equal(first.port, 8123);
    assert.throws(() => dockerSettings({ name: 'svc', config: undefined, baseImage: undefined, port: 9000 }, first), /Service 'svc' answers on port 8123; an update keeps its scoring URI/);
  });
});

describe('attach configuration', () => {
  test('docker: the source folder maps to /var/azureml-app/source, with source maps', () => {
    const c = attachConfiguration({ serviceName: 'svc', computeType: 'docker', inspectorPort: 40002, sourceDir: '/proj/src' });
    assert.deepEqual(
      { type: c.type, request: c.request, address: c.address, port: c.port, localRoot: c.localRoot, remoteRoot: c.remoteRoot, sourceMaps: c.sourceMaps },
      { type: 'node', request: 'attach', address: '127.0.0.1', port: 40002, localRoot: '/proj/src', remoteRoot: '/var/azureml-app/source', sourceMaps: true },
    );
  });
  test('local: same paths on both sides, no mapping', () => {
    const c = attachConfiguration({ serviceName: 'svc', computeType: 'local', inspectorPort: 9230, sourceDir: '/proj/src' });
    assert.equal(c.localRoot, undefined);
    assert.equal(c.remoteRoot, undefined);
    assert.equal(c.name, 'Modelport: svc (local)');
  });
});
