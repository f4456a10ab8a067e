// Debugging an entry script in a real VS Code: a TypeScript score.ts that classifies with the model's session,
// a service over it, then Debug Locally (and Debug in Docker, when an engine answers): the debug twin runs
// under the Node inspector, VS Code's JavaScript debugger attaches, a breakpoint in run() stops a real
// request, the workbench is photographed paused there (test-results/screenshots/debug-paused.png), and
// continuing lets the request finish with 200. Its own model, services and files, removed at the end.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { RegisteredModel } from '../../../src/core/registry/modelMeta';
import type { ServiceStatus } from '../../../src/core/services/types';
import type { ModelportApi } from '../../../src/extension';
import type { DebugSession as ModelportDebugSession } from '../../../src/vscode/common/debugTwin';
import { activateModelport, projectDir, screenshot, waitUntil, within } from './helpers';

const modelName = 'debug-fashion';
const serviceName = 'debug-svc';

const entryScript = `// score.ts: classifies a 28x28 grayscale image (784 numbers in 0..1) with the Fashion-MNIST model.
interface Tensor {
  readonly dims: readonly number[];
  readonly data: ArrayLike<number>;
}
interface Session {
  run(feeds: Record<string, Tensor>): Promise<Record<string, Tensor>>;
}
interface InitContext {
  sessions: Record<string, Session>;
  ort: { Tensor: new (type: string, data: unknown, dims: readonly number[]) => Tensor };
  logger: { info(message: string): void };
}

const labels = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'];
let session: Session;
let ort: InitContext['ort'];

export async function init(context: InitContext): Promise<void> {
  const loaded = context.sessions['${modelName}'];
  if (loaded === undefined) throw new Error('deploy this script together with the ${modelName} model');
  session = loaded;
  ort = context.ort;
  context.logger.info('${modelName} ready');
}

export async function run(input: { pixels?: number[] }): Promise<{ label: string; score: number }> {
  const pixels = Float32Array.from(input.pixels ?? new Array<number>(784).fill(0));
  const { logits } = await session.run({ image: new ort.Tensor('float32', pixels, [1, 1, 28, 28]) });
  const scores = Array.from(logits?.data ?? []);
  const best = scores.indexOf(Math.max(...scores));
  return { label: labels[best] ?? String(best), score: scores[best] ?? 0 };
}
`;
const breakOn = 'const best = scores.indexOf';

function engineAnswers(): string | undefined {
  if (!process.env.DOCKER_HOST) return 'DOCKER_HOST is not set (.ci/run starts the container engine and sets it)';
  try {
    execFileSync('docker', ['version', '--format', '{{.Server.Version}}'], { timeout: 15_000, stdio: 'pipe' });
    return undefined;
  } catch (err) {
    return `docker version got no answer: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`;
  }
}

/** The thread stopped in a debug session (js-debug reports it on a child session of the one we started). */
function nextStop(): Promise<vscode.DebugStackFrame | vscode.DebugThread> {
  return new Promise((resolve) => {
    const sub = vscode.debug.onDidChangeActiveStackItem((item) => {
      if (item === undefined) return;
      sub.dispose();
      resolve(item);
    });
  });
}

/**
 * Resolves once some debug session (js-debug binds breakpoints in the child "Remote Process" session it attaches
 * a little after the one we start) reports a verified breakpoint in score.ts: only then can a request stop.
 */
function breakpointBound(): { bound: Promise<void>; dispose(): void } {
  let resolve!: () => void;
  const bound = new Promise<void>((r) => (resolve = r));
  type Bp = { verified?: boolean; source?: { path?: string } };
  const isBound = (bp: Bp | undefined): boolean => bp?.verified === true && (bp.source?.path ?? '').endsWith('score.ts');
  const tracker = vscode.debug.registerDebugAdapterTrackerFactory('*', {
    createDebugAdapterTracker: () => ({
      onDidSendMessage: (m: { event?: string; command?: string; body?: { breakpoint?: Bp; breakpoints?: Bp[] } }) => {
        if (m.event === 'breakpoint' && isBound(m.body?.breakpoint)) resolve();
        if (m.command === 'setBreakpoints' && (m.body?.breakpoints ?? []).some(isBound)) resolve();
      },
    }),
  });
  return { bound, dispose: () => tracker.dispose() };
}

