// The host side of the endpoint tester, free of the `vscode` module: it validates what the webview asks,
// performs every HTTP call (src/core/client), keeps keys to itself and answers with typed messages. The
// VS Code adapter (testerPanel.ts) gives it SecretStorage, workspaceState, the clipboard and dialogs; the
// browser harness of test/e2e gives it in-memory ones and drives the same code.
import type { PreprocessSpec } from '../../core/modelConfig';
import { checkScoringUri, swaggerUrl, v2ModelName, v2ModelUrl } from '../../core/client/endpoint';
import { formatJson, scorableJsonExample, swaggerInputExample, v2ExampleRequest, v2ModelMetadataSchema, v2RequestFromTensor, type V2ModelMetadata } from '../../core/client/examples';
import { imageLimitMessage, imageLimits } from '../../core/client/imageLimits';
import { createHistoryStore, type HistoryEntry, type HistoryStore, type KeyValueStore, type StoredInput } from '../../core/client/history';
import { formatLoadTestSummary, runLoadTest } from '../../core/client/loadTest';
import { buildRequest, RequestBuildError, type HttpRequestSpec, type ImageInput, type TestInput } from '../../core/client/request';
import { getJson, sendRequest, type ClientResponse } from '../../core/client/send';
import { generateSnippet, generateSnippets } from '../../core/client/snippets';
import type { ImageTensor } from '../../core/preprocess/imageTensor';
import { inferPreprocess } from '../../core/preprocess/inferPreprocess';
import {
  dispatch,
  parseWebviewMessage,
  type Handlers,
  type HistoryView,
  type HostMessage,
  type InputPayload,
  type ResultView,
  type TargetInfo,
  type TargetOption,
  type WebviewMessage,
} from '../../protocol/tester';

/** A deployed Modelport service as the tester needs it. */
export interface TesterService {
  name: string;
  scoringUri: string;
  authMode: 'none' | 'key' | 'token';
  state?: string;
  /** Registry refs (`name:version`); the first one is the V2 model. */
  models: string[];
}

export interface TesterServiceSource {
  list(): Promise<TesterService[]>;
  /** `Bearer <primary key or token>` for a service with auth; undefined when it has none. */
  authorization(name: string): Promise<string | undefined>;
  /** The model config's preprocess section, for V2 tensors made from images. */
  preprocessSpec?(name: string): Promise<PreprocessSpec | undefined>;
  /** Shows the service's log lines of one request. */
  showRequestLog?(name: string, requestId: string): Promise<void>;
}

export interface SecretStore {
  get(key: string): PromiseLike<string | undefined>;
  store(key: string, value: string): PromiseLike<void>;
  delete(key: string): PromiseLike<void>;
}

