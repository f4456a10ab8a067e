// The composition root: builds the log, settings, workspace, tree and commands, and wires them together.
// Nothing else lives here. Heavy modules (onnxruntime, sharp, esbuild) are never imported by the extension's
// bundle (ESLint's room rules and test/unit/architecture keep it so): signatures come from the registry's
// protobuf reader, scoring runs in the service's own process, and the tester's image preprocessing loads from a
// bundle of its own on first use.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { readModelConfigOf } from './core/modelConfigFile';
import { AzureSignIn } from './vscode/azure/azureSignIn';
import type { LocalRuntime } from './core/services/host/serviceHostController';
import type { ServiceLifecycle } from './core/services/types';
import type { CommandDeps, ModelportWorkspace } from './vscode/common/deps';
import { createVscodeUi } from './vscode/common/window.apis';
import { registerCommands } from './vscode/commands/registerCommands';
import type { CommandOutcome } from './vscode/commands/runCommand';
import { chooseFolder } from './vscode/common/folderChoice';
import { WorkspaceCache, workspaceDirOf } from './vscode/modelportWorkspace';
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
  tester: { lastOutcome(): TesterOutcome | undefined; shownTargets(): string[] };
  /** Settles once `modelport` is on the PATH of new terminals: the folder of its launcher (undefined if that failed). */
  terminalCli(): Promise<string | undefined>;
  /** How long the bundle took to load (its top level, every module it bundles) and activate() to run, in ms. */
  activation: { loadMs: number; activateMs: number };
}

/** Set by the bundle's first line (scripts/build.mjs); absent when the sources run unbundled. */
const bundleStart = (globalThis as { __modelportBundleStart?: number }).__modelportBundleStart;

export function activate(context: vscode.ExtensionContext): ModelportApi | undefined {
  const activateStart = performance.now();
  const loadMs = bundleStart === undefined ? 0 : activateStart - bundleStart;
  const log = vscode.window.createOutputChannel('Modelport', { log: true });
  context.subscriptions.push(log);
  try {
    return activateWith(context, log, { loadMs, activateStart });
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

function activateWith(context: vscode.ExtensionContext, log: vscode.LogOutputChannel, timing: { loadMs: number; activateStart: number }): ModelportApi {
  // The service host is the bundled CLI run by this Node (code-server) or Electron as Node (desktop).
  const runtime: LocalRuntime = { nodePath: process.execPath, cliPath: join(context.extensionPath, 'dist', 'cli.js') };
  // Azure sign-in (the editor's Microsoft account, or DefaultAzureCredential): the Azure SDKs load on first use.
  const azure = new AzureSignIn(context);
  // The deployment targets, one line each, loaded when a service of their kind is first used.
  const workspaces = new WorkspaceCache({
    local: async (ctx) => new (await import('./core/services/local/localTarget.js')).LocalTarget(ctx, runtime),
    docker: async (ctx) => new (await import('./core/services/docker/localDockerTarget.js')).LocalDockerTarget(ctx, runtime),
    aci: async (ctx) => new (await import('./core/services/aci/aciTarget.js')).AciTarget(ctx, runtime, await azure.access()),
    kubernetes: async (ctx) => (await import('./core/services/kubernetes/kubernetesTarget.js')).KubernetesTarget.create(ctx, runtime),
  });
  // Every open folder has its own Modelport workspace; a command acts on the one its arguments point at.
  const folders = (): vscode.WorkspaceFolder[] => [...(vscode.workspace.workspaceFolders ?? [])];
  const hasWorkspace = (folder: string): boolean => existsSync(workspaceDirOf(folder, readSettings(folder).workspaceFolder));
  const workspaceOf = (dir: string | undefined): ModelportWorkspace | undefined => (dir === undefined ? undefined : workspaces.get(dir, readSettings(dir).workspaceFolder));
  const requireWorkspace = (dir: string | undefined): ModelportWorkspace => workspaces.require(dir, readSettings(dir).workspaceFolder);

  const tree = new WorkspaceTreeProvider(() => folders().map((f) => ({ name: f.name, workspace: requireWorkspace(f.uri.fsPath) })), log);
  // The Azure account in the view's title bar, once signed in.
  const showAccount = (): void => {
    void azure.account().then((a) => (tree.view.description = a ? `Azure: ${a}` : undefined), () => undefined);
  };
  showAccount();
  context.subscriptions.push(azure.onDidChange(showAccount));
  const projectDir = (args: readonly unknown[] = []): string | undefined =>
    chooseFolder(
      folders().map((f) => f.uri.fsPath),
      { args, activeFile: vscode.window.activeTextEditor?.document.uri.fsPath, selectedFolder: tree.view.selection[0]?.projectDir },
      hasWorkspace,
    );
  const currentWorkspace = (): ModelportWorkspace | undefined => workspaceOf(projectDir());
  const serviceLogs = new ServiceLogChannels(() => requireWorkspace(projectDir()), log);
  context.subscriptions.push(tree, serviceLogs);

  let lastOutcome: CommandOutcome | undefined;
  const depsFor = (args: readonly unknown[]): CommandDeps => {
    let chosen: string | undefined;
    const folder = (): string | undefined => (chosen ??= projectDir(args));
    return {
      ui: createVscodeUi(),
      log,
      settings: () => readSettings(folder()),
      workspace: () => requireWorkspace(folder()),
      secrets: context.secrets,
      serviceLogs,
      refresh: () => tree.refresh(),
      runCommand: async (id, ...rest) => vscode.commands.executeCommand(id, ...rest),
      extensionDir: context.extensionPath,
      azure,
    };
  };
  context.subscriptions.push(...registerCommands(depsFor, (o) => (lastOutcome = o)));

  // The endpoint tester reaches the services of the current folder's workspace (chosen again at each call).
  const services = (): ServiceLifecycle => requireWorkspace(projectDir()).services;
  const tester = registerTesterPanel(context, {
    log,
    servicesChanged: tree.onDidChangeServices,
    services: serviceSourceFromLifecycle(
      { list: () => services().list(), get: (n) => services().get(n), keys: (n) => services().keys(n), token: (n) => services().token(n) },
      {
        preprocessSpec: async (name) => {
          const [first] = (await services().get(name)).models;
          if (!first) return undefined;
          const model = await requireWorkspace(projectDir()).registry.get(first);
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

  const activation = { loadMs: timing.loadMs, activateMs: performance.now() - timing.activateStart };
  log.info(`Modelport activated in ${activation.activateMs.toFixed(0)} ms after loading in ${activation.loadMs.toFixed(0)} ms (workspace: ${currentWorkspace()?.dir ?? 'no folder open'})`);
  return {
    activation,
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
    tester: { lastOutcome: () => tester.lastOutcome(), shownTargets: () => tester.shownTargets() },
    terminalCli: () => terminalCli,
  };
}

export function deactivate(): void {
  // Services are separate processes that outlive the editor on purpose; subscriptions dispose the rest.
}
