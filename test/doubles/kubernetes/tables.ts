// The server-side printing kubectl asks for (Accept: application/json;as=Table;g=meta.k8s.io;v=v1): the
// columns `kubectl get` shows for each kind, computed here as the real API server's printers do.
import type { KubeObject } from './objectStore';

type Json = Record<string, unknown>;
const obj = (v: unknown): Json => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : {});
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

function age(o: KubeObject): string {
  const s = Math.max(0, Math.round((Date.now() - Date.parse(o.metadata.creationTimestamp ?? '')) / 1000));
  return s < 120 ? `${s}s` : s < 7200 ? `${Math.floor(s / 60)}m` : `${Math.floor(s / 3600)}h`;
}

function podStatus(p: KubeObject): string {
  if (p.metadata.deletionTimestamp) return 'Terminating';
  const cs = obj(arr(obj(p.status).containerStatuses)[0]);
  const waiting = obj(obj(cs.state).waiting);
  if (typeof waiting.reason === 'string') return waiting.reason;
  return String(obj(p.status).phase ?? 'Pending');
}

const columns: Record<string, { names: string[]; cells: (o: KubeObject) => unknown[] }> = {
  Deployment: {
    names: ['Name', 'Ready', 'Up-to-date', 'Available', 'Age'],
    cells: (o) => {
      const st = obj(o.status);
      return [o.metadata.name, `${Number(st.readyReplicas ?? 0)}/${Number(obj(o.spec).replicas ?? 0)}`, Number(st.updatedReplicas ?? 0), Number(st.availableReplicas ?? 0), age(o)];
    },
  },
  ReplicaSet: {
    names: ['Name', 'Desired', 'Current', 'Ready', 'Age'],
    cells: (o) => [o.metadata.name, Number(obj(o.spec).replicas ?? 0), Number(obj(o.status).replicas ?? 0), Number(obj(o.status).readyReplicas ?? 0), age(o)],
  },
  Pod: {
    names: ['Name', 'Ready', 'Status', 'Restarts', 'Age'],
    cells: (o) => {
      const cs = arr(obj(o.status).containerStatuses).map(obj);
      return [o.metadata.name, `${cs.filter((c) => c.ready === true).length}/${arr(obj(o.spec).containers).length}`, podStatus(o), cs.reduce((s, c) => s + Number(c.restartCount ?? 0), 0), age(o)];
    },
  },
  Service: {
    names: ['Name', 'Type', 'Cluster-IP', 'External-IP', 'Port(s)', 'Age'],
    cells: (o) => {
      const spec = obj(o.spec);
      const ingress = arr(obj(obj(o.status).loadBalancer).ingress).map(obj);
      const ports = arr(spec.ports)
        .map(obj)
        .map((p) => `${String(p.port)}${p.nodePort ? `:${String(p.nodePort)}` : ''}/${String(p.protocol ?? 'TCP')}`)
        .join(',');
      return [o.metadata.name, spec.type, spec.clusterIP, spec.type === 'LoadBalancer' ? ingress.map((i) => i.ip ?? i.hostname).join(',') || '<pending>' : '<none>', ports, age(o)];
    },
  },
  Secret: { names: ['Name', 'Type', 'Data', 'Age'], cells: (o) => [o.metadata.name, o.type, Object.keys(obj(o.data)).length, age(o)] },
  HorizontalPodAutoscaler: {
    names: ['Name', 'Reference', 'Targets', 'MinPods', 'MaxPods', 'Replicas', 'Age'],
    cells: (o) => {
      const spec = obj(o.spec);
      const ref = obj(spec.scaleTargetRef);
      const target = obj(obj(obj(arr(spec.metrics)[0]).resource).target);
      return [o.metadata.name, `${String(ref.kind)}/${String(ref.name)}`, `cpu: <unknown>/${String(target.averageUtilization ?? '')}%`, spec.minReplicas, spec.maxReplicas, Number(obj(o.status).currentReplicas ?? 0), age(o)];
    },
  },
  Namespace: { names: ['Name', 'Status', 'Age'], cells: (o) => [o.metadata.name, obj(o.status).phase ?? 'Active', age(o)] },
};

export function toTable(kind: string, objects: KubeObject[], resourceVersion: string, includeObject: string | null): object {
  const c = columns[kind] ?? { names: ['Name', 'Age'], cells: (o: KubeObject) => [o.metadata.name, age(o)] };
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: { resourceVersion },
    columnDefinitions: c.names.map((name, i) => ({ name, type: i === 0 ? 'string' : 'string', format: i === 0 ? 'name' : '', description: name, priority: 0 })),
    rows: objects.map((o) => ({
      cells: c.cells(o),
      object:
        includeObject === 'Object'
          ? o
          : includeObject === 'None'
            ? undefined
            : { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: { ...o.metadata, managedFields: undefined } },
    })),
  };
}