export interface TesterLog {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export interface TesterHostEnv {
  post(message: HostMessage): unknown;
  secrets: SecretStore;
  /** Per-workspace storage (workspaceState): history and custom targets. */
  state: KeyValueStore;
  writeClipboard(text: string): PromiseLike<void>;
  /** A file dialog: the chosen images' bytes (the webview never sees paths). */
  pickImages(): PromiseLike<ImageInput[]>;
  /** Asks for a key or token without echoing it; undefined when the user cancels. */
  promptKey(targetLabel: string): PromiseLike<string | undefined>;
  log: TesterLog;
  /**
   * The server's own image preprocessing, for V2 tensors made from images. Given by the adapter: the extension
   * loads it (and sharp) on first use from a bundle of its own, so activation never does.
   */
  imagesToTensor(images: Buffer[], spec: PreprocessSpec): Promise<ImageTensor>;
  fetch?: typeof fetch;
  /** Told how every request ends (integration tests and the extension's API observe the panel through it). */
  onOutcome?(outcome: TesterOutcome): void;
}

/** How the last request of a panel ended: the answer as the panel shows it, or why it was not sent. */
export type TesterOutcome = { ok: true; result: ResultView } | { ok: false; message: string; requestId?: string };

/** What a command gives the panel besides its target: images already read, and whether to send at once. */
export interface TesterPreload {
  images?: ImageInput[];
  send?: boolean;
}

interface CustomTarget {
  url: string;
  model?: string;
}

interface Prepared {
  target: TargetOption;
  spec: HttpRequestSpec;
  authorization: string | undefined;
}

const customTargetsKey = 'modelport.tester.customTargets';
const selectedKey = 'modelport.tester.selected';
const secretKey = (scoringUri: string): string => `modelport.tester.key:${scoringUri}`;

function toBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

/**
 * The bytes as a plain Uint8Array, copied. `workspace.fs.readFile` gives a Node Buffer in the extension host,
 * and VS Code serializes webview messages with JSON.stringify, which calls Buffer's toJSON before looking for
 * typed arrays: a Buffer would arrive as `{ type: 'Buffer', data: [...] }` and the webview would refuse it.
 */
function plainBytes(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(bytes);
}

function storedInput(input: InputPayload): StoredInput {
  if (input.mode !== 'image') return input;
  return { mode: 'image', encoding: input.encoding, images: input.images.map((i) => ({ name: i.name, mime: i.mime, base64: toBase64(i.bytes) })) };
}

function payloadOf(input: StoredInput): InputPayload {
  if (input.mode !== 'image') return input;
  return { mode: 'image', encoding: input.encoding, images: input.images.map((i) => ({ name: i.name, mime: i.mime, bytes: new Uint8Array(Buffer.from(i.base64, 'base64')) })) };
}

function historyView(e: HistoryEntry): HistoryView {
  return {
    id: e.id,
    at: e.at,
    targetLabel: e.targetLabel,
    summary: e.summary,
    status: e.status,
    ok: e.ok,
    totalMs: e.totalMs,
    serverMs: e.serverMs,
    requestId: e.requestId,
    outcome: e.outcome,
    rerunnable: e.input !== undefined,
  };
}

function outcomeOf(res: ClientResponse): string | undefined {
  if (!res.ok) return res.errorMessage;
  const top = res.predictions?.[0]?.[0];
  if (top) return `${top.label} ${(top.probability * 100).toFixed(1)}%${(res.predictions?.length ?? 0) > 1 ? ` (+${(res.predictions?.length ?? 1) - 1} more)` : ''}`;
  const outputs = (res.json as { outputs?: Array<{ name?: unknown; shape?: unknown }> } | undefined)?.outputs;
  if (Array.isArray(outputs) && outputs.length > 0) {
    return outputs.map((o) => `${String(o.name)} [${Array.isArray(o.shape) ? o.shape.join(', ') : '?'}]`).join(', ');
  }
  return undefined;
}

const v2TypeToOnnx: Record<string, 'float32' | 'uint8' | undefined> = { FP32: 'float32', UINT8: 'uint8' };

export class TesterController {
  private readonly history: HistoryStore;
  private targets: TargetOption[] = [];
  private selected: string | undefined;
  private readonly infos = new Map<string, TargetInfo>();
  private readonly metadata = new Map<string, V2ModelMetadata>();
  private last: Prepared | undefined;
  private inFlight: AbortController | undefined;
  private loadTest: AbortController | undefined;
  private disposed = false;
  /** The webview has said `panel/ready`: messages posted now reach its handlers. */
  private ready = false;
  /** A preload that arrived before the webview was ready; delivered right after `state/init`. */
  private pending: TesterPreload | undefined;
  private outcome: TesterOutcome | undefined;
  private readonly handlers: Handlers<WebviewMessage>;

  constructor(
    private readonly services: TesterServiceSource | undefined,
    private readonly env: TesterHostEnv,
  ) {
    this.history = createHistoryStore(env.state);
    const stored = env.state.get(selectedKey);
    this.selected = typeof stored === 'string' ? stored : undefined;
    this.handlers = {
      'panel/ready': () => this.onReady(),
      'target/select': (m) => this.select(m.key),
      'target/custom': (m) => this.addCustom(m.url, m.model),
      'target/setKey': () => this.setKey(),
      'target/clearKey': () => this.clearKey(),
      'target/refresh': async () => {
        await this.refreshTargets();
        if (this.selected) await this.loadInfo(this.selected, true);
      },
      'image/pick': () => this.pickImages(),
      'request/send': (m) => this.send(m.input),
      'request/cancel': () => this.inFlight?.abort(),
      'snippet/copy': (m) => this.copySnippet(m.language),
      'history/rerun': (m) => this.rerun(m.id),
      'history/remove': async (m) => {
        await this.history.remove(m.id);
        this.postHistory();
      },
      'history/clear': async () => {
        await this.history.clear();
        this.postHistory();
      },
      'history/showLog': (m) => this.showLog(m.id),
      'loadtest/start': (m) => this.startLoadTest(m.requests, m.concurrency, m.maxDurationS),
      'loadtest/stop': () => this.loadTest?.abort(),
      'clipboard/copy': async (m) => {
        await this.env.writeClipboard(m.text);
      },
    };
  }

