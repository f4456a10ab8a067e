// The resources the double serves, and the discovery documents that describe them (what kubectl and the
// client's KubernetesObjectApi read to map a kind to its path).

export interface ResourceType {
  group: string;
  version: string;
  /** Plural path segment: "deployments". */
  resource: string;
  kind: string;
  singular: string;
  namespaced: boolean;
  shortNames?: string[];
  /** components.schemas name in the group version's OpenAPI document; undefined: not validated (CRD). */
  schema: string;
  verbs: string[];
  categories?: string[];
  /** Subresources served: "status", "log", "scale". */
  subresources?: string[];
}

const crud = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

export const resourceTypes: readonly ResourceType[] = [
  { group: '', version: 'v1', resource: 'namespaces', kind: 'Namespace', singular: 'namespace', namespaced: false, shortNames: ['ns'], schema: 'io.k8s.api.core.v1.Namespace', verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'], subresources: ['status'] },
  { group: '', version: 'v1', resource: 'pods', kind: 'Pod', singular: 'pod', namespaced: true, shortNames: ['po'], schema: 'io.k8s.api.core.v1.Pod', verbs: crud, categories: ['all'], subresources: ['log', 'status'] },
  { group: '', version: 'v1', resource: 'services', kind: 'Service', singular: 'service', namespaced: true, shortNames: ['svc'], schema: 'io.k8s.api.core.v1.Service', verbs: crud, categories: ['all'], subresources: ['status'] },
  { group: '', version: 'v1', resource: 'secrets', kind: 'Secret', singular: 'secret', namespaced: true, schema: 'io.k8s.api.core.v1.Secret', verbs: crud },
  { group: '', version: 'v1', resource: 'events', kind: 'Event', singular: 'event', namespaced: true, shortNames: ['ev'], schema: 'io.k8s.api.core.v1.Event', verbs: crud },
  { group: '', version: 'v1', resource: 'nodes', kind: 'Node', singular: 'node', namespaced: false, shortNames: ['no'], schema: 'io.k8s.api.core.v1.Node', verbs: ['get', 'list', 'watch'] },
  { group: '', version: 'v1', resource: 'endpoints', kind: 'Endpoints', singular: 'endpoints', namespaced: true, shortNames: ['ep'], schema: 'io.k8s.api.core.v1.Endpoints', verbs: ['get', 'list', 'watch'] },
  { group: 'apps', version: 'v1', resource: 'deployments', kind: 'Deployment', singular: 'deployment', namespaced: true, shortNames: ['deploy'], schema: 'io.k8s.api.apps.v1.Deployment', verbs: crud, categories: ['all'], subresources: ['status', 'scale'] },
  { group: 'apps', version: 'v1', resource: 'replicasets', kind: 'ReplicaSet', singular: 'replicaset', namespaced: true, shortNames: ['rs'], schema: 'io.k8s.api.apps.v1.ReplicaSet', verbs: crud, categories: ['all'], subresources: ['status'] },
  { group: 'autoscaling', version: 'v2', resource: 'horizontalpodautoscalers', kind: 'HorizontalPodAutoscaler', singular: 'horizontalpodautoscaler', namespaced: true, shortNames: ['hpa'], schema: 'io.k8s.api.autoscaling.v2.HorizontalPodAutoscaler', verbs: crud, categories: ['all'], subresources: ['status'] },
  { group: 'serving.kserve.io', version: 'v1beta1', resource: 'inferenceservices', kind: 'InferenceService', singular: 'inferenceservice', namespaced: true, shortNames: ['isvc'], schema: 'InferenceService', verbs: crud, subresources: ['status'] },
];

export function groupVersionOf(t: ResourceType): string {
  return t.group ? `${t.group}/${t.version}` : t.version;
}

export function findResource(group: string, version: string, resource: string): ResourceType | undefined {
  return resourceTypes.find((t) => t.group === group && t.version === version && t.resource === resource);
}

export function findKind(apiVersion: string, kind: string): ResourceType | undefined {
  return resourceTypes.find((t) => groupVersionOf(t) === apiVersion && t.kind === kind);
}

/** GET /api/v1, /apis/apps/v1…: an APIResourceList. */
export function apiResourceList(group: string, version: string): object | undefined {
  const types = resourceTypes.filter((t) => t.group === group && t.version === version);
  if (types.length === 0) return undefined;
  const resources: object[] = [];
  for (const t of types) {
    resources.push({
      name: t.resource,
      singularName: t.singular,
      namespaced: t.namespaced,
      kind: t.kind,
      verbs: t.verbs,
      ...(t.shortNames ? { shortNames: t.shortNames } : {}),
      ...(t.categories ? { categories: t.categories } : {}),
    });
    for (const sub of t.subresources ?? []) {
      const kind = sub === 'scale' ? 'Scale' : sub === 'log' ? 'Pod' : t.kind;
      resources.push({ name: `${t.resource}/${sub}`, singularName: '', namespaced: t.namespaced, kind, verbs: sub === 'log' ? ['get'] : ['get', 'patch', 'update'], ...(sub === 'scale' ? { group: 'autoscaling', version: 'v1' } : {}) });
    }
  }
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: group ? `${group}/${version}` : version, resources };
}

/** GET /apis: an APIGroupList. */
export function apiGroupList(): object {
  const groups = [...new Set(resourceTypes.filter((t) => t.group).map((t) => t.group))];
  return {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: groups.map((g) => {
      const versions = [...new Set(resourceTypes.filter((t) => t.group === g).map((t) => t.version))].map((v) => ({ groupVersion: `${g}/${v}`, version: v }));
      return { name: g, versions, preferredVersion: versions[0] };
    }),
  };
}

export function apiGroup(group: string): object | undefined {
  const list = apiGroupList() as { groups: Array<{ name: string }> };
  const g = list.groups.find((x) => x.name === group);
  return g ? { kind: 'APIGroup', apiVersion: 'v1', ...g } : undefined;
}
