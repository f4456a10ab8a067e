// The build context of a service image, as a plan: the Dockerfile's text and the files to put beside it.
// Pure (no file is read or written here), so a snapshot test pins the Dockerfile; writeBuildContext.ts
// carries the plan out. The layout inside the image follows Azure ML's inference images (/var/azureml-app).
import { posix } from 'node:path';
import type { RuntimePackage } from './runtimePackage';

export const appDir = '/var/azureml-app';
export const modelsDir = `${appDir}/azureml-models`;
export const sourceDir = `${appDir}/source`;
export const serverDir = `${appDir}/server`;
export const containerPort = 5001;
export const inspectorPort = 9229;
export const defaultBaseImage = 'node:20-slim';
/** The user the service runs as: not root, and numeric so any base image takes it. */
export const appUid = 10001;

/** A file of the context: copied from `source`, or written from `content`. `path` is '/'-separated, relative. */
export type ContextFile = { path: string; source: string } | { path: string; content: string };

export interface ContextModel {
  name: string;
  version: number;
  /** The version's files, relative to its folder. */
  files: ReadonlyArray<{ path: string; source: string }>;
}

export interface BuildContextRequest {
  serviceName: string;
  generation: number;
  baseImage: string;
  runtime: RuntimePackage;
  /**
   * The bundled server (dist/cli.js), its source map when there is one, and the files it reads beside itself
   * (`swagger-ui/…`, the API page's assets), each by its path under the server folder.
   */
  serverBundle: { source: string; sourceMap: string | undefined; assets?: ReadonlyArray<{ path: string; source: string }> };
  models: readonly ContextModel[];
  /** The entry script's folder (shipped whole) and the script's path inside it. */
  source: { files: ReadonlyArray<{ path: string; source: string }>; entryScript: string } | undefined;
  authMode: 'none' | 'key' | 'token';
  timeoutMs: number;
  corsOrigins: readonly string[];
  /** The environment file's variables (never credentials: those are passed at `docker run`). */
  variables: Readonly<Record<string, string>>;
  /** A score.py: Debian's python3 in the image, Modelport's worker, and the environment's wheels (when it has one). */
  python?: PythonImage;
}

export interface PythonImage {
  /** Modelport's python/ folder (worker and stand-in packages), relative paths under server/python. */
  assets: ReadonlyArray<{ path: string; source: string }>;
  /** The environment's wheels and requirements.txt, downloaded on the host; `key` names the layer. */
  wheelhouse: { key: string; files: ReadonlyArray<{ path: string; source: string }> } | undefined;
  workers: number | undefined;
}

export const pythonEnvDir = '/opt/modelport-env';

export interface BuildContextPlan {
  dockerfile: string;
  files: ContextFile[];
  /** The environment the image sets, as the Dockerfile does (for display and for tests). */
  env: Record<string, string>;
  /** Where the entry script is inside the image, when there is one. */
  entryScriptInImage: string | undefined;
}

/** The command the image runs; the debug variant starts the same server under the inspector. */
export function serveCommand(debug: boolean): string[] {
  return ['node', ...(debug ? [`--inspect=0.0.0.0:${inspectorPort}`] : []), `${serverDir}/cli.js`, 'serve', '--host', '0.0.0.0'];
}

const envNamePattern = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Dockerfile ENV value: always double-quoted, with backslashes, quotes and `$` escaped. */
function quoteEnv(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\$/g, '\\$').replace(/\n/g, '\\n')}"`;
}

// Keeps only this platform's onnxruntime binaries (the package ships every platform's: ~290 MB).
const pruneOnnxruntime =
  "node -e \"const fs=require('fs'),p=require('path');const b=p.join('node_modules/onnxruntime-node/bin');" +
  "for(const n of fs.existsSync(b)?fs.readdirSync(b):[])for(const os of fs.readdirSync(p.join(b,n)))for(const a of fs.readdirSync(p.join(b,n,os)))" +
  "if(os!==process.platform||a!==process.arch)fs.rmSync(p.join(b,n,os,a),{recursive:true,force:true})\"";

const healthcheck = JSON.stringify(['node', '-e', `fetch('http://127.0.0.1:${containerPort}/').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))`]);