  /** Entry point for every message from the webview: validated, then handled; invalid ones are logged and dropped. */
  async handle(data: unknown): Promise<void> {
    const parsed = parseWebviewMessage(data);
    if (!parsed.ok) {
      this.env.log.warn(`tester: ignored an invalid message from the webview (${parsed.error})`);
      return;
    }
    try {
      await dispatch(this.handlers, parsed.message);
    } catch (err) {
      this.env.log.error(`tester: ${parsed.message.type} failed: ${(err as Error).message}`);
      this.post({ type: 'notice/show', level: 'error', message: (err as Error).message });
    }
  }

  /**
   * Selects a service (from the tree's Test Endpoint) or a URL; the webview follows. With a preload, the
   * images appear in the panel as if picked (replacing those shown) and, with `send`, the panel sends them
   * as its Send button would. A panel that is still loading gets them once it is ready.
   */
  async open(target: { service: string } | { url: string; model?: string } | undefined, preload?: TesterPreload): Promise<void> {
    if (target && 'service' in target) {
      await this.refreshTargets();
      await this.select(`service:${target.service}`);
    } else if (target) {
      await this.addCustom(target.url, target.model);
    }
    if (!preload || (!preload.images?.length && !preload.send)) return;
    if (this.ready) this.deliver(preload);
    else this.pending = preload;
  }

  /** How the last request of this panel ended, if one was made. */
  get lastOutcome(): TesterOutcome | undefined {
    return this.outcome;
  }

  dispose(): void {
    this.disposed = true;
    this.inFlight?.abort();
    this.loadTest?.abort();
  }

  private deliver(preload: TesterPreload): void {
    const images = this.withinLimits(preload.images ?? []);
    if (images.length > 0) this.post({ type: 'image/added', images: images.map((i) => ({ name: i.name, mime: i.mime, bytes: plainBytes(i.bytes) })), replace: true });
    if (preload.send) this.post({ type: 'request/trigger', mode: images.length > 0 ? 'image' : undefined });
  }

  /** The images a request can carry, in order; the others are left out, and the panel says which. */
  private withinLimits(images: readonly ImageInput[]): ImageInput[] {
    const kept = images.filter((i) => i.bytes.byteLength <= imageLimits.maxImageBytes).slice(0, imageLimits.maxImages);
    if (kept.length < images.length) {
      this.post({ type: 'notice/show', level: 'error', message: imageLimitMessage(images.filter((i) => !kept.includes(i)).map((i) => i.name)) });
    }
    return kept;
  }

  private fail(message: string, requestId?: string): void {
    this.record({ ok: false, message, requestId });
    this.post({ type: 'request/failed', message, requestId });
  }

  private record(outcome: TesterOutcome): void {
    this.outcome = outcome;
    this.env.onOutcome?.(outcome);
  }

  private post(message: HostMessage): void {
    if (!this.disposed) void this.env.post(message);
  }

  private customTargets(): CustomTarget[] {
    const raw = this.env.state.get(customTargetsKey);
    return Array.isArray(raw) ? (raw as CustomTarget[]).filter((t) => typeof t?.url === 'string') : [];
  }

  private async refreshTargets(): Promise<void> {
    let services: TesterService[] = [];
    try {
      services = (await this.services?.list()) ?? [];
    } catch (err) {
      this.env.log.warn(`tester: could not list services: ${(err as Error).message}`);
    }
    const fromServices: TargetOption[] = services.map((s) => ({
      key: `service:${s.name}`,
      kind: 'service',
      label: s.name,
      scoringUri: s.scoringUri,
      authMode: s.authMode,
      state: s.state,
      model: s.models[0] ? v2ModelName(s.models[0]) : undefined,
    }));
    const custom: TargetOption[] = await Promise.all(
      this.customTargets().map(async (t): Promise<TargetOption> => ({
        key: `url:${t.url}`,
        kind: 'url',
        label: new URL(t.url).host + new URL(t.url).pathname,
        scoringUri: t.url,
        authMode: (await this.env.secrets.get(secretKey(t.url))) ? 'key' : 'none',
        model: t.model,
      })),
    );
    this.targets = [...fromServices, ...custom];
    if (this.selected && !this.targets.some((t) => t.key === this.selected)) this.selected = undefined;
    this.selected ??= this.targets[0]?.key;
  }

