// The Modelport tree as plain data: which nodes exist, their stable ids, labels, tooltips, icons and
// contextValues. No `vscode` import: the provider turns these into TreeItems, unit tests read them directly.
import type { RegisteredModel } from '../../core/registry/modelMeta';
import type { RegistryProblem } from '../../core/registry/modelRegistry';
import type { Dim, TensorSpec } from '../../core/onnx/signature';
import type { ServiceState, ServiceStatus } from '../../core/services/types';

export type WorkspaceNode = (
  /** A project folder of a multi-root VS Code workspace that holds a Modelport workspace. */
  | { kind: 'folder'; id: string; name: string }
  | { kind: 'group'; id: string; group: 'models' | 'services' }
  | { kind: 'model'; id: string; name: string; versions: RegisteredModel[] }
  | { kind: 'version'; id: string; model: RegisteredModel }
  | { kind: 'service'; id: string; service: ServiceStatus }
  | { kind: 'problem'; id: string; file: string; message: string }
  /** An empty group's guidance: what to do next, a click away. */
  | { kind: 'hint'; id: string; label: string; description: string; command: string }
) & {
  /** The project folder the node belongs to; set in a multi-root workspace, where each folder is a root. */
  projectDir?: string;
};

/** One project folder's Modelport workspace, as the tree shows it. */
export interface FolderSnapshot {
  projectDir: string;
  /** The folder's name in the VS Code workspace. */
  name: string;
  snapshot: WorkspaceSnapshot;
}

export interface WorkspaceSnapshot {
  models: RegisteredModel[];
  services: ServiceStatus[];
  problems: RegistryProblem[];
  /** Why services could not be listed (the services part shows this instead). */
  servicesError?: string;
}

/** A codicon id and, optionally, a theme colour id. */
export interface NodeIcon {
  id: string;
  color?: string;
}

export interface NodePresentation {
  label: string;
  description?: string;
  /** Markdown. */
  tooltip?: string;
  icon: NodeIcon;
  contextValue: string;
  collapsible: 'none' | 'collapsed' | 'expanded';
  /** Run on a click (hints only: other rows act through their menus). */
  command?: { id: string; title: string };
}

/** Top level: empty when nothing is registered or deployed, so the view's welcome content shows. */
export function rootNodes(snapshot: WorkspaceSnapshot): WorkspaceNode[] {
  const hasModels = snapshot.models.length > 0 || snapshot.problems.length > 0;
  const hasServices = snapshot.services.length > 0 || snapshot.servicesError !== undefined;
  if (!hasModels && !hasServices) return [];
  return [
    { kind: 'group', id: 'group:models', group: 'models' },
    { kind: 'group', id: 'group:services', group: 'services' },
  ];
}

function byVersionDesc(a: RegisteredModel, b: RegisteredModel): number {
  return b.version - a.version;
}

const deployHint: WorkspaceNode = {
  kind: 'hint',
  id: 'hint:services',
  label: 'No services yet',
  description: 'Deploy a model to get a scoring URI',
  command: 'modelport.model.deploy',
};
const registerHint: WorkspaceNode = {
  kind: 'hint',
  id: 'hint:models',
  label: 'No models registered',
  description: 'Register a model file (ONNX, or a pickle with its score.py)',
  command: 'modelport.model.register',
};

/**
 * The tree over every open folder. One folder: its groups at the top (as always). Several: one root per folder
 * that has models, services or problems, its nodes' ids prefixed by the folder so that equal names in two folders
 * stay two nodes, and each node knows its folder (commands act on that folder's workspace).
 */
export function folderChildren(folders: readonly FolderSnapshot[], node: WorkspaceNode | undefined): WorkspaceNode[] {
  if (folders.length <= 1) return childNodes(folders[0]?.snapshot ?? emptySnapshot, node);
  if (node === undefined) {
    return folders
      .filter((f) => rootNodes(f.snapshot).length > 0)
      .map((f) => ({ kind: 'folder', id: `folder:${f.projectDir}`, name: f.name, projectDir: f.projectDir }));
  }
  const folder = folders.find((f) => f.projectDir === node.projectDir);
  if (folder === undefined) return [];
  const children = node.kind === 'folder' ? rootNodes(folder.snapshot) : childNodes(folder.snapshot, node);
  return children.map((c) => ({ ...c, id: `${folder.projectDir}::${c.id}`, projectDir: folder.projectDir }));
}

