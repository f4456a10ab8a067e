/* global setTimeout */
// `npm run bench`: Modelport against the limit (onnxruntime in process, no HTTP) and against a Python peer built
// the way Azure ML's inference server works (Flask under gunicorn, score.py with init/run, onnxruntime). Everything
// runs in this process tree on 127.0.0.1, bounded in time; prints a table and writes BENCHMARKS.md.
//
// The Python runtime (a score.py in Modelport's Python workers) is measured against the same Flask/gunicorn peer
// running the same unchanged score.py, with the same number of workers.
//
//   node bench/run.mjs [--quick] [--no-write] [--only limit,modelport,peer,python,soak] [--duration-ms N] [--soak-ms N]
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import http from 'node:http';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const flag = (name) => args.includes(name);
const value = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const quick = flag('--quick');
const only = new Set((value('--only') ?? 'limit,modelport,peer,python,soak').split(','));
let soakFailed = false;
const soakMs = Number(value('--soak-ms') ?? (quick ? 10_000 : 30_000));
const durationMs = Number(value('--duration-ms') ?? (quick ? 1000 : 2000));
const warmupMs = quick ? 300 : 600;
const concurrencies = [1, 8, 32];
const hardStop = setTimeout(() => {
  console.error('bench: gave up after 10 minutes');
  process.exit(1);
}, 10 * 60_000);
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

function load(spec) {
  return new Promise((resolve, reject) => {
    const child = track(spawn(process.execPath, [join(root, 'bench/loadgen.mjs'), JSON.stringify({ warmupMs, durationMs, ...spec })], { stdio: ['ignore', 'pipe', 'inherit'] }));
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out.trim())) : reject(new Error(`loadgen exited ${code}`))));
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

/** Probes a health route every 25 ms while `work` runs; returns the work's result and the probes' p99/max. */
async function withProbe(url, work) {
  const samples = [];
  let done = false;
  const probing = (async () => {
    await new Promise((r) => setTimeout(r, warmupMs));
    while (!done) {
      const r = await get(url);
      if (r.status === 200) samples.push(r.ms);
      await new Promise((res) => setTimeout(res, 25));
    }
  })();
  const result = await work;
  done = true;
  await probing;
  samples.sort((a, b) => a - b);
  return { ...result, healthP99: samples[Math.floor(samples.length * 0.99)] ?? NaN, healthMax: samples[samples.length - 1] ?? NaN };
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
        const sum = Number(/modelport_batch_size_sum\{[^}]*\} (\S+)/.exec(text)?.[1] ?? NaN);
        const count = Number(/modelport_batch_size_count\{[^}]*\} (\S+)/.exec(text)?.[1] ?? NaN);
        resolve({ runs: count, rows: sum });
      });
    });
  });
}