  private postHistory(): void {
    this.post({ type: 'history/update', entries: this.history.list().map(historyView) });
  }

  private async onReady(): Promise<void> {
    await this.refreshTargets();
    this.post({ type: 'state/init', targets: this.targets, selectedKey: this.selected, history: this.history.list().map(historyView) });
    if (this.selected) await this.loadInfo(this.selected, false);
    this.ready = true;
    const pending = this.pending;
    this.pending = undefined;
    if (pending) this.deliver(pending);
  }

  private async select(key: string): Promise<void> {
    if (!this.targets.some((t) => t.key === key)) await this.refreshTargets();
    if (!this.targets.some((t) => t.key === key)) {
      this.post({ type: 'notice/show', level: 'error', message: `There is no target '${key.replace(/^\w+:/, '')}' any more. Pick another one.` });
      return;
    }
    this.selected = key;
    await this.env.state.update(selectedKey, key);
    this.post({ type: 'targets/update', targets: this.targets, selectedKey: key });
    await this.loadInfo(key, false);
  }

  private async addCustom(url: string, model: string | undefined): Promise<void> {
    const scoringUri = checkScoringUri(url);
    const list = this.customTargets().filter((t) => t.url !== scoringUri);
    await this.env.state.update(customTargetsKey, [{ url: scoringUri, model: model?.trim() || undefined }, ...list].slice(0, 20));
    this.infos.delete(`url:${scoringUri}`);
    await this.refreshTargets();
    await this.select(`url:${scoringUri}`);
  }

  private target(key = this.selected): TargetOption | undefined {
    return this.targets.find((t) => t.key === key);
  }

  private async authorization(target: TargetOption): Promise<string | undefined> {
    if (target.kind === 'service') return target.authMode === 'none' ? undefined : await this.services?.authorization(target.label);
    const key = await this.env.secrets.get(secretKey(target.scoringUri));
    return key ? `Bearer ${key}` : undefined;
  }

  private async setKey(): Promise<void> {
    const target = this.target();
    if (!target) return;
    if (target.kind === 'service') {
      this.post({ type: 'notice/show', level: 'info', message: `${target.label} uses the keys Modelport keeps for it; nothing to set.` });
      return;
    }
    const value = (await this.env.promptKey(target.label))?.trim().replace(/^Bearer\s+/i, '');
    if (!value) return;
    await this.env.secrets.store(secretKey(target.scoringUri), value);
    await this.refreshTargets();
    this.post({ type: 'targets/update', targets: this.targets, selectedKey: this.selected });
    await this.loadInfo(target.key, true);
  }

  private async clearKey(): Promise<void> {
    const target = this.target();
    if (!target || target.kind !== 'url') return;
    await this.env.secrets.delete(secretKey(target.scoringUri));
    await this.refreshTargets();
    this.post({ type: 'targets/update', targets: this.targets, selectedKey: this.selected });
    await this.loadInfo(target.key, true);
  }

