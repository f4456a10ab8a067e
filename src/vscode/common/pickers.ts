// Prompts shared by several commands: which service, which model version, which target and auth mode.
import { NotFoundError } from '../../core/errors';
import type { RegisteredModel } from '../../core/registry/modelMeta';
import type { AuthMode, ComputeType, KubernetesRequest, ServiceStatus } from '../../core/services/types';
import { required } from './args';
import type { CommandDeps } from './deps';
import type { PickItem } from './ui';

export async function pickService(deps: CommandDeps, title: string): Promise<ServiceStatus> {
  const { services } = await deps.workspace().services.list();
  if (services.length === 0) throw new NotFoundError('No services are deployed in this workspace yet. Deploy a model first (Modelport: Deploy Model…).');
  const items: PickItem<ServiceStatus>[] = services.map((s) => ({ label: s.name, description: `${s.state} · ${s.computeType}`, detail: s.scoringUri, value: s }));
  return required(await deps.ui.pick(items, { title, placeHolder: 'Choose a service' }));
}

export async function pickModelVersion(deps: CommandDeps, title: string, options: { only?: string; exclude?: readonly string[] } = {}): Promise<RegisteredModel> {
  const { models } = await deps.workspace().registry.list(options.only !== undefined ? { name: options.only } : {});
  const candidates = models.filter((m) => !(options.exclude ?? []).includes(m.id)).sort((a, b) => a.name.localeCompare(b.name) || b.version - a.version);
  if (candidates.length === 0) {
    throw new NotFoundError(options.only ? `Model "${options.only}" has no other version to choose. Register a new version first.` : 'No models are registered in this workspace yet. Register one first (Modelport: Register Model).');
  }
  const items: PickItem<RegisteredModel>[] = candidates.map((m) => ({
    label: m.id,
    description: m.createdTime.slice(0, 19).replace('T', ' '),
    detail: m.signature ? m.signature.inputs.map((i) => `${i.name}: ${i.type} [${i.shape.map((d) => (d === null ? '?' : String(d))).join(', ')}]`).join(', ') : m.framework,
    value: m,
  }));
  return required(await deps.ui.pick(items, { title, placeHolder: 'Choose a model version' }));
}

const targetItems: ReadonlyArray<PickItem<ComputeType>> = [
  { label: 'local', description: 'a Node.js process on this machine', value: 'local' },
  { label: 'docker', description: 'a container on the local Docker engine', value: 'docker' },
  { label: 'aci', description: 'Azure Container Instances', value: 'aci' },
  { label: 'kubernetes', description: 'a Kubernetes cluster in the kubeconfig (AKS or any other)', value: 'kubernetes' },
];

const authItems: ReadonlyArray<PickItem<AuthMode>> = [
  { label: 'none', description: 'anyone who reaches the port can score', value: 'none' },
  { label: 'key', description: 'Authorization: Bearer <primary or secondary key>', value: 'key' },
  { label: 'token', description: 'Authorization: Bearer <token that expires>', value: 'token' },
];

/** The default first, so Enter takes it. */
function defaultFirst<T>(items: ReadonlyArray<PickItem<T>>, value: T): PickItem<T>[] {
  return [...items].sort((a, b) => Number(b.value === value) - Number(a.value === value)).map((i) => (i.value === value ? { ...i, detail: 'default (settings)' } : i));
}

/** ACI says whether it can work now: signed in (as whom), or how to sign in (choosing it then asks). */
async function withAzureState(deps: CommandDeps, items: ReadonlyArray<PickItem<ComputeType>>): Promise<PickItem<ComputeType>[]> {
  const account = deps.azure ? await deps.azure.account().catch(() => undefined) : undefined;
  return items.flatMap((i) => {
    if (i.value !== 'aci') return [i];
    if (!deps.azure) return [];
    return [{ ...i, description: account ? `Azure Container Instances · signed in as ${account}` : 'Azure Container Instances · not signed in: choosing it signs you in' }];
  });
}

export async function pickTarget(deps: CommandDeps, title: string): Promise<ComputeType> {
  return required(await deps.ui.pick(defaultFirst(await withAzureState(deps, targetItems), deps.settings().defaultTarget), { title, placeHolder: 'Where should the service run?' }));
}

export async function pickAuthMode(deps: CommandDeps, title: string): Promise<AuthMode> {
  return required(await deps.ui.pick(defaultFirst(authItems, deps.settings().defaultAuthMode), { title, placeHolder: 'How do callers authenticate?' }));
}

/** Kubernetes: which context (cluster) and namespace, and the registry the cluster pulls from. */
export async function pickKubernetesPlace(deps: CommandDeps, title: string): Promise<KubernetesRequest> {
  // Loaded on first use: the kubeconfig reader (and @kubernetes/client-node) only for Kubernetes deployments.
  const discovery = await import('../../core/services/kubernetes/kubeDiscovery.js');
  const contexts = await discovery.kubeContexts();
  const context = required(
    await deps.ui.pick(
      contexts.map((c) => ({ label: c.name, description: `${c.cluster}${c.namespace ? ` · ${c.namespace}` : ''}`, ...(c.current ? { detail: 'current context' } : {}), value: c })),
      { title, placeHolder: 'Which cluster (kube context)?' },
    ),
  );
  const namespaces = await discovery.kubeNamespaces(context.name);
  const fallback = context.namespace ?? 'default';
  const namespace =
    namespaces.length > 0
      ? required(await deps.ui.pick([...namespaces].sort((a, b) => Number(b === fallback) - Number(a === fallback)).map((n) => ({ label: n, value: n })), { title, placeHolder: `Which namespace of ${context.name}?` }))
      : required(await deps.ui.input({ title: `${title}: namespace (it must exist)`, value: fallback, validate: (v) => (/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/.test(v) ? undefined : 'A Kubernetes namespace: lower-case letters, digits and hyphens') }));
  const registry = required(
    await deps.ui.input({
      title: `${title}: registry the cluster pulls from`,
      value: deps.settings().kubernetesRegistry || process.env.MODELPORT_REGISTRY || '',
      validate: (v) => (v.trim() ? undefined : 'The login server of a registry the cluster can pull from, such as myregistry.azurecr.io'),
    }),
  );
  return { context: context.name, namespace, registry: registry.trim() };
}
