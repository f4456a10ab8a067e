// The composition root: builds the log, settings, workspace, tree and commands, and wires them together.
// Nothing else lives here. Heavy modules (onnxruntime, sharp, esbuild) are never imported by the extension's
// bundle (ESLint's room rules and test/unit/architecture keep it so): signatures come from the registry's
// protobuf reader, scoring runs in the service's own process, and the tester's image preprocessing loads from a
// bundle of its own on first use.
import { join } from 'node:path';
import * as vscode from 'vscode';
import { readModelConfigOf } from './core/modelConfigFile';
import type { LocalRuntime } from './core/services/host/serviceHostController';
import type { ServiceLifecycle } from './core/services/types';
import type { CommandDeps, ModelportWorkspace } from './vscode/common/deps';
import { createVscodeUi } from './vscode/common/window.apis';
import { registerCommands } from './vscode/commands/registerCommands';
import type { CommandOutcome } from './vscode/commands/runCommand';
import { WorkspaceCache } from './vscode/modelportWorkspace';
import { ServiceLogChannels } from './vscode/serviceLogChannels';
import { readSettings } from './vscode/settings';
import { putCliOnTerminalPath } from './vscode/terminalCli';
import { WorkspaceTreeProvider } from './vscode/tree/workspaceTreeProvider';
import type { WorkspaceNode } from './vscode/tree/workspaceNodes';
import type { TesterOutcome } from './vscode/webviews/testerHostEnv';
import { registerTesterPanel } from './vscode/webviews/testerPanel';
import { serviceSourceFromLifecycle } from './vscode/webviews/testerServices';

/** What activate() returns: enough for integration tests to read the tree and wait for it. */
export interface ModelportApi {
  tree: {
    reload(): Promise<void>;
    children(node?: WorkspaceNode): Promise<WorkspaceNode[]>;
    reveal(node: WorkspaceNode): Promise<void>;
  };
  workspace(): ModelportWorkspace | undefined;
  lastOutcome(): CommandOutcome | undefined;
  followedLogs(): string[];
  /** The endpoint tester: how its last request ended (status, predictions), as its panel shows it. */
  tester: { lastOutcome(): TesterOutcome | undefined };
  /** Settles once `modelport` is on the PATH of new terminals: the folder of its launcher (undefined if that failed). */
  terminalCli(): Promise<string | undefined>;
}

export function activate(context: vscode.ExtensionContext): ModelportApi | undefined {
  const log = vscode.window.createOutputChannel('Modelport', { log: true });
  context.subscriptions.push(log);
  try {
    return activateWith(context, log);
  } catch (err) {
    // VS Code shows nothing when activate() throws: say it ourselves.
    const message = err instanceof Error ? (err.stack ?? err.message) : String(err);
    log.error(`Activation failed: ${message}`);
    void vscode.window.showErrorMessage(`Modelport could not start: ${err instanceof Error ? err.message : String(err)}`, 'Show Logs').then((b) => {
      if (b === 'Show Logs') log.show();
    });
    return undefined;
  }
}

function activateWith(context: vscode.ExtensionContext, log: vscode.LogOutputChannel): ModelportApi {
  const started = Date.now();
  // The service host is the bundled CLI run by this Node (code-server) or Electron as Node (desktop).
  const runtime: LocalRuntime = { nodePath: process.execPath, cliPath: join(context.extensionPath, 'dist', 'cli.js') };
  // The deployment targets, one line each, loaded when a service of their kind is first used.
  const workspaces = new WorkspaceCache({
    local: async (ctx) => new (await import('./core/services/local/localTarget.js')).LocalTarget(ctx, runtime),
    docker: async (ctx) => new (await import('./core/services/docker/localDockerTarget.js')).LocalDockerTarget(ctx, runtime),
    kubernetes: async (ctx) => (await import('./core/services/kubernetes/kubernetesTarget.js')).KubernetesTarget.create(ctx, runtime),
  });
  const projectDir = (): string | undefined => vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  const currentWorkspace = (): ModelportWorkspace | undefined => workspaces.get(projectDir(), readSettings().workspaceFolder);

  const tree = new WorkspaceTreeProvider(currentWorkspace, log);
  const serviceLogs = new ServiceLogChannels(() => workspaces.require(projectDir(), readSettings().workspaceFolder), log);
  context.subscriptions.push(tree, serviceLogs);

  let lastOutcome: CommandOutcome | undefined;
  const deps: CommandDeps = {
    ui: createVscodeUi(),
    log,
    settings: readSettings,
    workspace: () => workspaces.require(projectDir(), readSettings().workspaceFolder),
    secrets: context.secrets,
    serviceLogs,
    refresh: () => tree.refresh(),
    runCommand: async (id, ...args) => vscode.commands.executeCommand(id, ...args),
    extensionDir: context.extensionPath,
  };
  context.subscriptions.push(...registerCommands(deps, (o) => (lastOutcome = o)));

  // The endpoint tester reaches the services of whichever workspace is open when it asks.
  const services = (): ServiceLifecycle => deps.workspace().services;
  const tester = registerTesterPanel(context, {
    log,
    servicesChanged: tree.onDidChangeServices,
    services: serviceSourceFromLifecycle(
      { list: () => services().list(), get: (n) => services().get(n), keys: (n) => services().keys(n), token: (n) => services().token(n) },
      {
        preprocessSpec: async (name) => {
          const [first] = (await services().get(name)).models;
          if (!first) return undefined;
          const model = await deps.workspace().registry.get(first);
          return (await readModelConfigOf(model.path)).config.preprocess;
        },
        showRequestLog: (name) => serviceLogs.show(name),
      },
    ),
  });

  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('modelport.workspaceFolder')) {
        tree.watch();
        tree.refresh();
      }
    }),
    vscode.workspace.onDidChangeWorkspaceFolders(() => {
      tree.watch();
      tree.refresh();
    }),
  );

  const terminalCli = putCliOnTerminalPath(context).then(
    (dir) => {
      log.info(`modelport is on the PATH of new terminals (${dir})`);
      return dir;
    },
    (err: unknown) => {
      log.warn(`could not put modelport on the terminals' PATH: ${err instanceof Error ? err.message : String(err)}`);
      return undefined;
    },
  );

  log.info(`Modelport activated in ${Date.now() - started} ms (workspace: ${currentWorkspace()?.dir ?? 'no folder open'})`);
  return {
    tree: {
      reload: () => tree.reload(),
      children: (node) => tree.getChildren(node),
      reveal: async (node) => {
        await tree.view.reveal(node, { expand: true, select: true, focus: false });
      },
    },
    workspace: currentWorkspace,
    lastOutcome: () => lastOutcome,
    followedLogs: () => serviceLogs.names(),
    tester: { lastOutcome: () => tester.lastOutcome() },
    terminalCli: () => terminalCli,
  };
}

export function deactivate(): void {
  // Services are separate processes that outlive the editor on purpose; subscriptions dispose the rest.
}