  private async loadInfo(key: string, force: boolean): Promise<void> {
    const target = this.target(key);
    if (!target) return;
    const cached = this.infos.get(key);
    if (cached && !force) {
      this.post({ type: 'target/info', info: cached });
      return;
    }
    const authorization = await this.authorization(target).catch(() => undefined);
    const problems: string[] = [];
    const fetchOpts = { authorization, fetch: this.env.fetch, timeoutMs: 5000 };
    const [swagger, meta] = await Promise.all([
      getJson(swaggerUrl(target.scoringUri), { fetch: this.env.fetch, timeoutMs: 5000 }).catch((err: Error) => {
        problems.push(`No swagger example: ${err.message}`);
        return undefined;
      }),
      target.model
        ? getJson(v2ModelUrl(target.scoringUri, target.model), fetchOpts).catch((err: Error) => {
            problems.push(`No V2 signature: ${err.message}`);
            return undefined;
          })
        : Promise.resolve(undefined),
    ]);
    const parsedMeta = meta === undefined ? undefined : v2ModelMetadataSchema.safeParse(meta);
    if (parsedMeta && !parsedMeta.success) problems.push('The V2 model metadata does not have the expected shape.');
    const metadata = parsedMeta?.success ? parsedMeta.data : undefined;
    if (metadata) this.metadata.set(key, metadata);
    const example = scorableJsonExample(swaggerInputExample(swagger), metadata);
    const consumes = (swagger as { consumes?: unknown } | undefined)?.consumes;
    const info: TargetInfo = {
      ...target,
      hasKey: authorization !== undefined,
      jsonExample: example === undefined ? undefined : formatJson(example),
      v2Example: metadata ? formatJson(v2ExampleRequest(metadata)) : undefined,
      v2Inputs: metadata?.inputs,
      v2Outputs: metadata?.outputs,
      imageTypes: Array.isArray(consumes) ? consumes.filter((c): c is string => typeof c === 'string' && c.startsWith('image/')) : undefined,
      problems,
    };
    this.infos.set(key, info);
    if (this.selected === key) this.post({ type: 'target/info', info });
  }

  private async pickImages(): Promise<void> {
    const picked = await this.env.pickImages();
    const images = this.withinLimits(picked);
    if (images.length > 0) this.post({ type: 'image/added', images: images.map((i) => ({ name: i.name, mime: i.mime, bytes: plainBytes(i.bytes) })) });
  }

  private async preprocessFor(target: TargetOption): Promise<PreprocessSpec> {
    const fromConfig = target.kind === 'service' ? await this.services?.preprocessSpec?.(target.label) : undefined;
    const metadata = this.metadata.get(target.key);
    const first = metadata?.inputs[0];
    if (fromConfig) return { ...fromConfig, input: fromConfig.input ?? first?.name };
    if (!first) throw new RequestBuildError('A V2 tensor made from images needs the model signature: give the V2 model name of this target, then Refresh.');
    const type = v2TypeToOnnx[first.datatype];
    const guess = type ? inferPreprocess({ name: first.name, type, shape: first.shape }) : undefined;
    if (!guess) throw new RequestBuildError(`Input '${first.name}' (${first.datatype} ${JSON.stringify(first.shape)}) does not look like an image; send JSON instead.`);
    return guess;
  }

  private async testInput(input: InputPayload, target: TargetOption): Promise<TestInput> {
    if (input.mode !== 'image') return input;
    if (input.encoding !== 'v2') return { mode: 'image', encoding: input.encoding, images: input.images };
    const spec = await this.preprocessFor(target);
    const tensor = await this.env.imagesToTensor(input.images.map((i) => Buffer.from(i.bytes)), spec);
    return { mode: 'image', encoding: 'v2', images: input.images, v2Body: v2RequestFromTensor(spec.input ?? 'input', tensor.dims, tensor.data) };
  }

  private async send(input: InputPayload): Promise<void> {
    const target = this.target();
    if (!target) {
      this.fail('Pick a service or enter a scoring URI first.');
      return;
    }
    this.inFlight?.abort();
    const abort = new AbortController();
    this.inFlight = abort;
    const requestId = globalThis.crypto.randomUUID();
    let spec: HttpRequestSpec;
    let authorization: string | undefined;
    try {
      const testInput = await this.testInput(input, target);
      spec = buildRequest(testInput, { scoringUri: target.scoringUri, model: target.model });
      authorization = await this.authorization(target);
    } catch (err) {
      this.fail((err as Error).message);
      return;
    }
    this.last = { target, spec, authorization };
    this.post({ type: 'request/started', requestId, summary: spec.summary });
    const at = new Date().toISOString();
    const base = { id: requestId, at, targetLabel: target.label, targetKey: target.key, url: spec.url, summary: spec.summary, input: storedInput(input) };
    try {
      const res = await sendRequest(spec, { authorization, signal: abort.signal, requestId, fetch: this.env.fetch });
      this.env.log.info(`tester: POST ${spec.url} ${res.status} ${res.totalMs.toFixed(1)}ms [${res.requestId}]`);
      await this.history.add({ ...base, status: res.status, ok: res.ok, totalMs: res.totalMs, serverMs: res.serverMs, requestId: res.requestId, outcome: outcomeOf(res) });
      const result: ResultView = {
        requestId: res.requestId,
        at,
        summary: spec.summary,
        url: spec.url,
        status: res.status,
        statusText: res.statusText,
        ok: res.ok,
        totalMs: res.totalMs,
        serverMs: res.serverMs,
        headers: res.headers,
        contentType: res.contentType,
        body: res.body,
        bodyBytes: res.bodyBytes,
        truncated: res.truncated,
        errorMessage: res.errorMessage,
        predictions: res.predictions,
        imageNames: input.mode === 'image' ? input.images.map((i) => i.name) : undefined,
      };
      this.record({ ok: true, result });
      this.post({ type: 'request/finished', result, snippets: generateSnippets(spec, { authorization }) });
    } catch (err) {
      const cancelled = (err as Error).name === 'AbortError';
      const message = cancelled ? 'Cancelled.' : (err as Error).message;
      if (!cancelled) await this.history.add({ ...base, ok: false, requestId, outcome: message });
      this.fail(message, requestId);
    } finally {
      if (this.inFlight === abort) this.inFlight = undefined;
    }
    this.postHistory();
  }