interface StackFrame {
  name: string;
  line: number;
  source?: { path?: string; name?: string };
}

suite('Debugging an entry script in a real VS Code', () => {
  let api: ModelportApi;
  const dir = (): string => join(projectDir(), 'debug-src');
  const script = (): vscode.Uri => vscode.Uri.file(join(dir(), 'score.ts'));
  const started: vscode.DebugSession[] = [];
  const twins = new Set<string>();
  const subscriptions: vscode.Disposable[] = [];

  suiteSetup(async () => {
    api = await activateModelport();
    await mkdir(dir(), { recursive: true });
    await writeFile(join(dir(), 'score.ts'), entryScript);
    const model = (await vscode.commands.executeCommand('modelport.model.register', vscode.Uri.file(join(projectDir(), 'fashion', 'model.onnx')), { name: modelName, source: 'folder' })) as RegisteredModel | undefined;
    assert.ok(model, `register failed: ${api.lastOutcome()?.error?.message ?? '?'}`);
    const service = (await vscode.commands.executeCommand('modelport.model.deploy', model.id, { name: serviceName, computeType: 'local', authMode: 'none', entryScript: join(dir(), 'score.ts') })) as ServiceStatus | undefined;
    assert.ok(service, `deploy failed: ${api.lastOutcome()?.error?.message ?? '?'}`);
    assert.equal(service.state, 'Healthy');
    subscriptions.push(vscode.debug.onDidStartDebugSession((s) => started.push(s)));
    // MODELPORT_TRACE_DAP=1 prints the debug adapter's breakpoint traffic (why a breakpoint stays unbound).
    if (process.env.MODELPORT_TRACE_DAP) {
      const tracker = vscode.debug.registerDebugAdapterTrackerFactory('*', {
        createDebugAdapterTracker: (s) => ({
          onWillReceiveMessage: (m: { command?: string }) => {
            if (m.command === 'setBreakpoints' || m.command === 'attach') console.log(`DAP ${s.name} > ${JSON.stringify(m).slice(0, 600)}`);
          },
          onDidSendMessage: (m: { type?: string; event?: string; command?: string }) => {
            if (m.event === 'breakpoint' || m.event === 'stopped' || m.command === 'setBreakpoints' || m.event === 'output') console.log(`DAP ${s.name} < ${JSON.stringify(m).slice(0, 600)}`);
          },
        }),
      });
      subscriptions.push(tracker);
    }
  });

  suiteTeardown(async () => {
    for (const s of subscriptions) s.dispose();
    await vscode.debug.stopDebugging();
    vscode.debug.removeBreakpoints(vscode.debug.breakpoints);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('workbench.view.explorer');
    for (const twin of twins) await vscode.commands.executeCommand('modelport.service.delete', twin, { confirm: false });
    await vscode.commands.executeCommand('modelport.service.delete', serviceName, { confirm: false });
    await vscode.commands.executeCommand('modelport.model.delete', `${modelName}:1`, { confirm: false });
    await rm(dir(), { recursive: true, force: true });
  });

  /** Runs the command, breaks in run() on a real request, photographs it, continues: the request ends 200. */
  async function debugAndBreak(command: string, expectedType: 'local' | 'docker', shot: string): Promise<void> {
    started.length = 0;
    await vscode.commands.executeCommand('notifications.clearAll'); // the screenshot shows the debug message alone
    const t0 = Date.now();
    const result = (await vscode.commands.executeCommand(command, serviceName)) as ModelportDebugSession | undefined;
    assert.ok(result, `${command} failed: ${api.lastOutcome()?.error?.message ?? '?'}`);
    twins.add(result.service.name);
    assert.equal(result.service.name, `${serviceName}-debug`);
    assert.equal(result.service.computeType, expectedType);
    const configuration = result.configuration;
    assert.ok(configuration.type === 'node', 'a JavaScript entry script gets the Node debugger');
    assert.equal(configuration.port, result.service.debugPort);
    if (expectedType === 'docker') assert.equal(configuration.remoteRoot, '/var/azureml-app/source');
    const session = await waitUntil('a node debug session', async () => started.find((s) => s.configuration.name === result.configuration.name), 30_000);
    assert.match(session.type, /^(pwa-)?node$/);
    console.log(`${command}: twin Healthy and debugger attached in ${Date.now() - t0} ms`);

    const line = entryScript.split('\n').findIndex((l) => l.includes(breakOn));
    vscode.debug.removeBreakpoints(vscode.debug.breakpoints);
    const binding = breakpointBound();
    try {
      vscode.debug.addBreakpoints([new vscode.SourceBreakpoint(new vscode.Location(script(), new vscode.Position(line, 0)))]);
      await within(binding.bound, 60_000, 'binding the breakpoint in score.ts');
    } finally {
      binding.dispose();
    }
    const stopped = nextStop();
    const request = fetch(result.service.scoringUri, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ pixels: new Array(784).fill(0) }) });
    const answered = request.then(async (res) => ({ status: res.status, body: (await res.json()) as { label?: string } }));
    const stop = await within(Promise.race([stopped, answered.then((a) => Promise.reject(new Error(`the request finished without stopping: ${a.status} ${JSON.stringify(a.body)}`)))]), 60_000, 'a stop at the breakpoint');
    const frames = (await stop.session.customRequest('stackTrace', { threadId: stop.threadId })) as { stackFrames: StackFrame[] };
    const top = frames.stackFrames[0];
    assert.match(top?.name ?? '', /(^|\.)run$/, 'paused in run() (js-debug names it Object.run: a CommonJS export)');
    assert.equal(top?.line, line + 1, 'the line of the breakpoint (1-based)');
    assert.ok(top?.source?.path?.endsWith('score.ts'), `paused in ${top?.source?.path ?? '?'}`);

    // The workbench as a user sees it: Run and Debug, score.ts stopped on the breakpoint.
    await vscode.commands.executeCommand('workbench.view.debug');
    await vscode.commands.executeCommand('workbench.action.closePanel');
    await vscode.commands.executeCommand('workbench.action.closeAuxiliaryBar').then(undefined, () => undefined);
    await screenshot(shot, ['.debug-top-stack-frame-line', '.debug-call-stack .monaco-list-row:has-text("run")']);

    await stop.session.customRequest('continue', { threadId: stop.threadId });
    const answer = await answered;
    assert.equal(answer.status, 200);
    assert.equal(typeof answer.body.label, 'string');
    await vscode.debug.stopDebugging(session);
  }

  test('Debug Locally: a breakpoint in run() of score.ts stops a real request, which completes after Continue', async function () {
    this.timeout(180_000);
    await debugAndBreak('modelport.service.debugLocally', 'local', 'debug-paused.png');
  });

  test('Debug in Docker: the same, in a container with the sources mapped', async function () {
    const why = engineAnswers();
    if (why !== undefined) {
      console.log(`skipping Debug in Docker: ${why}`);
      this.skip();
    }
    this.timeout(420_000);
    // Engines that need extra arguments (podman here: --network slirp4netns), as .ci/run exports them.
    process.env.MODELPORT_DOCKER_RUN_ARGS ??= process.env.CTR_RUN_NET_ARGS ?? '';
    process.env.MODELPORT_DOCKER_BUILD_ARGS ??= process.env.CTR_BUILD_NET_ARGS ?? '';
    await debugAndBreak('modelport.service.debugInDocker', 'docker', 'debug-paused-docker.png');
  });
});
