// The Modelport tree as plain data: which nodes exist, their stable ids, labels, tooltips, icons and
// contextValues. No `vscode` import: the provider turns these into TreeItems, unit tests read them directly.
import type { RegisteredModel } from '../../core/registry/modelMeta';
import type { RegistryProblem } from '../../core/registry/modelRegistry';
import type { Dim, TensorSpec } from '../../core/onnx/signature';
import type { ServiceState, ServiceStatus } from '../../core/services/types';

export type WorkspaceNode =
  | { kind: 'group'; id: 'group:models' | 'group:services'; group: 'models' | 'services' }
  | { kind: 'model'; id: string; name: string; versions: RegisteredModel[] }
  | { kind: 'version'; id: string; model: RegisteredModel }
  | { kind: 'service'; id: string; service: ServiceStatus }
  | { kind: 'problem'; id: string; file: string; message: string };

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
        return [...models, ...problems];
      }
      if (snapshot.servicesError !== undefined) return [{ kind: 'problem', id: 'problem:services', file: '', message: snapshot.servicesError }];
      return [...snapshot.services]
        .sort((a, b) => a.name.localeCompare(b.name))
        .map((service) => ({ kind: 'service', id: `service:${service.name}`, service }));
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

/** The target as the tree shows it: a Kubernetes service with its cluster (context) · namespace and ready/desired replicas. */
export function targetDescription(service: ServiceStatus): string {
  if (service.target.kind !== 'kubernetes') return service.computeType;
  // Replicas first: a narrow side bar cuts the end of the line.
  const replicas = service.replicas ? `${service.replicas.ready}/${service.replicas.desired} ready · ` : '';
  return `${replicas}kubernetes ${service.target.context} · ${service.target.namespace}`;
}

/** `modelport.service.<state>.<target>.<auth>`: menus match it with regular expressions in `when` clauses. */
export function serviceContextValue(service: ServiceStatus): string {
  return `modelport.service.${service.state.toLowerCase()}.${service.computeType}.${service.authMode}`;
}

export function serviceTooltip(service: ServiceStatus): string {
  const lines = [
    `**${service.name}**: ${service.state}${service.detail ? `: ${service.detail}` : ''}`,
    '',
    `Target: ${targetDescription(service)}`,
    '',
    `Models: ${service.models.join(', ')}`,
    '',
    `Scoring URI: ${service.scoringUri}`,
    '',
    `Swagger: ${service.swaggerUri}`,
    '',
    `Auth: ${service.authMode}`,
  ];
  if (service.entryScript) lines.push('', `Entry script: ${service.entryScript}`);
  lines.push('', `Updated: ${service.updatedTime} (generation ${service.generation})`);
  return lines.join('\n');
}

export function presentNode(node: WorkspaceNode): NodePresentation {
  switch (node.kind) {
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
        description: `${s.state} · ${targetDescription(s)} · ${s.scoringUri}`,
        tooltip: serviceTooltip(s),
        icon: stateIcons[s.state],
        contextValue: serviceContextValue(s),
        collapsible: 'none',
      };
    }
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
