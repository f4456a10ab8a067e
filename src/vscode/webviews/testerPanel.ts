// The endpoint tester in VS Code: a webview view (`modelport.views.tester`, side panel) and an editor panel,
// both running the same bundle (dist/webview/tester.js) and the same host-side TesterController. The
// composition root calls `registerTesterPanel(context, deps)` once; this file registers the view provider and
// the commands `modelport.tester.open` and `modelport.service.test`.
import * as vscode from 'vscode';
import type { ImageInput } from '../../core/client/request';
import { requestContentType, requestContentTypes } from '../../core/http/requestContentTypes';
import { testerLimits } from '../../protocol/tester';
import { TesterController, type TesterHostEnv, type TesterLog, type TesterServiceSource } from './testerController';
import { createNonce, testerHtml } from './testerHtml';
import { openTargetOf, type OpenTarget } from './testerTargets';

import { testerCommands, testerViewId } from './testerIds';

export interface TesterPanelDeps {
  /** Deployed services; without it the tester works on URLs only. */
  services?: TesterServiceSource;
  log: TesterLog;
}

/** Image extensions the picker offers: the request content types that are images. */
const imageExtensions = Object.entries(requestContentTypes).filter(([, mime]) => mime.startsWith('image/')).map(([ext]) => ext.slice(1));


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
function connect(webview: vscode.Webview, context: vscode.ExtensionContext, deps: TesterPanelDeps): { controller: TesterController; disposable: vscode.Disposable } {
  const env: TesterHostEnv = {
    post: (message) => webview.postMessage(message),
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
      const images: ImageInput[] = [];
      for (const uri of (uris ?? []).slice(0, testerLimits.maxImages)) {
        const name = uri.path.split('/').pop() ?? 'image';
        // Checked before reading: a huge file is refused without loading it.
        if ((await vscode.workspace.fs.stat(uri)).size > testerLimits.maxImageBytes) {
          void vscode.window.showWarningMessage(`${name} is larger than ${testerLimits.maxImageBytes / 1024 / 1024} MB, the most the tester sends. Choose a smaller image.`);
          continue;
        }
        images.push({ name, mime: requestContentType(name) ?? '', bytes: await vscode.workspace.fs.readFile(uri) });
      }
      return images;
    },
    promptKey: (label) =>
      vscode.window.showInputBox({
        title: `Key or token for ${label}`,
        prompt: 'Sent as "Authorization: Bearer <key>". Stored in VS Code secret storage, never shown to the panel.',
        password: true,
        ignoreFocusOut: true,
      }),
    log: deps.log,
  };
  const controller = new TesterController(deps.services, env);
  const listener = webview.onDidReceiveMessage((data: unknown) => void controller.handle(data));
  return { controller, disposable: vscode.Disposable.from(listener, { dispose: () => controller.dispose() }) };
}

class TesterViewProvider implements vscode.WebviewViewProvider {
  private controller: TesterController | undefined;
  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly deps: TesterPanelDeps,
  ) {}

  resolveWebviewView(view: vscode.WebviewView): void {
    view.webview.options = webviewOptions(this.context.extensionUri);
    const { controller, disposable } = connect(view.webview, this.context, this.deps);
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
  ) {}

  async show(target: OpenTarget): Promise<void> {
    if (!this.panel) {
      const panel = vscode.window.createWebviewPanel('modelport.tester', 'Endpoint Tester', vscode.ViewColumn.Beside, {
        ...webviewOptions(this.context.extensionUri),
        retainContextWhenHidden: true,
      });
      const { controller, disposable } = connect(panel.webview, this.context, this.deps);
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
    await this.controller?.open(target);
  }

  dispose(): void {
    this.panel?.dispose();
  }
}

/** Registers the tester's view provider and its two commands; everything goes into context.subscriptions. */
export function registerTesterPanel(context: vscode.ExtensionContext, deps: TesterPanelDeps): vscode.Disposable {
  const editor = new TesterEditorPanel(context, deps);
  const disposables = [
    vscode.window.registerWebviewViewProvider(testerViewId, new TesterViewProvider(context, deps)),
    vscode.commands.registerCommand(testerCommands.open, (arg?: unknown) => editor.show(openTargetOf(arg))),
    vscode.commands.registerCommand(testerCommands.testService, (arg?: unknown) => editor.show(openTargetOf(arg))),
    { dispose: () => editor.dispose() },
  ];
  context.subscriptions.push(...disposables);
  return vscode.Disposable.from(...disposables);
}
