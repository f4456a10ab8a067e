// The Modelport view (modelport.views.workspace): models with their versions, services with their state, for
// every open folder (one root per folder in a multi-root workspace). Owns its emitter, tree view, file watchers
// and health polling; refreshes are debounced, and services are polled only while the view is visible.
import * as vscode from 'vscode';
import { errorMessage } from '../../core/errors';
import type { ModelportWorkspace } from '../common/deps';
import type { Log } from '../logging';
import { emptySnapshot, folderChildren, localId, presentNode, type FolderSnapshot, type WorkspaceNode, type WorkspaceSnapshot } from './workspaceNodes';

export const WORKSPACE_VIEW_ID = 'modelport.views.workspace';
const REFRESH_DEBOUNCE_MS = 500;
const HEALTH_POLL_MS = 5_000;

/** What changes the tree's look for a service: polling fires only when one of these differs. */
function servicesFingerprint(folders: readonly FolderSnapshot[]): string {
  return JSON.stringify(folders.map((f) => [f.projectDir, f.snapshot.services.map((x) => [x.name, x.state, x.generation, x.scoringUri, x.models]), f.snapshot.servicesError ?? '']));
}

/** An open folder's Modelport workspace and the folder's name in the VS Code workspace. */
export interface TreeFolder {
  name: string;
  workspace: ModelportWorkspace;
}