export function planBuildContext(req: BuildContextRequest): BuildContextPlan {
  const files: ContextFile[] = [{ path: 'package.json', content: req.runtime.packageJson }];
  if (req.runtime.packageLock !== undefined) files.push({ path: 'package-lock.json', content: req.runtime.packageLock });
  files.push({ path: 'server/cli.js', source: req.serverBundle.source });
  if (req.serverBundle.sourceMap) files.push({ path: 'server/cli.js.map', source: req.serverBundle.sourceMap });
  for (const asset of req.serverBundle.assets ?? []) files.push({ path: posix.join('server', asset.path), source: asset.source });
  const py = req.python;
  if (py) for (const f of py.assets) files.push({ path: posix.join('server', 'python', f.path), source: f.source });
  if (py?.wheelhouse) for (const f of py.wheelhouse.files) files.push({ path: posix.join('python-env', f.path), source: f.source });
  for (const m of [...req.models].sort((a, b) => a.name.localeCompare(b.name) || a.version - b.version)) {
    for (const f of m.files) files.push({ path: posix.join('azureml-models', m.name, String(m.version), f.path), source: f.source });
  }
  if (req.source) for (const f of req.source.files) files.push({ path: posix.join('source', f.path), source: f.source });
  files.push({ path: '.dockerignore', content: 'Dockerfile\n.dockerignore\n' });

  const entryScriptInImage = req.source ? posix.join(sourceDir, req.source.entryScript) : undefined;
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.variables)) if (envNamePattern.test(k)) env[k] = v;
  Object.assign(env, {
    SERVER_PORT: String(containerPort),
    MODELPORT_HOST: '0.0.0.0',
    SERVICE_NAME: req.serviceName,
    SERVICE_VERSION: String(req.generation),
    MODELPORT_AUTH_MODE: req.authMode,
    SCORING_TIMEOUT_MS: String(req.timeoutMs),
  });
  if (req.models.length > 0) {
    // A score.py sees Azure's AZUREML_MODEL_DIR: the version folder of its only model, or azureml-models for several.
    const only = req.models.length === 1 ? req.models[0] : undefined;
    env.AZUREML_MODEL_DIR = py && only ? posix.join(modelsDir, only.name, String(only.version)) : modelsDir;
  }
  if (py) {
    env.AML_APP_ROOT = appDir;
    env.MODELPORT_PYTHON = py.wheelhouse ? `${pythonEnvDir}/bin/python` : 'python3';
    env.PYTHONDONTWRITEBYTECODE = '1';
    if (py.workers !== undefined) env.WORKER_COUNT = String(py.workers);
  }
  if (entryScriptInImage) {
    env.AZUREML_ENTRY_SCRIPT = entryScriptInImage;
    env.AZUREML_SOURCE_DIRECTORY = sourceDir;
  }
  if (req.corsOrigins.length > 0) env.AML_CORS_ORIGINS = req.corsOrigins.join(',');

  const lockFiles = req.runtime.packageLock !== undefined ? 'package.json package-lock.json' : 'package.json';
  const d: string[] = [
    `# Generated by Modelport for service ${req.serviceName} (generation ${req.generation}).`,
    '# Layers go from what changes least to what changes most: dependencies, server, models, entry script.',
    `FROM ${req.baseImage}`,
    `RUN (command -v useradd >/dev/null && useradd --system --uid ${appUid} --user-group --no-create-home --home-dir ${appDir} --shell /usr/sbin/nologin modelport) \\`,
    `    || (echo 'modelport:x:${appUid}:${appUid}::${appDir}:/usr/sbin/nologin' >> /etc/passwd && echo 'modelport:x:${appUid}:' >> /etc/group)`,
    '# onnxruntime-node would download CUDA binaries at install; the CPU ones ship in the package.',
    'ENV ONNXRUNTIME_NODE_INSTALL=skip NODE_ENV=production',
    `WORKDIR ${appDir}`,
    '',
    '# 1. The runtime dependencies (onnxruntime-node, sharp, esbuild, the environment file\'s packages).',
    `COPY ${lockFiles} ./`,
    `RUN ${req.runtime.installCommand.join(' ')} && ${pruneOnnxruntime} && npm cache clean --force`,
    // After npm: installing Debian's ca-certificates (a python3 dependency) rewrites the base image's CA bundle.
    ...pythonLayers(py),
    '',
    '# 2. The scoring server (Modelport\'s bundled CLI).',
    `COPY server/ ${serverDir}/`,
  ];
  if (req.models.length > 0) d.push('', '# 3. The models, in Azure ML\'s layout: azureml-models/<name>/<version>/.', `COPY azureml-models/ ${modelsDir}/`);
  if (req.source) d.push('', '# 4. The entry script and its folder.', `COPY source/ ${sourceDir}/`);
  d.push(
    '',
    `ENV ${Object.entries(env)
      .map(([k, v]) => `${k}=${quoteEnv(v)}`)
      .join(' \\\n    ')}`,
    `USER ${appUid}:${appUid}`,
    `EXPOSE ${containerPort}`,
    `HEALTHCHECK --interval=10s --timeout=3s --start-period=60s --retries=3 CMD ${healthcheck}`,
    `CMD ${JSON.stringify(serveCommand(false))}`,
    '',
  );
  return { dockerfile: d.join('\n'), files, env, entryScriptInImage };
}

/** Python for a score.py: Debian's python3, then the environment in a layer keyed by its content hash. */
function pythonLayers(py: PythonImage | undefined): string[] {
  if (!py) return [];
  const lines = [
    '',
    "# 1b. Python for the score.py: Debian's python3 (3.11 in node:20-slim), then its environment, installed from wheels",
    '#    resolved on the build machine with its own pip configuration (image builds need no package index).',
    'RUN apt-get update && apt-get install -y --no-install-recommends python3 python3-venv && rm -rf /var/lib/apt/lists/*',
  ];
  if (py.wheelhouse) {
    const src = `/opt/modelport-env-src-${py.wheelhouse.key}`;
    lines.push(
      `COPY python-env/ ${src}/`,
      `RUN python3 -m venv ${pythonEnvDir} && ${pythonEnvDir}/bin/python -m pip install --no-cache-dir --disable-pip-version-check --no-index --find-links ${src} -r ${src}/requirements.txt`,
    );
  }
  return lines;
}