/** The id a node has within its folder (the prefix a multi-root tree adds taken off). */
export function localId(node: WorkspaceNode): string {
  return node.projectDir !== undefined && node.id.startsWith(`${node.projectDir}::`) ? node.id.slice(node.projectDir.length + 2) : node.id;
}

export const emptySnapshot: WorkspaceSnapshot = { models: [], services: [], problems: [] };

export function childNodes(snapshot: WorkspaceSnapshot, node: WorkspaceNode | undefined): WorkspaceNode[] {
  if (node === undefined) return rootNodes(snapshot);
  switch (node.kind) {
    case 'group':
      if (node.group === 'models') {
        const names = [...new Set(snapshot.models.map((m) => m.name))].sort();
        const models: WorkspaceNode[] = names.map((name) => ({
          kind: 'model',
          id: `model:${name}`,
          name,
          versions: snapshot.models.filter((m) => m.name === name).sort(byVersionDesc),
        }));
        const problems: WorkspaceNode[] = snapshot.problems.map((p) => ({ kind: 'problem', id: `problem:${p.file}`, file: p.file, message: p.message }));
        if (models.length === 0 && problems.length === 0) return [registerHint];
        return [...models, ...problems];
      }
      if (snapshot.servicesError !== undefined) return [{ kind: 'problem', id: 'problem:services', file: '', message: snapshot.servicesError }];
      if (snapshot.services.length === 0) return [deployHint];
      return [...snapshot.services]
        .sort((a, b) => a.name.localeCompare(b.name))
        .map((service) => ({ kind: 'service', id: `service:${service.name}`, service }));
    case 'folder':
      return rootNodes(snapshot);
    case 'model':
      return node.versions.map((model) => ({ kind: 'version', id: `model:${model.name}:${model.version}`, model }));
    default:
      return [];
  }
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

function dim(d: Dim): string {
  return d === null ? '?' : String(d);
}

function tensorLine(t: TensorSpec): string {
  return `\`${t.name}\`: ${t.type} [${t.shape.map(dim).join(', ')}]`;
}

/** Markdown: signature, size, sha256, tags. */
export function versionTooltip(model: RegisteredModel): string {
  const lines = [`**${model.id}**`];
  if (model.description) lines.push('', model.description);
  lines.push('');
  if (model.signature) {
    lines.push('Inputs:', ...model.signature.inputs.map((t) => `- ${tensorLine(t)}`), '', 'Outputs:', ...model.signature.outputs.map((t) => `- ${tensorLine(t)}`));
  } else {
    lines.push(model.signatureProblem ? `No signature: ${model.signatureProblem}` : 'No ONNX signature');
  }
  lines.push('', `Size: ${formatBytes(model.size)}`, '', `sha256: \`${model.sha256}\``, '', `Registered: ${model.createdTime}`);
  const tags = Object.entries(model.tags);
  if (tags.length > 0) lines.push('', `Tags: ${tags.map(([k, v]) => `\`${k}=${v}\``).join(', ')}`);
  return lines.join('\n');
}

/** Icon and colour for each state, through theme colours that every theme defines. */
export const stateIcons: Record<ServiceState, NodeIcon> = {
  Healthy: { id: 'pass-filled', color: 'testing.iconPassed' },
  Transitioning: { id: 'sync', color: 'charts.yellow' },
  Unhealthy: { id: 'warning', color: 'list.warningForeground' },
  Failed: { id: 'error', color: 'list.errorForeground' },
  Stopped: { id: 'circle-slash', color: 'disabledForeground' },
  Unknown: { id: 'question', color: 'disabledForeground' },
};

/** `modelport.service.<state>.<target>.<auth>`: menus match it with regular expressions in `when` clauses. */
export function serviceContextValue(service: ServiceStatus): string {
  return `modelport.service.${service.state.toLowerCase()}.${service.computeType}.${service.authMode}`;
}

/**
 * Where a service runs, as the tree says it: this machine, the local engine, Azure subscription · resource group,
 * or a Kubernetes cluster (context) · namespace with its ready/desired replicas first (a narrow side bar cuts the end).
 */
export function serviceWhere(service: ServiceStatus): string {
  const t = service.target;
  if (t.kind === 'aci') return `Azure ${t.subscriptionId.slice(0, 8)}… · ${t.resourceGroup}`;
  if (t.kind === 'kubernetes') {
    const replicas = service.replicas ? `${service.replicas.ready}/${service.replicas.desired} ready · ` : '';
    return `${replicas}kubernetes ${t.context} · ${t.namespace}`;
  }
  return t.kind;
}

export function serviceTooltip(service: ServiceStatus): string {
  const t = service.target;
  const lines = [
    `**${service.name}**: ${service.state}${service.detail ? `: ${service.detail}` : ''}`,
    '',
    t.kind === 'aci'
      ? `Target: Azure Container Instances, subscription ${t.subscriptionId}, resource group ${t.resourceGroup}${t.location ? `, ${t.location}` : ''} (container group ${t.containerGroupName})`
      : `Target: ${serviceWhere(service)}`,
    '',
    `Models: ${service.models.join(', ')}`,
    '',
    `Scoring URI: ${service.scoringUri}`,
    '',
    `Swagger: ${service.swaggerUri}`,
    '',
    `Auth: ${service.authMode}`,
  ];
  if (service.targetDetail) lines.push('', `Live: ${service.targetDetail}`);
  if (service.entryScript) lines.push('', `Entry script: ${service.entryScript}`);
  lines.push('', `Updated: ${service.updatedTime} (generation ${service.generation})`);
  return lines.join('\n');
}

export function presentNode(node: WorkspaceNode): NodePresentation {
  switch (node.kind) {
    case 'folder':
      return { label: node.name, description: node.projectDir, icon: { id: 'root-folder' }, contextValue: 'modelport.folder', collapsible: 'expanded' };
    case 'group':
      return node.group === 'models'
        ? { label: 'Models', icon: { id: 'package' }, contextValue: 'modelport.group.models', collapsible: 'expanded' }
        : { label: 'Services', icon: { id: 'server-process' }, contextValue: 'modelport.group.services', collapsible: 'expanded' };
    case 'model': {
      const latest = node.versions[0];
      return {
        label: node.name,
        description: `${node.versions.length} version${node.versions.length === 1 ? '' : 's'}${latest ? `, latest ${latest.version}` : ''}`,
        tooltip: latest ? versionTooltip(latest) : undefined,
        icon: { id: 'symbol-class' },
        contextValue: 'modelport.model',
        collapsible: 'collapsed',
      };
    }
    case 'version': {
      const m = node.model;
      const shape = m.signature?.inputs[0] ? `${m.signature.inputs[0].type} [${m.signature.inputs[0].shape.map(dim).join(', ')}]` : m.framework;
      return {
        label: `Version ${m.version}`,
        description: `${formatBytes(m.size)} · ${shape}`,
        tooltip: versionTooltip(m),
        icon: { id: 'versions' },
        contextValue: 'modelport.model.version',
        collapsible: 'none',
      };
    }
    case 'service': {
      const s = node.service;
      return {
        label: s.name,
        description: `${s.state} · ${serviceWhere(s)} · ${s.scoringUri}`,
        tooltip: serviceTooltip(s),
        icon: stateIcons[s.state],
        contextValue: serviceContextValue(s),
        collapsible: 'none',
      };
    }
    case 'hint':
      return {
        label: node.label,
        description: node.description,
        tooltip: `${node.label}: ${node.description.charAt(0).toLowerCase()}${node.description.slice(1)}. Click to start.`,
        icon: { id: node.command === 'modelport.model.deploy' ? 'rocket' : 'add' },
        contextValue: 'modelport.hint',
        collapsible: 'none',
        command: { id: node.command, title: node.label },
      };
    case 'problem':
      return {
        label: node.file ? node.file.split(/[\\/]/).slice(-3).join('/') : 'Cannot list services',
        description: node.message,
        tooltip: node.message,
        icon: { id: 'warning', color: 'list.warningForeground' },
        contextValue: 'modelport.problem',
        collapsible: 'none',
      };
  }
}
