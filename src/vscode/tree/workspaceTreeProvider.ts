// The Modelport view (modelport.views.workspace): models with their versions, services with their state.
// Owns its emitter, tree view, file watcher and health polling; refreshes are debounced, and services are
// polled only while the view is visible.
import * as vscode from 'vscode';
import { errorMessage } from '../../core/errors';
import type { ModelportWorkspace } from '../common/deps';
import type { Log } from '../logging';
import { childNodes, presentNode, type WorkspaceNode, type WorkspaceSnapshot } from './workspaceNodes';

export const WORKSPACE_VIEW_ID = 'modelport.views.workspace';
const REFRESH_DEBOUNCE_MS = 500;
const HEALTH_POLL_MS = 5_000;

const emptySnapshot: WorkspaceSnapshot = { models: [], services: [], problems: [] };

/** What changes the tree's look for a service: polling fires only when one of these differs. */
function servicesFingerprint(s: WorkspaceSnapshot): string {
  return JSON.stringify(s.services.map((x) => [x.name, x.state, x.generation, x.scoringUri, x.models])) + (s.servicesError ?? '');
}

export class WorkspaceTreeProvider implements vscode.TreeDataProvider<WorkspaceNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<WorkspaceNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly servicesChanged = new vscode.EventEmitter<void>();
  /** The services (or their state, URI, generation, models) changed: other views follow it. */
  readonly onDidChangeServices = this.servicesChanged.event;
  private readonly disposables: vscode.Disposable[] = [this.changed, this.servicesChanged];
  private snapshot: WorkspaceSnapshot = emptySnapshot;
  private loading: Promise<void> | undefined;
  private debounce: ReturnType<typeof setTimeout> | undefined;
  private poll: ReturnType<typeof setInterval> | undefined;
  private watcher: vscode.FileSystemWatcher | undefined;
  private loaded = false;
  readonly view: vscode.TreeView<WorkspaceNode>;

  constructor(
    private readonly workspace: () => ModelportWorkspace | undefined,
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

  /** Watches the Modelport workspace folder (again, after the setting that names it changes). */
  watch(): void {
    this.watcher?.dispose();
    this.watcher = undefined;
    const ws = this.workspace();
    if (ws === undefined) return;
    this.watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.file(ws.dir), '**'));
    const onChange = (): void => this.refresh();
    this.watcher.onDidCreate(onChange);
    this.watcher.onDidChange(onChange);
    this.watcher.onDidDelete(onChange);
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
      const before = servicesFingerprint(this.snapshot);
      this.snapshot = await this.load();
      this.loaded = true;
      this.changed.fire(undefined);
      if (servicesFingerprint(this.snapshot) !== before) this.servicesChanged.fire();
    });
    this.loading = next.finally(() => {
      if (this.loading === next) this.loading = undefined;
    });
    await next;
  }

  current(): WorkspaceSnapshot {
    return this.snapshot;
  }

  private async load(): Promise<WorkspaceSnapshot> {
    const ws = this.workspace();
    if (ws === undefined) return emptySnapshot;
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
    const ws = this.workspace();
    if (ws === undefined || this.loading !== undefined) return;
    try {
      const { services } = await ws.services.list();
      const next = { ...this.snapshot, services };
      delete next.servicesError;
      if (servicesFingerprint(next) !== servicesFingerprint(this.snapshot)) {
        this.snapshot = next;
        this.changed.fire(undefined);
        this.servicesChanged.fire();
      }
    } catch (err) {
      this.log.debug(`health poll: ${errorMessage(err)}`);
    }
  }

  async getChildren(node?: WorkspaceNode): Promise<WorkspaceNode[]> {
    if (!this.loaded) await this.reload();
    return childNodes(this.snapshot, node);
  }

  getParent(node: WorkspaceNode): WorkspaceNode | undefined {
    const roots = childNodes(this.snapshot, undefined);
    if (node.kind === 'group') return undefined;
    if (node.kind === 'model' || node.kind === 'problem') return roots.find((r) => r.id === 'group:models');
    if (node.kind === 'service') return roots.find((r) => r.id === 'group:services');
    const models = roots.find((r) => r.id === 'group:models');
    return models ? childNodes(this.snapshot, models).find((m) => m.kind === 'model' && m.name === node.model.name) : undefined;
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
    return item;
  }

  dispose(): void {
    this.stopPolling();
    if (this.debounce !== undefined) clearTimeout(this.debounce);
    this.watcher?.dispose();
    for (const d of this.disposables) d.dispose();
  }
}
