// The Python packages of a service image, resolved on this machine. Image builds here cannot reach the machine's
// pip index (a file:// index on the host's disk, and builds run without access to the host's loopback), so pip
// runs on the host, with the host's pip configuration, and downloads the wheels into the build context; the image
// installs them with `pip install --no-index --find-links`. The same works on any machine whose builds are offline.
import { createHash } from 'node:crypto';
import { mkdir, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError } from '../errors';
import type { PythonEnvironmentSpec } from './environmentFile';
import { environmentsDir, type EnvironmentContext } from './environmentBuilder';
import { probeInterpreter } from './interpreter';
import { planPipInstall } from './pipMapping';
import { runLines } from './processLines';

/** The Python of Modelport's default base image (node:20-slim is Debian bookworm: python3 is 3.11). */
export const imagePythonVersion = '3.11';

export interface Wheelhouse {
  dir: string;
  /** The requirements the image installs (requirements.txt inside `dir`). */
  requirements: string[];
  /** Optional requirements whose wheels could be downloaded (inference-schema). */
  optional: string[];
  /** Files of the wheelhouse, sorted (wheels and the requirements file). */
  files: string[];
  key: string;
}

const markerFile = 'modelport-wheelhouse.json';

export async function ensureWheelhouse(spec: PythonEnvironmentSpec, ctx: EnvironmentContext): Promise<Wheelhouse> {
  const env = ctx.env ?? process.env;
  const progress = ctx.onProgress ?? (() => undefined);
  const plan = planPipInstall(spec);
  const key = createHash('sha256').update(JSON.stringify({ v: 1, sha256: spec.sha256, imagePythonVersion })).digest('hex').slice(0, 16);
  const root = join(environmentsDir(ctx.workspaceDir, env), 'wheelhouses');
  const dir = join(root, key);
  try {
    const marker = JSON.parse(await readFile(join(dir, markerFile), 'utf8')) as { requirements: string[]; optional: string[] };
    progress(`Python packages for the image of ${spec.file}: reusing ${dir}`);
    return { dir, requirements: marker.requirements, optional: marker.optional, files: (await readdir(dir)).filter((f) => f !== markerFile).sort(), key };
  } catch {
    // not downloaded yet
  }
  for (const w of plan.warnings) progress(`WARNING ${w}`);
  if (spec.kind === 'conda' && spec.pythonVersion && !`${imagePythonVersion}.`.startsWith(`${spec.pythonVersion.split('.').slice(0, 2).join('.')}.`)) {
    progress(`WARNING ${spec.file} asks for python=${spec.pythonVersion}; the image has Debian's Python ${imagePythonVersion}.`);
  }
  const base = await probeInterpreter(ctx.basePython, env);
  const sameVersion = base.version.startsWith(`${imagePythonVersion}.`);
  // pip downloads for the image's Python; from another host Python, only wheels for that target can be chosen.
  const target = sameVersion ? [] : ['--only-binary=:all:', '--python-version', imagePythonVersion, '--implementation', 'cp', '--platform', 'manylinux2014_x86_64', '--platform', 'manylinux_2_28_x86_64'];
  await mkdir(root, { recursive: true });
  const staging = join(root, `.${key}.downloading-${process.pid}-${Date.now()}`);
  try {
    await mkdir(staging, { recursive: true });
    const optional: string[] = [];
    if (plan.requirements.length > 0) {
      progress(`Downloading the image's Python packages with ${base.executable} -m pip download (pip's own configuration): ${plan.requirements.join(' ')}`);
      const r = await runLines(base.executable, ['-m', 'pip', 'download', '--no-input', '--dest', staging, ...target, ...plan.requirements], { env, onLine: (l) => progress(`pip | ${l}`), signal: ctx.signal });
      if (r.code !== 0) throw new ConfigError(`pip could not download the packages of ${spec.file} for the image (exit code ${r.code}). pip uses its own configuration (pip config list).\n${r.tail.join('\n')}`, spec.file);
    }
    for (const o of plan.optional) {
      const r = await runLines(base.executable, ['-m', 'pip', 'download', '--no-input', '--dest', staging, ...target, o], { env, onLine: (l) => progress(`pip | ${l}`), signal: ctx.signal });
      if (r.code === 0) optional.push(o);
      else progress(`WARNING ${o} is not in pip's indexes: Modelport's own implementation of inference_schema serves the decorators in the image.`);
    }
    const requirements = [...plan.requirements, ...optional];
    await writeFile(join(staging, 'requirements.txt'), requirements.join('\n') + '\n');
    await writeFile(join(staging, markerFile), JSON.stringify({ file: spec.file, requirements: plan.requirements, optional }, null, 2) + '\n');
    try {
      await rename(staging, dir);
    } catch (err) {
      if (!['ENOTEMPTY', 'EEXIST'].includes((err as NodeJS.ErrnoException).code ?? '')) throw err;
      await rm(staging, { recursive: true, force: true });
    }
    return { dir, requirements: plan.requirements, optional, files: (await readdir(dir)).filter((f) => f !== markerFile).sort(), key };
  } catch (err) {
    await rm(staging, { recursive: true, force: true });
    throw err;
  }
}