  private async copySnippet(language: 'curl' | 'python' | 'javascript'): Promise<void> {
    if (!this.last) {
      this.post({ type: 'notice/show', level: 'error', message: 'Send a request first: the snippet repeats it.' });
      return;
    }
    await this.env.writeClipboard(generateSnippet(language, this.last.spec, { authorization: this.last.authorization, reveal: true }));
    const withKey = this.last.authorization ? ' (with the key: keep it private)' : '';
    this.post({ type: 'notice/show', level: 'info', message: `Copied the ${language === 'javascript' ? 'JavaScript' : language === 'python' ? 'Python' : 'curl'} snippet${withKey}.` });
  }

  private async rerun(id: string): Promise<void> {
    const entry = this.history.get(id);
    if (!entry?.input) {
      this.post({ type: 'notice/show', level: 'error', message: 'This request was too large to keep, so it cannot be re-run.' });
      return;
    }
    if (this.target(entry.targetKey) === undefined) await this.refreshTargets();
    if (this.target(entry.targetKey) !== undefined && this.selected !== entry.targetKey) await this.select(entry.targetKey);
    const input = payloadOf(entry.input);
    this.post({ type: 'input/load', input });
    await this.send(input);
  }

  private async showLog(id: string): Promise<void> {
    const entry = this.history.get(id);
    const target = entry ? this.target(entry.targetKey) : undefined;
    if (!entry?.requestId || target?.kind !== 'service' || !this.services?.showRequestLog) {
      this.post({ type: 'notice/show', level: 'info', message: `Request id ${entry?.requestId ?? '?'}: search the service's log for it.` });
      return;
    }
    await this.services.showRequestLog(target.label, entry.requestId);
  }

  private async startLoadTest(requests: number, concurrency: number, maxDurationS: number): Promise<void> {
    const last = this.last;
    if (!last) {
      this.post({ type: 'loadtest/failed', message: 'Send one request first: the load test repeats the last request.' });
      return;
    }
    if (this.loadTest) {
      this.post({ type: 'loadtest/failed', message: 'A load test is already running.' });
      return;
    }
    const abort = new AbortController();
    this.loadTest = abort;
    this.env.log.info(`tester: load test of ${last.spec.url}: ${requests} requests at concurrency ${concurrency}, at most ${maxDurationS}s`);
    try {
      const summary = await runLoadTest({
        requests,
        concurrency,
        maxDurationMs: maxDurationS * 1000,
        signal: abort.signal,
        onProgress: (progress) => this.post({ type: 'loadtest/progress', progress }),
        send: async (signal) => (await sendRequest(last.spec, { authorization: last.authorization, signal, maxBodyBytes: 4096, fetch: this.env.fetch })).status,
      });
      this.post({ type: 'loadtest/finished', summary, text: formatLoadTestSummary(summary, `${last.target.label} (${last.spec.summary})`) });
    } catch (err) {
      this.post({ type: 'loadtest/failed', message: (err as Error).message });
    } finally {
      this.loadTest = undefined;
    }
  }
}
