// The endpoint tester in VS Code: a webview view (`modelport.views.tester`, side panel) and an editor panel,
// both running the same bundle (dist/webview/tester.js) and the same host-side TesterController. The
// composition root calls `registerTesterPanel(context, deps)` once; this file registers the view provider and
// the commands `modelport.tester.open`, `modelport.service.test` and `modelport.tester.testImage` (Explorer:
// an image file → a service → the panel with that image, sent).
import * as vscode from 'vscode';
import { imageLimitMessage, imageLimits } from '../../core/client/imageLimits';
import type { ImageInput } from '../../core/client/request';
import { requestContentType, requestContentTypes } from '../../core/http/requestContentTypes';
import { TesterController } from './testerController';
import type { TesterHostEnv, TesterLog, TesterOutcome, TesterPreload, TesterServiceSource } from './testerHostEnv';
import { createNonce, testerHtml } from './testerHtml';
import { openOptionsOf, openTargetOf, type OpenTarget } from './testerTargets';

import { testerCommands, testerViewId } from './testerIds';
import { lazyImagesToTensor } from './imageTensorLoader';

export interface TesterPanelDeps {
  /** Deployed services; without it the tester works on URLs only. */
  services?: TesterServiceSource;
  /** Fires when the workspace's services changed (deployed, updated, deleted, state): every panel follows. */
  servicesChanged?: vscode.Event<void>;
  log: TesterLog;
}

/** What registerTesterPanel gives the composition root: disposal, how the last request ended, what a panel lists. */
export interface TesterPanels extends vscode.Disposable {
  /** The last request any tester panel made, as it ended (the extension's API exposes it to integration tests). */
  lastOutcome(): TesterOutcome | undefined;
  /** The target keys a tester panel last listed (`service:<name>`, `url:<uri>`), as its webview was told. */
  shownTargets(): string[];
}

/** What the panels report to registerTesterPanel: each request's outcome, each target list sent to a webview. */
interface TesterObservers {
  onOutcome(outcome: TesterOutcome): void;
  onTargets(keys: string[]): void;
}

/** Image extensions the picker offers: the request content types that are images. */
const imageExtensions = Object.entries(requestContentTypes).filter(([, mime]) => mime.startsWith('image/')).map(([ext]) => ext.slice(1));

const fileName = (uri: vscode.Uri): string => uri.path.split('/').pop() ?? 'image';

/**
 * Reads image files for the panel, as the picker and the commands do: at most `maxImages`, each checked
 * before reading so that a huge file is refused without loading it. What is skipped is said in a warning.
 */
async function readImages(uris: readonly vscode.Uri[]): Promise<ImageInput[]> {
  const images: ImageInput[] = [];
  const tooLarge: string[] = [];
  for (const uri of uris.slice(0, imageLimits.maxImages)) {
    const name = fileName(uri);
    const mime = requestContentType(name);
    if (!mime?.startsWith('image/')) {
      void vscode.window.showWarningMessage(`${name} is not an image the tester sends (${imageExtensions.join(', ')}).`);
      continue;
    }
    if ((await vscode.workspace.fs.stat(uri)).size > imageLimits.maxImageBytes) {
      tooLarge.push(name);
      continue;
    }
    images.push({ name, mime, bytes: await vscode.workspace.fs.readFile(uri) });
  }
  const leftOut = [...tooLarge, ...uris.slice(imageLimits.maxImages).map(fileName)];
  if (leftOut.length > 0) void vscode.window.showWarningMessage(imageLimitMessage(leftOut));
  return images;
}


function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions {
  return {
    enableScripts: true,
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist', 'webview'), vscode.Uri.joinPath(extensionUri, 'media')],
  };
}

function renderHtml(webview: vscode.Webview, extensionUri: vscode.Uri): string {
  const asset = (...parts: string[]): string => webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview', ...parts)).toString();
  return testerHtml({
    cspSource: webview.cspSource,
    nonce: createNonce(),
    scriptUri: asset('tester.js'),
    styleUri: asset('tester.css'),
    codiconsUri: asset('codicons', 'codicon.css'),
  });
}

