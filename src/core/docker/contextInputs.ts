// Gathers what a service's image is built from (the record, its registered models, the entry script's folder,
// Modelport's bundled server and lockfile) into a BuildContextRequest, then writes a planned context to a folder.
import { workersEnv } from '../services/runtimeEnv';
import { chmod, copyFile, mkdir, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { planAzureModelFiles } from '../python/azureModelLayout';
import { isPythonEntryScript } from '../python/preparePython';
import { ConfigError } from '../errors';
import { isFileOrLinkToFile } from '../fs/linkedFile';
import type { ModelRegistry } from '../registry/modelRegistry';
import { imageSettingsOf, type ServiceRecord } from '../services/serviceRecord';
import { defaultBaseImage, planBuildContext, type BuildContextPlan, type BuildContextRequest, type ContextModel, type PythonImage } from './buildContext';
import { planRuntimePackage, planRuntimePackageFromVersions, runtimePackages, type RuntimePackage } from './runtimePackage';

/** Folders never shipped from an entry script's folder. */
const skippedDirs = new Set(['node_modules', '.git', '.modelport', '.vscode', '__pycache__']);

async function listFiles(dir: string): Promise<Array<{ path: string; source: string }>> {
  const out: Array<{ path: string; source: string }> = [];
  const walk = async (d: string): Promise<void> => {
    for (const e of await readdir(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) {
        if (!skippedDirs.has(e.name)) await walk(p);
      } else if (await isFileOrLinkToFile(e, p)) {
        // A linked file (DVC, git-annex, model caches) goes into the image as the file it points to.
        out.push({ path: relative(dir, p).split(sep).join('/'), source: p });
      }
    }
  };
  await walk(dir);
  return out.sort((a, b) => a.path.localeCompare(b.path));
}

/** Modelport's runtime packages, from its lockfile when it has one (a checkout), else from node_modules. */
export async function runtimePackageFor(cliPath: string, extraDependencies: Readonly<Record<string, string>>): Promise<RuntimePackage> {
  const packageRoot = resolve(dirname(cliPath), '..');
  try {
    return planRuntimePackage(await readFile(join(packageRoot, 'package-lock.json'), 'utf8'), extraDependencies);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const versions: Record<string, string> = {};
  for (const name of runtimePackages) {
    const meta = JSON.parse(await readFile(join(packageRoot, 'node_modules', name, 'package.json'), 'utf8')) as { version: string };
    versions[name] = meta.version;
  }
  return planRuntimePackageFromVersions(versions, extraDependencies);
}

/** What the server reads beside its bundle: the API page's Swagger UI files (dist/swagger-ui/), when built. */
async function serverAssets(cliPath: string): Promise<Array<{ path: string; source: string }>> {
  const dir = join(dirname(cliPath), 'swagger-ui');
  const names = await readdir(dir).catch(() => [] as string[]);
  return names.sort().map((name) => ({ path: `swagger-ui/${name}`, source: join(dir, name) }));
}

export async function buildContextRequest(record: ServiceRecord, registry: Pick<ModelRegistry, 'get'>, cliPath: string): Promise<BuildContextRequest> {
  const models: ContextModel[] = [];
  const python = isPythonEntryScript(record.entryScript);
  for (const ref of record.models) {
    const m = await registry.get(ref);
    // A score.py finds each model as Azure lays it out: the registered file or folder under its original name.
    const files = python
      ? planAzureModelFiles([m]).map((f) => ({ path: f.path.split('/').slice(3).join('/'), source: f.source }))
      : m.files.map((f) => ({ path: f.path, source: join(m.path, ...f.path.split('/')) }));
    models.push({ name: m.name, version: m.version, files });
  }
  let source: BuildContextRequest['source'];
  if (record.entryScript) {
    const dir = record.sourceDir ?? dirname(record.entryScript);
    const entry = relative(dir, record.entryScript);
    if (entry.startsWith('..')) throw new ConfigError(`The entry script ${record.entryScript} is not inside its source directory ${dir}; only that folder is shipped in the image.`);
    source = { files: await listFiles(dir), entryScript: entry.split(sep).join('/') };
  }
  const map = `${cliPath}.map`;
  const hasMap = await readFile(map).then(
    () => true,
    () => false,
  );
  return {
    serviceName: record.name,
    generation: record.generation,
    baseImage: imageSettingsOf(record).baseImage ?? defaultBaseImage,
    runtime: await runtimePackageFor(cliPath, record.environment?.dependencies ?? {}),
    serverBundle: { source: cliPath, sourceMap: hasMap ? map : undefined, assets: await serverAssets(cliPath) },
    models,
    source,
    authMode: record.authMode,
    timeoutMs: record.timeoutMs,
    corsOrigins: record.corsOrigins,
    // WORKER_COUNT from --workers too, so that an exported image runs as many processes as the service here.
    variables: { ...record.environment?.variables, ...workersEnv(record) },
    ...(python ? { python: await pythonImage(record, cliPath) } : {}),
  };
}

async function pythonImage(record: ServiceRecord, cliPath: string): Promise<PythonImage> {
  const assetsDir = join(dirname(cliPath), 'python');
  const assets = (await listFiles(assetsDir).catch(() => [])).filter((f) => !f.path.endsWith('.pyc'));
  if (assets.length === 0) throw new ConfigError(`Modelport's Python worker is missing from ${assetsDir}; rebuild (npm run build) or reinstall Modelport.`);
  const wheelDir = record.python?.wheelhouse;
  const wheelhouse = wheelDir ? { key: basename(wheelDir), files: (await listFiles(wheelDir)).filter((f) => !f.path.startsWith('modelport-')) } : undefined;
  return { assets, wheelhouse, workers: record.python?.workers };
}

/**
 * Writes the plan into `dir` (emptied first): the Dockerfile and a copy of every file, readable by all (the
 * image keeps these modes, and the service runs as a user that owns none of its files).
 */
export async function writeBuildContext(plan: BuildContextPlan, dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'Dockerfile'), plan.dockerfile, { mode: 0o644 });
  for (const f of plan.files) {
    const to = join(dir, ...f.path.split('/'));
    await mkdir(dirname(to), { recursive: true, mode: 0o755 });
    if ('content' in f) {
      await writeFile(to, f.content);
      await chmod(to, 0o644);
    } else {
      await copyFile(f.source, to);
      await chmod(to, (await stat(f.source)).mode & 0o111 ? 0o755 : 0o644);
    }
  }
}

/** The build context of a service's current record. */
export async function planServiceContext(record: ServiceRecord, registry: Pick<ModelRegistry, 'get'>, cliPath: string): Promise<BuildContextPlan> {
  return planBuildContext(await buildContextRequest(record, registry, cliPath));
}
