// The CLI as a user installs it: `npm pack`, then `npm install -g` of the tarball into a private prefix, then the
// installed `modelport` run from a folder outside the repository: its version, and `serve` on the sample model
// scoring an image over loopback. The install must be quiet about engines and config (no EBADENGINE, no unknown
// config). Skipped, saying why, when the npm registry cannot be reached. npm test builds dist/ first; the pack here
// does not rebuild it (--ignore-scripts), so that tests running beside it keep reading a whole dist/cli.js.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { type Dirent, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve, sep } from 'node:path';
import { promisify } from 'node:util';
import { after, describe, test } from 'node:test';
import { json } from '../helpers/startService';
import { runCommand, scoringUrlOf } from '../helpers/spawnServe';

const run = promisify(execFile);
const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { name: string; version: string };

/** The environment of a user's shell: none of the npm_* variables `npm test` gives its scripts. */
function userEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^npm_/i.test(k)) env[k] = v;
  // onnxruntime-node's install script would download CUDA binaries: Modelport runs models on the CPU.
  return { ...env, ONNXRUNTIME_NODE_INSTALL: 'skip', npm_config_fund: 'false', npm_config_audit: 'false', npm_config_update_notifier: 'false' };
}

/** The Python sources the build copies into dist/python (no byte-code caches). */
function pythonSources(): string[] {
  return (readdirSync('python', { recursive: true, withFileTypes: true }) as Dirent[])
    .filter((d) => d.isFile() && d.name.endsWith('.py'))
    .map((d) => relative('python', join(d.parentPath, d.name)).split(sep).join('/'));
}

const offline = /ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ETIMEDOUT|ENETUNREACH|network/i;

describe('the packed CLI, installed with npm install -g', { timeout: 600_000 }, () => {
  const work = mkdtempSync(join(tmpdir(), 'modelport-install-'));
  after(() => rmSync(work, { recursive: true, force: true }));

  test('packs the CLI, installs quietly, runs `version` and serves the sample model', async (t) => {
    // What the package carries: the command, the bundled CLI (with its source map), the tester's preprocessing bundle, the schemas.
    const packed = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], { env: userEnv(), maxBuffer: 64 * 1024 * 1024 });
    const [info] = JSON.parse(packed.stdout) as Array<{ filename: string; files: Array<{ path: string }> }>;
    assert.ok(info);
    // the Python worker and its stand-in packages (as built from python/), and Swagger UI for GET /docs.
    const packedPaths = info.files.map((f) => f.path).sort();
    const pythonFiles = packedPaths.filter((p) => p.startsWith('dist/python/'));
    assert.deepEqual(pythonFiles, pythonSources().map((p) => `dist/python/${p}`).sort());
    assert.deepEqual(packedPaths.filter((p) => !p.startsWith('dist/python/')), [
      'README.md',
      'bin/modelport.js',
      'dist/cli.js',
      'dist/cli.js.map',
      'dist/imageTensor.js',
      'dist/swagger-ui/LICENSE',
      'dist/swagger-ui/NOTICE',
      'dist/swagger-ui/swagger-ui-bundle.js',
      'dist/swagger-ui/swagger-ui.css',
      'package.json',
      'schemas/deploymentconfig.schema.json',
      'schemas/environment.schema.json',
      'schemas/inferenceconfig.schema.json',
    ]);

    const prefix = join(work, 'prefix');
    let installLog: string;
    try {
      const installed = await run('npm', ['install', '-g', '--prefix', prefix, '--prefer-offline', '--no-progress', join(work, info.filename)], {
        env: userEnv(),
        cwd: work,
        maxBuffer: 64 * 1024 * 1024,
      });
      installLog = installed.stdout + installed.stderr;
    } catch (err) {
      const output = `${(err as { stdout?: string }).stdout ?? ''}${(err as { stderr?: string }).stderr ?? ''}`;
      if (offline.test(output)) {
        t.skip(`npm install -g needs the npm registry, which cannot be reached: ${output.split('\n').find((l) => offline.test(l))}`);
        return;
      }
      throw new Error(`npm install -g failed:\n${output}`, { cause: err });
    }
    assert.doesNotMatch(installLog, /EBADENGINE/, installLog);
    assert.doesNotMatch(installLog, /Unknown (project|user|global|env|cli) config/, installLog);

    const modelport = join(prefix, 'bin', 'modelport');
    assert.ok(existsSync(modelport), `no ${modelport} after the install:\n${installLog}`);
    const version = await run(modelport, ['version'], { cwd: work, env: userEnv() });
    assert.equal(version.stdout.trim(), pkg.version);

    const serve = runCommand(modelport, ['serve', '--model', resolve('samples/fashion-mnist'), '--port', '0'], userEnv(), work);
    try {
      const url = await scoringUrlOf(serve);
      const res = await fetch(`${url}/score`, { method: 'POST', headers: { 'Content-Type': 'image/png' }, body: readFileSync('samples/fashion-mnist/images/sneaker.png') });
      assert.equal(res.status, 200);
      const body = (await json(res)) as { predictions: Array<Array<{ label: string }>> };
      assert.equal(body.predictions[0]?.[0]?.label, 'Sneaker');
    } finally {
      serve.child.kill('SIGTERM');
      assert.equal(await serve.exit, 0, serve.output());
    }
  });
});