const scenarios = [
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
        const r = c === 32 ? await withProbe(`${server.url}/`, load(spec)) : await load(spec);
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
  const python = '/usr/bin/python3';
  if (!existsSync(python)) return { skipped: 'no /usr/bin/python3' };
  const venv = join(tmpdir(), 'modelport-bench-venv');
  const vpy = join(venv, 'bin/python');
  const check = (py) => spawnSync(py, ['-c', 'import flask, gunicorn, numpy, PIL, onnxruntime; print(onnxruntime.__version__)'], { encoding: 'utf8' });
  let r = existsSync(vpy) ? check(vpy) : { status: 1 };
  if (r.status !== 0) {
    const base = spawnSync(python, ['-c', 'import flask, gunicorn, numpy, PIL'], { encoding: 'utf8' });
    if (base.status !== 0) return { skipped: 'Flask, gunicorn, numpy or Pillow missing (Debian: apt-get install python3-flask gunicorn python3-numpy python3-pil)' };
    const wheels = '/opt/pypi/files';
    if (!existsSync(wheels) || !readdirSync(wheels).some((f) => /^onnxruntime-\d/.test(f))) {
      return { skipped: `Python onnxruntime is not available on this machine (no wheel in ${wheels}; Debian has none)` };
    }
    if (!existsSync(vpy)) spawnSync(python, ['-m', 'venv', '--system-site-packages', venv], { stdio: 'ignore' });
    spawnSync(vpy, ['-m', 'pip', 'install', '--quiet', '--no-index', '--find-links', wheels, 'onnxruntime'], { stdio: 'ignore' });
    r = check(vpy);
    if (r.status !== 0) return { skipped: `onnxruntime could not be installed into ${venv}: ${r.stderr.trim().split('\n').pop()}` };
  }
  return { python: vpy, ortVersion: r.stdout.trim() };
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
        const r = c === 32 ? await withProbe(`${server.url}/`, load(spec)) : await load(spec);
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

async function benchPythonRuntime(cli, env) {
  const rows = [];
  for (const workers of [1, 2]) {
    const servers = { modelport: await serveModelportPython(cli, env, workers), peer: await servePythonPeer(env, workers) };
    for (const c of concurrencies) {
      for (const who of ['modelport', 'peer']) {
        const server = servers[who];
        const spec = { url: `${server.url}/score`, headers: { 'content-type': 'application/json' }, bodies: sklearnBodies, concurrency: c };
        const r = c === 32 ? await withProbe(`${server.url}/`, load(spec)) : await load(spec);
        rows.push({ who, workers, concurrency: c, ...r });
        console.log(`  ${who === 'modelport' ? 'modelport python' : 'flask peer      '} ${workers} worker${workers > 1 ? 's' : ' '} c=${String(c).padEnd(2)} ${fmt(r.rps, 0).padStart(6)} rps  p50 ${fmt(r.p50, 2)} ms  p99 ${fmt(r.p99, 2)} ms${r.errors ? `  errors ${r.errors} (${r.firstError})` : ''}`);
      }
    }
    await Promise.all(Object.values(servers).map((s) => stop(s.child)));
  }
  return rows;
}

function pythonReport(rows, info) {
  const lines = ['## The Python runtime: an unchanged score.py (scikit-learn) in Modelport vs Flask/gunicorn', ''];
  if (info.skipped) return [...lines, `Skipped: ${info.skipped}.`, ''].join('\n');
  lines.push(
    `samples/azureml-sklearn/score.py (joblib.load, json.loads(raw_data)['data'], predict, tolist()) on the request of two rows, scikit-learn ${info.sklearnVersion}, the same venv for both;`,
    'Modelport with N Python worker processes behind its Node server, the peer with N gunicorn sync workers (Azure\'s inference server design).',
    '',
    '| workers | c | Modelport req/s | p50 ms | p99 ms | peer req/s | p50 ms | p99 ms | Modelport / peer (req/s) | health p99 ms under load (Modelport / peer) |',
    '|---|---|---|---|---|---|---|---|---|---|',
  );
  for (const workers of [1, 2]) {
    for (const c of concurrencies) {
      const a = rows.find((r) => r.who === 'modelport' && r.workers === workers && r.concurrency === c);
      const b = rows.find((r) => r.who === 'peer' && r.workers === workers && r.concurrency === c);
      if (!a || !b) continue;
      lines.push(`| ${workers} | ${c} | ${fmt(a.rps, 0)} | ${fmt(a.p50, 2)} | ${fmt(a.p99, 2)} | ${fmt(b.rps, 0)} | ${fmt(b.p50, 2)} | ${fmt(b.p99, 2)} | ${ratio(a.rps / b.rps)} | ${fmt(a.healthP99, 2)} / ${fmt(b.healthP99, 2)} |`);
    }
  }
  lines.push('');
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
  const modelOf = (scenario) => (scenario === 'image' ? 'fashion-mnist' : 'iris');
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
  for (const scenario of ['image', 'tabular', 'v2']) {
    const on32 = mp.find((r) => r.scenario === scenario && r.batching === 'on' && r.concurrency === 32);
    const on1 = mp.find((r) => r.scenario === scenario && r.batching === 'on' && r.concurrency === 1);
    const off32 = mp.find((r) => r.scenario === scenario && r.batching === 'off' && r.concurrency === 32);
    const limit = limitOf(modelOf(scenario));
    const peer32 = bestPeer(peer, scenario === 'v2' ? 'tabular' : scenario, 32);
    if (!on32 || !limit) continue;
    const parts = [
      `c=32: ${pct(on32.rps / limit.best.samplesPerSecond)} of the limit`,
      peer32 ? `${ratio(on32.rps / peer32.rps)} the peer's req/s, p99 ${fmt(on32.p99, 2)} vs ${fmt(peer32.p99, 2)} ms` : 'no peer',
      off32 ? `batching ${ratio(on32.rps / off32.rps)} the req/s without it` : '',
      on1 ? `c=1: p50 ${fmt(on1.p50, 3)} ms for a model run of ${fmt(limit.b1.msPerRun, 3)} ms, so HTTP adds ${fmt(on1.p50 - limit.b1.msPerRun, 3)} ms (client included)` : '',
    ].filter(Boolean);
    lines.push(`- **${scenario}**: ${parts.join('; ')}.`);
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
  let soak;
  if (only.has('soak')) {
    console.log('soak');
    soak = await benchSoak(await bundleServer());
    // A soak with errors fails the run: steady valid load must never fail a request.
    soakFailed = soak.errors > 0;
  }
  const seconds = ((Date.now() - started) / 1000).toFixed(0);
  const { text: onnxText } = report(m, limits, mp, peer, peerInfo);
  const text = `${onnxText}\n${pythonReport(pyRows, pyInfo)}` + soakText(soak);
  console.log('\n' + text);
  if (!flag('--no-write')) {
    const command = `npm run bench${args.length ? ` -- ${args.join(' ')}` : ''}`;
    const doc = [
      '# Benchmarks',
      '',
      `Written by \`${command}\` (bench/run.mjs) in ${seconds} s on ${new Date().toISOString().slice(0, 10)}.`,
      '',
      `Machine: ${m.cpu}, ${m.cores} cores, ${m.memGiB} GiB; Node ${m.node}; onnxruntime-node ${m.ortVersion}; sharp ${m.sharpVersion}.`,
      `Each point: ${warmupMs} ms warm-up, then ${durationMs} ms of closed-loop load from a Node child process (keep-alive connections, one request`,
      'in flight per connection) on 127.0.0.1; the load generator shares the machine with the server, as does everything else here.',
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
