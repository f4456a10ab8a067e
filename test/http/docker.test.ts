// The docker target for real: a real engine (../shared/container-engine/engine.sh here), real image builds,
// containers scored through the service's loopback port, an update under load, the Node inspector in a
// container and in a local process, and the errors users meet. Skipped, with the reason, when no engine answers.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { attachConfiguration } from '../../src/core/docker/debugConfig';
import { debugTargetOf } from '../../src/core/docker/debugTarget';
import { DockerCliRunner } from '../../src/core/docker/dockerCliRunner';
import { EngineUnreachableError } from '../../src/core/docker/dockerErrors';
import { ModelRegistry } from '../../src/core/registry/modelRegistry';
import type { ServiceManager } from '../../src/core/services/serviceManager';
import { ServiceStore } from '../../src/core/services/serviceStore';
import { serviceManager } from '../helpers/serviceManager';
import { pushServiceImage } from '../../src/core/docker/registryPush';
import { breakOnMarker } from './dockerInspector';

function engineSkipReason(): string | false {
  if (!process.env.DOCKER_HOST) return 'DOCKER_HOST is not set: start an engine (bash ../shared/container-engine/engine.sh up; source its env file) to run the docker tests';
  const r = spawnSync('docker', ['version', '--format', '{{.Server.Version}}'], { encoding: 'utf8', timeout: 15_000 });
  if (r.status !== 0) return `no container engine answers 'docker version' at ${process.env.DOCKER_HOST}: ${(r.stderr || String(r.error ?? '')).trim().split('\n').at(-1)}`;
  return false;
}
const skip = engineSkipReason();
if (skip) process.stderr.write(`docker tests skipped: ${skip}\n`);

// The engine's extra arguments (podman here: --network slirp4netns) reach the service host through these.
process.env.MODELPORT_DOCKER_RUN_ARGS ??= process.env.CTR_RUN_NET_ARGS ?? '';
process.env.MODELPORT_DOCKER_BUILD_ARGS ??= process.env.CTR_BUILD_NET_ARGS ?? '';

const image = readFileSync('samples/fashion-mnist/images/sneaker.png');
const docker = (...args: string[]): string => execFileSync('docker', args, { encoding: 'utf8' }).trim();
const containersOf = (name: string): string => docker('ps', '-a', '-q', '--filter', `label=modelport.service=${name}`);

const entryScript = `// A TypeScript entry script: compiled in the container with an inline source map.
import { describeInput } from './helper';

export function init(context: { logger: { info(m: string): void } }): void {
  context.logger.info('debug sample ready');
}

export function run(input: { data: number[] }): { sum: number; text: string; at: string } {
  const at = 'BREAK-HERE'; // esbuild drops comments: the marker the test breaks on is a string
  return { sum: input.data.reduce((a, b) => a + b, 0), text: describeInput(input.data), at };
}
`;
const helperScript = `export function describeInput(data: number[]): string {
  return \`\${data.length} numbers\`;
}
`;

async function freeLoopbackPort(): Promise<{ port: number; close(): Promise<void> }> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const address = server.address();
  return { port: typeof address === 'object' && address ? address.port : 0, close: () => new Promise((r) => server.close(() => r())) };
}

