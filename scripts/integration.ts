// npm run test:integration: the extension's mocha suites inside a real VS Code extension host — code-server 4.100.3
// (VS Code 1.100.3) installed from the npm registry into ~/.cache/modelport/vscode-host, started on 127.0.0.1 and
// a free port, the workbench held by headless Chromium — against a throw-away project folder holding the
// Fashion-MNIST sample. Screenshots of the workbench land in test-results/screenshots/. Exit code = the suites'.
// Where this machine cannot have the host or a browser (and cannot install them), the suites are skipped with one
// line saying what to install. @vscode/test-electron (test/integration/runTest.ts) stays the runner where VS Code
// can be downloaded.
//   MODELPORT_GREP=…            only the matching tests (the extension host inherits this environment)
//   MODELPORT_VSIX=file.vsix    the same suites against the packaged extension, unzipped
//   MODELPORT_EXTHOST_TIMEOUT_MS  bound of the whole run inside the host (default 40 min)
// The ACI suite runs against the Azure contract doubles (test/integration/host/azureDoubles.ts), which need the
// container engine and registry of the machine in this environment (DOCKER_HOST, CTR_REGISTRY, CTR_RUN_NET_ARGS)
// and libnss-wrapper; without them it skips, saying why.
//   MODELPORT_EXTHOST_VERBOSE=1   the whole workbench log
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ensureChromium } from '../test/helpers/chromium';
import { startAzureDoublesProcess, type RunningAzureDoubles } from '../test/integration/host/azureDoubles';
import { startCodeServer, type RunningCodeServer } from '../test/integration/host/codeServer';
import { driveSuites } from '../test/integration/host/driveSuites';
import { ensureVsCodeHost } from '../test/integration/host/installHost';
import { ensureLayerCache } from '../test/helpers/layerCache';

const root = resolve(__dirname, '..');
const started = Date.now();
const log = (line: string): void => console.log(`integration: ${line}`);
const seconds = (): number => Math.round((Date.now() - started) / 1000);

function skip(reason: string): never {
  log(`skipped: ${reason}`);
  process.exit(0);
}

/** Services the suites deployed and did not delete (a failed test) are detached processes: stop them by the pids their hosts recorded. */
function stopLeftoverServices(project: string): void {
  const services = join(project, '.modelport', 'services');
  if (!existsSync(services)) return;
  for (const name of readdirSync(services)) {
    try {
      const { pid } = JSON.parse(readFileSync(join(services, name, 'host.json'), 'utf8')) as { pid?: number };
      if (pid) process.kill(pid, 'SIGTERM');
    } catch {
      // no host file, or the host is gone already
    }
  }
}

async function main(): Promise<number> {
  process.chdir(root);
  if (spawnSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' }).status !== 0) return 1; // dist/extension.js, dist/cli.js, out/test/integration/*

  const browser = ensureChromium(log);
  if ('missing' in browser) skip(browser.missing);
  const host = ensureVsCodeHost(log);
  if ('missing' in host) skip(host.missing);
  if ('failed' in host) {
    log(`the VS Code host could not be installed: ${host.failed}`);
    return 1;
  }

  const work = mkdtempSync(join(tmpdir(), 'modelport-exthost-'));
  const shots = join(root, 'test-results', 'screenshots');
  mkdirSync(shots, { recursive: true });
  // The project folder the workbench opens: the sample model with its config, labels and one image.
  const project = join(work, 'project');
  mkdirSync(join(project, 'fashion'), { recursive: true });
  for (const f of ['model.onnx', 'model.json', 'labels.txt', 'images/sneaker.png']) {
    cpSync(join(root, 'samples', 'fashion-mnist', f), join(project, 'fashion', f.replace('images/', '')));
  }

  let extensionDir = root;
  if (process.env.MODELPORT_VSIX) {
    const vsix = realpathSync(process.env.MODELPORT_VSIX);
    mkdirSync(join(work, 'vsix'));
    if (spawnSync('unzip', ['-q', vsix], { cwd: join(work, 'vsix'), stdio: 'inherit' }).status !== 0) return 1;
    extensionDir = join(work, 'vsix', 'extension');
    log(`testing the packaged extension: ${vsix}`);
  }

  let server: RunningCodeServer | undefined;
  let azure: RunningAzureDoubles | undefined;
  const cleanup = async (): Promise<void> => {
    stopLeftoverServices(project);
    await server?.stop();
    await azure?.stop(); // the doubles remove the container groups they run
    rmSync(work, { recursive: true, force: true });
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => void cleanup().finally(() => process.exit(130)));
  }

  let code: number;
  try {
    // The Python suite reuses the environments the HTTP tests built for the sample's env.yml (made once per content).
    const envCache = process.env.MODELPORT_ENV_CACHE || join(tmpdir(), 'modelport-test-python-envs');
    // The doubles' environment (CA, endpoints, principal, nss_wrapper's LD_PRELOAD) goes to the workbench server
    // only: Chromium, driven from this process, does not close under nss_wrapper.
    // The Debug in Docker, Python and ACI suites build service images: their dependency layers stay in the engine.
    log(`layer cache: ${await ensureLayerCache(join(root, 'dist', 'cli.js')).catch((err: unknown) => `not kept (${String(err)})`)}`);
    azure = await startAzureDoublesProcess(root, work, log);
    server = await startCodeServer(host.codeServer, join(work, 'run'), { MODELPORT_SHOT_DIR: shots, MODELPORT_ENV_CACHE: envCache, ...azure.env });
    log(`code-server up on ${server.url} (log: ${server.logFile})`);
    const run = await driveSuites({
      serverUrl: server.url,
      chromiumPath: browser.path,
      extensionDir,
      testsEntry: join(root, 'out', 'test', 'integration', 'index'),
      folder: project,
      // Image builds (Debug in Docker, the Python suite's Docker deployment, the ACI suite's two images, built and
      // pushed) take minutes on a busy machine.
      timeoutMs: Number(process.env.MODELPORT_EXTHOST_TIMEOUT_MS || 40 * 60_000),
      verbose: process.env.MODELPORT_EXTHOST_VERBOSE === '1',
    });
    code = run.code;
    if (run.tally) console.log(`exthost: ${run.tally.passes} passed, ${run.tally.failures} failed, ${run.tally.pending} skipped`);
    // The explorer's context menu needs a real right-click: a separate Playwright pass over the same workbench.
    if (code === 0) {
      const menu = spawnSync(process.execPath, ['test/integration/screenshots/explorerMenu.mjs', server.url, extensionDir, project, join(shots, 'explorer-context-menu.png')], {
        stdio: 'inherit',
        env: { ...process.env, CHROMIUM: browser.path },
      });
      code = menu.status ?? 1;
    }
  } finally {
    await cleanup();
  }
  log(`exit ${code} in ${seconds()} s; screenshots in ${shots}`);
  return code;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