/** Connects one webview to its own controller; returns what disposes both. */
function connect(
  webview: vscode.Webview,
  context: vscode.ExtensionContext,
  deps: TesterPanelDeps,
  observers: TesterObservers,
): { controller: TesterController; disposable: vscode.Disposable } {
  const env: TesterHostEnv = {
    post: (message) => {
      if (message.type === 'state/init' || message.type === 'targets/update') observers.onTargets(message.targets.map((t) => t.key));
      return webview.postMessage(message);
    },
    secrets: context.secrets,
    state: context.workspaceState,
    writeClipboard: (text) => vscode.env.clipboard.writeText(text),
    pickImages: async (): Promise<ImageInput[]> => {
      const uris = await vscode.window.showOpenDialog({
        canSelectMany: true,
        openLabel: 'Add to request',
        title: 'Choose images to send',
        filters: { Images: imageExtensions },
      });
      return readImages(uris ?? []);
    },
    promptKey: (label) =>
      vscode.window.showInputBox({
        title: `Key or token for ${label}`,
        prompt: 'Sent as "Authorization: Bearer <key>". Stored in VS Code secret storage, never shown to the panel.',
        password: true,
        ignoreFocusOut: true,
      }),
    log: deps.log,
    imagesToTensor: lazyImagesToTensor(context.extensionPath),
    onOutcome: (outcome) => observers.onOutcome(outcome),
  };
  const controller = new TesterController(deps.services, env);
  const listener = webview.onDidReceiveMessage((data: unknown) => void controller.handle(data));
  const following = deps.servicesChanged?.(() => void controller.servicesChanged()) ?? { dispose: () => undefined };
  return { controller, disposable: vscode.Disposable.from(listener, following, { dispose: () => controller.dispose() }) };
}

class TesterViewProvider implements vscode.WebviewViewProvider {
  private controller: TesterController | undefined;
  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly deps: TesterPanelDeps,
    private readonly observers: TesterObservers,
  ) {}

  resolveWebviewView(view: vscode.WebviewView): void {
    view.webview.options = webviewOptions(this.context.extensionUri);
    const { controller, disposable } = connect(view.webview, this.context, this.deps, this.observers);
    this.controller = controller;
    view.onDidDispose(() => {
      disposable.dispose();
      if (this.controller === controller) this.controller = undefined;
    });
    view.webview.html = renderHtml(view.webview, this.context.extensionUri);
  }
}

class TesterEditorPanel {
  private panel: vscode.WebviewPanel | undefined;
  private controller: TesterController | undefined;
  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly deps: TesterPanelDeps,
    private readonly observers: TesterObservers,
  ) {}

  /** Opens (or reveals) the editor panel on a target; a preload's images show as if picked, `send` sends them. */
  async show(target: OpenTarget, preload?: TesterPreload): Promise<void> {
    if (!this.panel) {
      const panel = vscode.window.createWebviewPanel('modelport.tester', 'Endpoint Tester', vscode.ViewColumn.Beside, {
        ...webviewOptions(this.context.extensionUri),
        retainContextWhenHidden: true,
      });
      const { controller, disposable } = connect(panel.webview, this.context, this.deps, this.observers);
      panel.onDidDispose(() => {
        disposable.dispose();
        this.panel = undefined;
        this.controller = undefined;
      });
      panel.webview.html = renderHtml(panel.webview, this.context.extensionUri);
      this.panel = panel;
      this.controller = controller;
    } else {
      this.panel.reveal();
    }
    this.panel.title = target && 'service' in target ? `Test ${target.service}` : 'Endpoint Tester';
    await this.controller?.open(target, preload);
  }

  dispose(): void {
    this.panel?.dispose();
  }
}

