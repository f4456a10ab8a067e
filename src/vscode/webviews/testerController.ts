// The host side of the endpoint tester, free of the `vscode` module: it validates what the webview asks,
// hands each message to the part that does it and answers with typed messages. The parts: the target
// catalogue (testerTargetCatalogue.ts), sending (testerRequests.ts), history (testerHistory.ts), the load test
// (testerLoadTest.ts), snippets (testerSnippets.ts) and images from the host (testerImageInput.ts). The VS Code
// adapter (testerPanel.ts) gives it SecretStorage, workspaceState, the clipboard and dialogs; the browser
// harness of test/e2e gives it in-memory ones and drives the same code.
import { dispatch, parseWebviewMessage, type Handlers, type HostMessage, type WebviewMessage } from '../../protocol/tester';
import type { TesterHostEnv, TesterOutcome, TesterPreload, TesterServiceSource } from './testerHostEnv';
import { TesterHistory } from './testerHistory';
import { imagesForPanel, pickImages } from './testerImageInput';
import { LoadTestRunner } from './testerLoadTest';
import { RequestRunner } from './testerRequests';
import { copySnippet } from './testerSnippets';
import { TargetCatalogue } from './testerTargetCatalogue';

export class TesterController {
  private readonly targets: TargetCatalogue;
  private readonly history: TesterHistory;
  private readonly requests: RequestRunner;
  private readonly loadTest: LoadTestRunner;
  private disposed = false;
  /** The webview has said `panel/ready`: messages posted now reach its handlers. */
  private ready = false;
  /** A preload that arrived before the webview was ready; delivered right after `state/init`. */
  private pending: TesterPreload | undefined;
  private readonly handlers: Handlers<WebviewMessage>;

  constructor(services: TesterServiceSource | undefined, private readonly env: TesterHostEnv) {
    const post = (message: HostMessage): void => this.post(message);
    this.targets = new TargetCatalogue(services, env, post);
    this.history = new TesterHistory(env, post, this.targets, services);
    this.requests = new RequestRunner({ services, env, post, targets: this.targets, history: this.history });
    this.loadTest = new LoadTestRunner(env, post, () => this.requests.last);
    this.handlers = {
      'panel/ready': () => this.onReady(),
      'target/select': (m) => this.targets.select(m.key),
      'target/custom': (m) => this.targets.addCustom(m.url, m.model),
      'target/setKey': () => this.targets.setKey(),
      'target/clearKey': () => this.targets.clearKey(),
      'target/refresh': () => this.targets.reload(),
      'image/pick': () => pickImages(env, post),
      'request/send': (m) => this.requests.send(m.input),
      'request/cancel': () => this.requests.cancel(),
      'snippet/copy': (m) => copySnippet(env, post, this.requests.last, m.language),
      'history/rerun': (m) => this.requests.rerun(m.id),
      'history/remove': (m) => this.history.remove(m.id),
      'history/clear': () => this.history.clear(),
      'history/showLog': (m) => this.history.showLog(m.id),
      'loadtest/start': (m) => this.loadTest.start(m.requests, m.concurrency, m.maxDurationS),
      'loadtest/stop': () => this.loadTest.stop(),
      'clipboard/copy': async (m) => {
        await env.writeClipboard(m.text);
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
      await this.targets.refresh();
      await this.targets.select(`service:${target.service}`);
    } else if (target) {
      await this.targets.addCustom(target.url, target.model);
    }
    if (!preload || (!preload.images?.length && preload.json === undefined && !preload.send)) return;
    if (this.ready) this.deliver(preload);
    else this.pending = preload;
  }

  /** The workspace's services changed: a panel that is showing follows at once. */
  async servicesChanged(): Promise<void> {
    if (this.ready && !this.disposed) await this.targets.refreshAndPost();
  }

  /** How the last request of this panel ended, if one was made. */
  get lastOutcome(): TesterOutcome | undefined {
    return this.requests.lastOutcome;
  }

  dispose(): void {
    this.disposed = true;
    this.requests.cancel();
    this.loadTest.stop();
  }

  private async onReady(): Promise<void> {
    await this.targets.refresh();
    this.post({ type: 'state/init', targets: this.targets.list, selectedKey: this.targets.selectedKey, history: this.history.views() });
    if (this.targets.selectedKey) await this.targets.showInfo(this.targets.selectedKey, false);
    this.ready = true;
    const pending = this.pending;
    this.pending = undefined;
    if (pending) this.deliver(pending);
  }

  private deliver(preload: TesterPreload): void {
    const images = imagesForPanel(preload.images ?? [], (message) => this.post(message));
    if (images.length > 0) this.post({ type: 'image/added', images, replace: true });
    if (preload.json !== undefined) this.post({ type: 'input/load', input: { mode: 'json', body: preload.json } });
    if (preload.send) this.post({ type: 'request/trigger', mode: images.length > 0 ? 'image' : preload.json !== undefined ? 'json' : undefined });
  }

  private post(message: HostMessage): void {
    if (!this.disposed) void this.env.post(message);
  }
}
