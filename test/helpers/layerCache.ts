// Keeps the slow, never-changing layers of service images (the runtime's `npm ci`, Debian's python3 for a score.py)
// in the engine for the whole test run, and for the runs after it.
//
// Every service image starts with the same steps (the base image, the user, the runtime's package files and their
// `npm ci`; then, for a score.py, `apt-get install python3`), and the engine reuses them from its build cache. But
// deleting a service removes its image and, with it, every cached step no other image still uses: each test suite
// that deletes its services took the cache with it, and the next suite's first build ran `npm ci` (and, for Python,
// apt-get) again, and pushed the new layer again. One image tagged `modelport-test/layer-cache:<key>`, built from the
// same generated Dockerfile as a Python service's, holds those steps: no delete removes them. The key covers what
// those steps are made of (the Dockerfile up to them, the runtime's package files, the base image), so a changed
// lockfile or base image makes a new one; older ones are removed then. Nothing asserted by a test depends on it:
// without it (no engine, or a failed build) the suites build those steps themselves, as before.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultBaseImage, planBuildContext } from '../../src/core/docker/buildContext';
import { runtimePackageFor, writeBuildContext } from '../../src/core/docker/contextInputs';
import { extraBuildArgs } from '../../src/core/docker/engineArgs';

export const layerCacheRepository = 'modelport-test/layer-cache';

function docker(args: string[], timeoutMs: number): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('docker', args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, timeout: timeoutMs }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
  });
}

/** The cache image for the current runtime and base image, built unless the engine has it; a line saying what happened. */
export async function ensureLayerCache(cliPath: string): Promise<string> {
  if (!process.env.DOCKER_HOST) return 'no DOCKER_HOST: nothing to keep';
  const base = await docker(['image', 'inspect', '--format', '{{.Id}}', defaultBaseImage], 30_000);
  if (base.code !== 0) return `the engine has no ${defaultBaseImage} (or does not answer): nothing to keep`;
  const plan = planBuildContext({
    serviceName: 'layer-cache',
    generation: 1,
    baseImage: defaultBaseImage,
    runtime: await runtimePackageFor(cliPath, {}),
    serverBundle: { source: cliPath, sourceMap: undefined, assets: [] },
    models: [],
    source: undefined,
    authMode: 'none',
    timeoutMs: 60_000,
    corsOrigins: [],
    variables: {},
    python: { assets: [], wheelhouse: undefined, workers: undefined },
  });
  // The steps worth keeping end where the server is copied in (it changes with every build of Modelport).
  const lines = plan.dockerfile.split('\n');
  const serverStep = lines.findIndex((l) => l.startsWith('COPY server/'));
  const kept = (serverStep < 0 ? lines : lines.slice(0, serverStep)).filter((l) => !l.startsWith('#')).join('\n');
  const files = plan.files.filter((f) => f.path === 'package.json' || f.path === 'package-lock.json').map((f) => ('content' in f ? f.content : ''));
  const key = createHash('sha256').update([kept, ...files, base.stdout.trim()].join('\0')).digest('hex').slice(0, 16);
  const tag = `${layerCacheRepository}:${key}`;
  const have = await docker(['image', 'ls', '-q', tag], 30_000);
  if (have.code === 0 && have.stdout.trim() !== '') return `${tag} is there`;

  const dir = await mkdtemp(join(tmpdir(), 'modelport-layer-cache-'));
  const started = Date.now();
  try {
    await writeBuildContext(plan, dir);
    const built = await docker(['build', '-t', tag, ...extraBuildArgs(), dir], 20 * 60_000);
    if (built.code !== 0) return `building ${tag} failed (the suites build those layers themselves): ${built.stderr.trim().split('\n').slice(-3).join(' / ')}`;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  // Older keys (another lockfile or base image) are of no use any more.
  const old = (await docker(['image', 'ls', '--format', '{{.Repository}}:{{.Tag}}', layerCacheRepository], 30_000)).stdout.split('\n').filter((t) => t && t !== tag);
  if (old.length > 0) await docker(['image', 'rm', ...old], 120_000);
  return `built ${tag} in ${Math.round((Date.now() - started) / 1000)} s${old.length > 0 ? `; removed ${old.join(', ')}` : ''}`;
}