/** `modelport.service.test`: any form openTargetOf accepts, plus `{ service, images?: string[], json?: string, send?: boolean }`. */
async function testService(editor: TesterEditorPanel, arg: unknown): Promise<void> {
  const target = openTargetOf(arg);
  const options = openOptionsOf(arg);
  const images = options.images.length > 0 ? await readImages(options.images.map((p) => vscode.Uri.file(p))) : [];
  // Nothing to send when every given image was refused (readImages said why).
  const send = options.send && (options.images.length === 0 || images.length > 0);
  const json = options.json;
  await editor.show(target, images.length > 0 || send || json !== undefined ? { images, send, ...(json !== undefined ? { json } : {}) } : undefined);
}

/** Asks which service to test (the quick pick lists them with their state); undefined when dismissed. */
async function pickService(deps: TesterPanelDeps): Promise<string | undefined> {
  const services = (await deps.services?.list()) ?? [];
  if (services.length === 0) {
    void vscode.window.showInformationMessage('No service is deployed yet: deploy a model (right-click its .onnx file, Deploy Model…), then test it with this image.');
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(
    services.map((s) => ({ label: s.name, description: s.state, detail: s.scoringUri })),
    { title: 'Test which endpoint with this image?', placeHolder: 'A deployed service', ignoreFocusOut: true },
  );
  return picked?.label;
}

/**
 * `modelport.tester.testImage` from the Explorer: `(clicked, selected[])`, every selected image going as one
 * batch; or `(uri, { service })` from code, which skips the question.
 */
async function testImage(editor: TesterEditorPanel, deps: TesterPanelDeps, clicked: unknown, second: unknown): Promise<void> {
  if (!(clicked instanceof vscode.Uri)) {
    void vscode.window.showInformationMessage('Right-click an image file in the Explorer to test an endpoint with it.');
    return;
  }
  const selected = Array.isArray(second) && second.every((u) => u instanceof vscode.Uri) && second.some((u: vscode.Uri) => u.toString() === clicked.toString()) ? (second as vscode.Uri[]) : [clicked];
  const given = second && typeof second === 'object' && !Array.isArray(second) ? (second as { service?: unknown }).service : undefined;
  const service = typeof given === 'string' ? given : await pickService(deps);
  if (!service) return;
  const images = await readImages(selected);
  if (images.length === 0) return;
  await editor.show({ service }, { images, send: true });
}

/** A tester command: failures are logged and shown once, with the log a click away. */
function guarded(deps: TesterPanelDeps, id: string, run: (...args: unknown[]) => Promise<void>): (...args: unknown[]) => Promise<void> {
  return async (...args) => {
    try {
      await run(...args);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      deps.log.error(`${id} failed: ${message}`);
      void vscode.window.showErrorMessage(`Endpoint Tester: ${message}`);
    }
  };
}

/** Registers the tester's view provider and its commands; everything goes into context.subscriptions. */
export function registerTesterPanel(context: vscode.ExtensionContext, deps: TesterPanelDeps): TesterPanels {
  let latest: TesterOutcome | undefined;
  let shown: string[] = [];
  const observers: TesterObservers = {
    onOutcome: (outcome) => (latest = outcome),
    onTargets: (keys) => (shown = keys),
  };
  const editor = new TesterEditorPanel(context, deps, observers);
  const disposables = [
    vscode.window.registerWebviewViewProvider(testerViewId, new TesterViewProvider(context, deps, observers)),
    vscode.commands.registerCommand(testerCommands.open, guarded(deps, testerCommands.open, (arg) => editor.show(openTargetOf(arg)))),
    vscode.commands.registerCommand(testerCommands.testService, guarded(deps, testerCommands.testService, (arg) => testService(editor, arg))),
    vscode.commands.registerCommand(testerCommands.testImage, guarded(deps, testerCommands.testImage, (clicked, second) => testImage(editor, deps, clicked, second))),
    { dispose: () => editor.dispose() },
  ];
  context.subscriptions.push(...disposables);
  const all = vscode.Disposable.from(...disposables);
  return { dispose: () => all.dispose(), lastOutcome: () => latest, shownTargets: () => shown };
}