describe('docker target', { skip }, () => {
  let ws: string;
  let src: string;
  let manager: ServiceManager;
  const deployed = new Set<string>();
  const started = Date.now();

  before(async () => {
    ws = mkdtempSync(join(tmpdir(), 'mp-docker-'));
    src = join(ws, 'src');
    mkdirSync(src);
    writeFileSync(join(src, 'score.ts'), entryScript);
    writeFileSync(join(src, 'helper.ts'), helperScript);
    const registry = new ModelRegistry(ws);
    await registry.register({ source: resolve('samples/fashion-mnist'), name: 'fashion' });
    await registry.register({ source: resolve('samples/fashion-mnist'), name: 'fashion' });
    manager = serviceManager(ws, registry);
  });

  after(async () => {
    for (const name of deployed) await manager.delete(name).catch(() => undefined);
    for (const name of deployed) assert.equal(containersOf(name), '', `no container of ${name} is left`);
    rmSync(ws, { recursive: true, force: true });
    process.stderr.write(`docker suite: ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  });

  test('deploy builds the image, runs it on loopback as a non-root user, and scores a Sneaker', async () => {
    const progress: string[] = [];
    deployed.add('fashion-dk');
    const svc = await manager.deploy({ name: 'fashion-dk', models: ['fashion:1'], computeType: 'docker', authMode: 'key' }, { onProgress: (l) => progress.push(l) });
    assert.equal(svc.state, 'Healthy');
    assert.equal(svc.computeType, 'docker');
    assert.ok(progress.some((l) => l.startsWith('build | ')), 'the build streams as progress');
    assert.ok(progress.some((l) => /Loaded model fashion:1 from \/var\/azureml-app\/azureml-models\/fashion\/1\/model\.onnx/.test(l)));

    const key = (await manager.keys('fashion-dk')).primaryKey;
    const res = await fetch(svc.scoringUri, { method: 'POST', headers: { 'content-type': 'image/png', authorization: `Bearer ${key}` }, body: image });
    assert.equal(res.status, 200);
    const body = (await res.json()) as { predictions: Array<Array<{ label: string }>> };
    assert.equal(body.predictions[0]![0]!.label, 'Sneaker');
    const docs = await fetch(svc.scoringUri.replace(/\/score$/, '/docs/swagger-ui-bundle.js'));
    assert.equal(docs.status, 200, 'the image carries the API page\'s Swagger UI files');
    await docs.arrayBuffer();

    const host = await new ServiceStore(ws).readHostState('fashion-dk');
    assert.ok(host?.instanceContainer, 'the host reports its container');
    const inspect = JSON.parse(docker('container', 'inspect', host.instanceContainer)) as Array<{ Config: { User: string; Env: string[]; Labels: Record<string, string> }; HostConfig: { PortBindings: Record<string, Array<{ HostIp: string }>> } }>;
    const c = inspect[0]!;
    assert.equal(c.Config.User, '10001:10001', 'runs as the non-root modelport user');
    assert.equal(c.Config.Labels['modelport.service'], 'fashion-dk');
    for (const bindings of Object.values(c.HostConfig.PortBindings)) for (const b of bindings) assert.equal(b.HostIp, '127.0.0.1', 'published on loopback only');
    const imageEnv = (JSON.parse(docker('image', 'inspect', 'modelport/fashion-dk:1')) as Array<{ Config: { Env: string[] } }>)[0]!.Config.Env;
    assert.ok(imageEnv.includes('AZUREML_MODEL_DIR=/var/azureml-app/azureml-models'));
    assert.ok(imageEnv.some((e) => e.startsWith('NODE_EXTRA_CA_CERTS=')), "the base image's CA setting is kept");
    assert.ok(!imageEnv.some((e) => e.includes(key)), 'keys are not baked into the image');
    assert.ok(c.Config.Env.some((e) => e === `MODELPORT_PRIMARY_KEY=${key}`), 'keys reach the container at run time');
  });

  test('the image pushes to a real OCI registry under <registry>/modelport/<service>:<generation>, and the digest is the registry\'s', { skip: process.env.CTR_REGISTRY ? false : 'no registry (CTR_REGISTRY: .ci/run starts one with engine.sh registry-up)' }, async () => {
    const server = process.env.CTR_REGISTRY ?? '';
    const record = await new ServiceStore(ws).readRecord('fashion-dk');
    const lines: string[] = [];
    const pushed = await pushServiceImage(record, `http://${server}/`, { registry: new ModelRegistry(ws), cliPath: resolve('dist/cli.js'), runner: new DockerCliRunner(), extraBuildArgs: [], onLine: (l) => lines.push(l) });
    assert.equal(pushed.reference, `${server}/modelport/fashion-dk:1`);
    assert.equal(pushed.built, false, 'the image the deploy built is the one pushed');
    assert.match(pushed.digest ?? '', /^sha256:[0-9a-f]{64}$/);
    const res = await fetch(`http://${server}/v2/modelport/fashion-dk/manifests/1`, { method: 'HEAD', headers: { accept: 'application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json' } });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('docker-content-digest'), pushed.digest);
    docker('image', 'rm', pushed.reference);
  });

  test('logs carry the build, the container output and one line per request', async () => {
    const lines: string[] = [];
    for await (const line of manager.logs('fashion-dk')) lines.push(line);
    assert.ok(lines.some((l) => / BUILD /.test(l)), 'build output is in the service log');
    assert.ok(lines.some((l) => /HOST Healthy/.test(l)));
    await new Promise((r) => setTimeout(r, 500));
    const again: string[] = [];
    for await (const line of manager.logs('fashion-dk', { tail: 50 })) again.push(line);
    assert.ok(again.some((l) => /POST \/score 200/.test(l)), 'the container log reaches the service log');
  });

  test('update to version 2 under load: zero failed requests, the npm layer comes from the cache', async () => {
    const before = await manager.get('fashion-dk');
    const layersBefore = (JSON.parse(docker('image', 'inspect', 'modelport/fashion-dk:1')) as Array<{ RootFS: { Layers: string[] } }>)[0]!.RootFS.Layers;
    const auth = `Bearer ${(await manager.keys('fashion-dk')).primaryKey}`;
    let running = true;
    const statuses: number[] = [];
    const loop = async (): Promise<void> => {
      while (running) {
        try {
          const res = await fetch(before.scoringUri, { method: 'POST', headers: { 'content-type': 'image/png', authorization: auth }, body: image });
          statuses.push(res.status);
          await res.arrayBuffer();
        } catch {
          statuses.push(-1);
          // A refused connection fails at once: without a pause this loop would spin (and fill `statuses`).
          await new Promise((r) => setTimeout(r, 20));
        }
      }
    };
    const loops = [loop(), loop()];
    const progress: string[] = [];
    let updated: Awaited<ReturnType<typeof manager.update>>;
    try {
      updated = await manager.update('fashion-dk', { models: ['fashion:2'] }, { onProgress: (l) => progress.push(l) });
      await new Promise((r) => setTimeout(r, 300));
    } finally {
      // Stopped however the update ends: a failed update must fail this test, not leave the loops running.
      running = false;
      await Promise.all(loops);
    }
    assert.equal(updated.state, 'Healthy');
    assert.equal(updated.scoringUri, before.scoringUri);
    assert.ok(statuses.length > 10, `requests ran during the update (${statuses.length})`);
    assert.deepEqual([...new Set(statuses)], [200], `every request succeeded: ${JSON.stringify(statuses.filter((s) => s !== 200))}`);
    const layersAfter = (JSON.parse(docker('image', 'inspect', 'modelport/fashion-dk:2')) as Array<{ RootFS: { Layers: string[] } }>)[0]!.RootFS.Layers;
    // base, user, npm install, server: shared; models and what follows: new.
    const shared = layersBefore.findIndex((l, i) => layersAfter[i] !== l);
    assert.ok(shared >= 3, `the dependency layers are reused (${shared} shared layers): ${progress.filter((l) => /STEP|cache/i.test(l)).join(' / ')}`);
    assert.equal(containersOf('fashion-dk').split('\n').length, 1, 'the old container is gone');
    assert.equal(docker('image', 'ls', '-q', 'modelport/fashion-dk:1'), '', 'the old image is gone');
  });

  test('kill -9 of the host: its reaper removes the container (no orphan), and update brings the service back', async () => {
    const host = await new ServiceStore(ws).readHostState('fashion-dk');
    assert.ok(host?.instanceContainer && containersOf('fashion-dk') !== '');
    process.kill(host.pid, 'SIGKILL');
    const deadline = Date.now() + 60_000;
    while (containersOf('fashion-dk') !== '' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
    assert.equal(containersOf('fashion-dk'), '', 'the container went with its host');
    assert.equal((await manager.update('fashion-dk', {})).state, 'Healthy');
  });

  test('Debug in Docker: a breakpoint in run() of a TypeScript entry script pauses a real request', async () => {
    deployed.add('debug-dk');
    const svc = await manager.deploy({ name: 'debug-dk', models: [], entryScript: join(src, 'score.ts'), sourceDir: src, computeType: 'docker', debug: true });
    assert.equal(svc.state, 'Healthy');
    const config = attachConfiguration(debugTargetOf(svc));
    assert.deepEqual(
      { type: config.type, request: config.request, address: config.address, localRoot: config.localRoot, remoteRoot: config.remoteRoot, sourceMaps: config.sourceMaps },
      { type: 'node', request: 'attach', address: '127.0.0.1', localRoot: src, remoteRoot: '/var/azureml-app/source', sourceMaps: true },
    );
    const { paused, status, sourceMapUrl } = await breakOnMarker(config.port, /\/var\/azureml-app\/source\/score\.ts$/, 'BREAK-HERE', async () => {
      const res = await fetch(svc.scoringUri, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ data: [1, 2, 3] }) });
      const out = (await res.json()) as { sum: number; text: string };
      assert.deepEqual(out, { sum: 6, text: '3 numbers', at: 'BREAK-HERE' });
      return res.status;
    });
    assert.equal(paused.functionName, 'run');
    assert.equal(paused.linesFromMarker, 0);
    assert.match(paused.url, /\/var\/azureml-app\/source\/score\.ts$/);
    assert.match(sourceMapUrl, /^data:application\/json;base64,/, 'an inline source map maps it back to score.ts');
    assert.equal(status, 200);
  });

  test('changing only the entry script rebuilds without reinstalling dependencies', async () => {
    writeFileSync(join(src, 'score.ts'), entryScript.replace("'debug sample ready'", "'debug sample ready (v2)'"));
    const progress: string[] = [];
    await manager.update('debug-dk', {}, { onProgress: (l) => progress.push(l) });
    const npmStep = progress.findIndex((l) => /RUN npm (ci|install)/.test(l));
    assert.ok(npmStep >= 0, 'the npm step is in the build output');
    assert.match(progress[npmStep + 1] ?? '', /Using cache/, `the npm layer is cached: ${progress.slice(npmStep, npmStep + 2).join(' / ')}`);
    const lines: string[] = [];
    for await (const line of manager.logs('debug-dk', { tail: 40 })) lines.push(line);
    assert.ok(lines.some((l) => l.includes('debug sample ready (v2)')));
  });

  test('Debug locally: the local process target runs under the inspector too', async () => {
    deployed.add('debug-local');
    const svc = await manager.deploy({ name: 'debug-local', models: [], entryScript: join(src, 'score.ts'), sourceDir: src, computeType: 'local', debug: true });
    const config = attachConfiguration(debugTargetOf(svc));
    assert.equal(config.localRoot, undefined, 'a local process needs no path mapping');
    const { paused, status } = await breakOnMarker(config.port, /score\.ts$/, 'BREAK-HERE', async () => {
      const res = await fetch(svc.scoringUri, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ data: [4, 5] }) });
      await res.arrayBuffer();
      return res.status;
    });
    assert.equal(paused.functionName, 'run');
    assert.equal(paused.linesFromMarker, 0);
    assert.ok(paused.url.endsWith(join(src, 'score.ts')));
    assert.equal(status, 200);
  });

  test('a failing init(): the deployment fails with the exit code and the last container lines', async () => {
    deployed.add('crash-dk');
    const dir = join(ws, 'crash');
    mkdirSync(dir);
    writeFileSync(join(dir, 'score.js'), "exports.init = () => { throw new Error('no model for you'); };\nexports.run = () => ({});\n");
    await assert.rejects(manager.deploy({ name: 'crash-dk', models: [], entryScript: join(dir, 'score.js'), computeType: 'docker' }), (err: Error) => {
      assert.match(err.message, /exited with code 3/);
      assert.match(err.message, /no model for you/);
      return true;
    });
    assert.equal((await manager.get('crash-dk')).state, 'Failed');
    assert.equal(containersOf('crash-dk'), '', 'the failed container was removed');
  });

  test('a build failure names the image and ends with the build output', async () => {
    deployed.add('broken-dk');
    spawnSync('sh', ['-c', 'tar cf - --files-from /dev/null | docker import - modelport-test/empty:1'], { stdio: 'ignore' });
    const cfg = join(ws, 'broken.deploymentconfig.json');
    writeFileSync(cfg, JSON.stringify({ computeType: 'docker', docker: { baseImage: 'modelport-test/empty:1' } }));
    await assert.rejects(manager.deploy({ name: 'broken-dk', models: ['fashion:1'], deploymentConfigPath: cfg }), (err: Error) => {
      assert.match(err.message, /Building the image modelport\/broken-dk:1 failed/);
      assert.match(err.message, /last lines of the build/);
      return true;
    });
    spawnSync('docker', ['image', 'rm', '-f', 'modelport-test/empty:1'], { stdio: 'ignore' });
  });

  test('a taken port is reported as such', async () => {
    deployed.add('port-dk');
    const taken = await freeLoopbackPort();
    try {
      await assert.rejects(manager.deploy({ name: 'port-dk', models: ['fashion:1'], computeType: 'docker', port: taken.port }), new RegExp(`Port ${taken.port} is already in use`));
    } finally {
      await taken.close();
    }
  });

  test('no engine reachable: a clear error with how to start one', async () => {
    const runner = new DockerCliRunner('docker', { ...process.env, DOCKER_HOST: `unix://${join(ws, 'no-engine.sock')}` });
    const offline = serviceManager(ws, new ModelRegistry(ws), runner);
    deployed.add('offline-dk');
    await assert.rejects(offline.deploy({ name: 'offline-dk', models: ['fashion:1'], computeType: 'docker' }), (err: Error) => {
      assert.ok(err instanceof EngineUnreachableError, String(err));
      assert.match(err.message, /No container engine is reachable/);
      assert.match(err.message, /engine\.sh up/);
      return true;
    });
  });
});