export class WorkspaceTreeProvider implements vscode.TreeDataProvider<WorkspaceNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<WorkspaceNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly servicesChanged = new vscode.EventEmitter<void>();
  /** The services (or their state, URI, generation, models) changed: other views follow it. */
  readonly onDidChangeServices = this.servicesChanged.event;
  private readonly disposables: vscode.Disposable[] = [this.changed, this.servicesChanged];
  private folders: FolderSnapshot[] = [];
  private loading: Promise<void> | undefined;
  private debounce: ReturnType<typeof setTimeout> | undefined;
  private poll: ReturnType<typeof setInterval> | undefined;
  private watchers: vscode.FileSystemWatcher[] = [];
  private loaded = false;
  readonly view: vscode.TreeView<WorkspaceNode>;

  constructor(
    private readonly workspaces: () => TreeFolder[],
    private readonly log: Log,
  ) {
    this.view = vscode.window.createTreeView(WORKSPACE_VIEW_ID, { treeDataProvider: this, showCollapseAll: true });
    this.disposables.push(
      this.view,
      this.view.onDidChangeVisibility((e) => (e.visible ? this.startPolling() : this.stopPolling())),
    );
    this.watch();
    if (this.view.visible) this.startPolling();
  }

  /** Watches each folder's Modelport workspace (again, after the folders or the setting that names it change). */
  watch(): void {
    for (const w of this.watchers) w.dispose();
    this.watchers = this.workspaces().map(({ workspace }) => {
      const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.file(workspace.dir), '**'));
      const onChange = (): void => this.refresh();
      watcher.onDidCreate(onChange);
      watcher.onDidChange(onChange);
      watcher.onDidDelete(onChange);
      return watcher;
    });
  }

  /** Debounced: a burst of file events or commands reloads once. */
  refresh(): void {
    if (this.debounce !== undefined) clearTimeout(this.debounce);
    this.debounce = setTimeout(() => {
      this.debounce = undefined;
      void this.reload();
    }, REFRESH_DEBOUNCE_MS);
  }

  /** Reloads now and resolves once the tree shows the result (tests and commands wait on it). */
  async reload(): Promise<void> {
    const previous = this.loading ?? Promise.resolve();
    const next = previous.then(async () => {
      const before = servicesFingerprint(this.folders);
      this.folders = await Promise.all(this.workspaces().map(async ({ name, workspace }) => ({ projectDir: workspace.projectDir, name, snapshot: await this.load(workspace) })));
      this.loaded = true;
      this.changed.fire(undefined);
      if (servicesFingerprint(this.folders) !== before) this.servicesChanged.fire();
    });
    this.loading = next.finally(() => {
      if (this.loading === next) this.loading = undefined;
    });
    await next;
  }

  /** The first folder's snapshot (the only one in a single-folder workspace). */
  current(): WorkspaceSnapshot {
    return this.folders[0]?.snapshot ?? emptySnapshot;
  }

  private async load(ws: ModelportWorkspace): Promise<WorkspaceSnapshot> {
    const [models, services] = await Promise.all([
      ws.registry.list().catch((err: unknown) => {
        this.log.error(`Cannot list models: ${errorMessage(err)}`);
        return { models: [], problems: [{ file: ws.dir, message: errorMessage(err) }] };
      }),
      ws.services.list().then(
        (r) => ({ services: r.services, error: undefined as string | undefined }),
        (err: unknown) => ({ services: [], error: errorMessage(err) }),
      ),
    ]);
    return { models: models.models, problems: models.problems, services: services.services, ...(services.error !== undefined ? { servicesError: services.error } : {}) };
  }

  private startPolling(): void {
    if (this.poll !== undefined) return;
    this.poll = setInterval(() => void this.pollServices(), HEALTH_POLL_MS);
  }

  private stopPolling(): void {
    if (this.poll !== undefined) clearInterval(this.poll);
    this.poll = undefined;
  }

  private async pollServices(): Promise<void> {
    if (this.loading !== undefined) return;
    const workspaces = new Map(this.workspaces().map((f) => [f.workspace.projectDir, f.workspace]));
    try {
      const next = await Promise.all(
        this.folders.map(async (folder) => {
          const ws = workspaces.get(folder.projectDir);
          if (ws === undefined) return folder;
          const { services } = await ws.services.list();
          const snapshot: WorkspaceSnapshot = { ...folder.snapshot, services };
          delete snapshot.servicesError;
          return { ...folder, snapshot };
        }),
      );
      if (this.loading === undefined && servicesFingerprint(next) !== servicesFingerprint(this.folders)) {
        this.folders = next;
        this.changed.fire(undefined);
        this.servicesChanged.fire();
      }
    } catch (err) {
      this.log.debug(`health poll: ${errorMessage(err)}`);
    }
  }

  async getChildren(node?: WorkspaceNode): Promise<WorkspaceNode[]> {
    if (!this.loaded) await this.reload();
    return folderChildren(this.folders, node);
  }

  getParent(node: WorkspaceNode): WorkspaceNode | undefined {
    if (node.kind === 'folder') return undefined;
    const roots = folderChildren(this.folders, undefined);
    const folder = node.projectDir === undefined ? undefined : roots.find((r) => r.kind === 'folder' && r.projectDir === node.projectDir);
    if (node.kind === 'group') return folder;
    const groups = folder ? folderChildren(this.folders, folder) : roots;
    const group = (name: 'models' | 'services'): WorkspaceNode | undefined => groups.find((g) => g.kind === 'group' && g.group === name);
    // Services, the services' listing problem and their hint sit under Services; the rest of the top level under Models.
    const id = localId(node);
    if (node.kind === 'service' || id === 'problem:services' || id === 'hint:services') return group('services');
    if (node.kind !== 'version') return group('models');
    const models = group('models');
    return models ? folderChildren(this.folders, models).find((m) => m.kind === 'model' && m.name === node.model.name) : undefined;
  }

  getTreeItem(node: WorkspaceNode): vscode.TreeItem {
    const p = presentNode(node);
    const state = p.collapsible === 'none' ? vscode.TreeItemCollapsibleState.None : p.collapsible === 'expanded' ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed;
    const item = new vscode.TreeItem(p.label, state);
    item.id = node.id;
    item.description = p.description;
    item.tooltip = p.tooltip === undefined ? undefined : new vscode.MarkdownString(p.tooltip);
    item.iconPath = new vscode.ThemeIcon(p.icon.id, p.icon.color ? new vscode.ThemeColor(p.icon.color) : undefined);
    item.contextValue = p.contextValue;
    if (node.kind === 'problem' && node.file) item.resourceUri = vscode.Uri.file(node.file);
    if (p.command) item.command = { command: p.command.id, title: p.command.title };
    return item;
  }

  dispose(): void {
    this.stopPolling();
    if (this.debounce !== undefined) clearTimeout(this.debounce);
    for (const w of this.watchers) w.dispose();
    for (const d of this.disposables) d.dispose();
  }
}
