// The controllers of the double, each doing what its real counterpart does, on every change and every half
// second: Deployment (one ReplicaSet per pod template, rolling update within maxSurge / maxUnavailable,
// status with observedGeneration, updated / ready / available replicas, Progressing and Available conditions,
// ProgressDeadlineExceeded), ReplicaSet (pods to the wanted count), the kubelet (a PodRuntime per pod),
// garbage collection, HorizontalPodAutoscaler (replicas within its bounds) and Services (a load balancer
// address for LoadBalancer and NodePort, endpoints = ready pods).
import { createHash, randomBytes } from 'node:crypto';
import { LoadBalancer, type Endpoint } from './loadBalancer';
import type { KubeObject, ObjectStore } from './objectStore';
import { PodRuntime } from './podRuntime';
import { findKind, type ResourceType } from './resources';

type Json = Record<string, unknown>;
const obj = (v: unknown): Json => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : {});
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const t = (kind: string, apiVersion: string): ResourceType => findKind(apiVersion, kind)!;

const types = {
  deployment: t('Deployment', 'apps/v1'),
  replicaSet: t('ReplicaSet', 'apps/v1'),
  pod: t('Pod', 'v1'),
  service: t('Service', 'v1'),
  secret: t('Secret', 'v1'),
  event: t('Event', 'v1'),
  hpa: t('HorizontalPodAutoscaler', 'autoscaling/v2'),
  endpoints: t('Endpoints', 'v1'),
};

function matches(selector: Json, labels: Record<string, string> | undefined): boolean {
  return Object.entries(selector).every(([k, v]) => labels?.[k] === v);
}

/** maxSurge rounds up, maxUnavailable down, as the deployment controller resolves percentages. */
function resolveIntOrPercent(value: unknown, total: number, roundUp: boolean): number {
  if (typeof value === 'number') return value;
  const m = /^(\d+)%$/.exec(String(value ?? '0'));
  if (!m) return Number(value) || 0;
  const x = (Number(m[1]) * total) / 100;
  return roundUp ? Math.ceil(x) : Math.floor(x);
}

function now(): string {
  return new Date().toISOString().replace(/\.\d+Z$/, 'Z');
}

interface ProgressMark {
  signature: string;
  at: number;
}

export class Controllers {
  readonly pods = new Map<string, PodRuntime>();
  readonly balancers = new Map<string, LoadBalancer>();
  private readonly nodePorts = new Map<string, LoadBalancer>();
  private readonly progress = new Map<string, ProgressMark>();
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private again = false;
  private unsubscribe: (() => void) | undefined;

  constructor(
    private readonly store: ObjectStore,
    private readonly containerLabel: string,
  ) {}

  start(): void {
    this.unsubscribe = this.store.subscribe(() => this.kick());
    this.timer = setInterval(() => this.kick(), 500);
    this.timer.unref();
  }

  kick(): void {
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = true;
    setImmediate(() => {
      void this.reconcile()
        .catch((err: unknown) => console.error('k8s double controller:', err))
        .finally(() => {
          this.running = false;
          if (this.again) {
            this.again = false;
            this.kick();
          }
        });
    });
  }

  async stop(): Promise<void> {
    this.unsubscribe?.();
    if (this.timer) clearInterval(this.timer);
    await Promise.all([...this.pods.values()].map((p) => p.kill()));
    await Promise.all([...this.balancers.values(), ...this.nodePorts.values()].map((b) => b.close()));
  }

  event(pod: KubeObject, type: 'Normal' | 'Warning', reason: string, message: string, component = 'kubelet'): void {
    const ts = now();
    try {
      this.store.create(
        types.event,
        pod.metadata.namespace,
        {
          apiVersion: 'v1',
          kind: 'Event',
          metadata: { name: `${pod.metadata.name}.${randomBytes(8).toString('hex')}`, namespace: pod.metadata.namespace },
          involvedObject: { apiVersion: pod.apiVersion, kind: pod.kind, name: pod.metadata.name, namespace: pod.metadata.namespace, uid: pod.metadata.uid },
          reason,
          message,
          type,
          source: { component },
          firstTimestamp: ts,
          lastTimestamp: ts,
          count: 1,
          reportingComponent: component,
        },
        component,
      );
    } catch {
      // The namespace is going away: nobody will read the event.
    }
  }

  private async reconcile(): Promise<void> {
    this.collectGarbage();
    this.autoscalers();
    for (const d of this.store.list(types.deployment)) this.deployment(d);
    for (const rs of this.store.list(types.replicaSet)) this.replicaSet(rs);
    this.kubelet();
    for (const d of this.store.list(types.deployment)) this.deploymentStatus(d);
    await this.services();
  }

  /** Background deletion: dependents of an owner that is gone are deleted too. */
  private collectGarbage(): void {
    const uids = new Set(this.store.all().map((e) => e.object.metadata.uid));
    for (const { type, object } of this.store.all()) {
      const owners = object.metadata.ownerReferences ?? [];
      if (owners.length > 0 && owners.every((o) => !uids.has(o.uid))) this.deleteObject(type, object);
    }
  }

  deleteObject(type: ResourceType, object: KubeObject, graceSeconds?: number): void {
    if (type === types.pod) {
      const grace = graceSeconds ?? Number(obj(object.spec).terminationGracePeriodSeconds ?? 30);
      const marked = this.store.markDeleting(type, object.metadata.namespace, object.metadata.name, grace);
      const runtime = this.pods.get(object.metadata.uid ?? '');
      if (marked && runtime && !runtime.isTerminating()) {
        void runtime.terminate(grace).finally(() => {
          this.pods.delete(object.metadata.uid ?? '');
          this.store.remove(type, object.metadata.namespace, object.metadata.name);
        });
      } else if (!runtime) this.store.remove(type, object.metadata.namespace, object.metadata.name);
      return;
    }
    this.store.remove(type, object.metadata.namespace, object.metadata.name);
  }

  private autoscalers(): void {
    for (const hpa of this.store.list(types.hpa)) {
      const spec = obj(hpa.spec);
      const ref = obj(spec.scaleTargetRef);
      if (ref.kind !== 'Deployment') continue;
      const d = this.store.get(types.deployment, hpa.metadata.namespace, String(ref.name));
      if (!d) continue;
      const current = Number(obj(d.spec).replicas ?? 1);
      if (current === 0) {
        // The HPA controller leaves a Deployment scaled to 0 alone (`kubectl scale --replicas=0` stops it).
        hpa.status = {
          currentReplicas: Number(obj(d.status).replicas ?? 0),
          desiredReplicas: 0,
          conditions: [{ type: 'ScalingActive', status: 'False', reason: 'ScalingDisabled', lastTransitionTime: now(), message: 'scaling is disabled since the replica count of the target is zero' }],
        };
        this.store.writeStatus(types.hpa, hpa);
        continue;
      }
      const desired = Math.min(Number(spec.maxReplicas), Math.max(Number(spec.minReplicas ?? 1), current));
      if (desired !== current) {
        (d.spec as Json).replicas = desired;
        this.store.controllerUpdate(types.deployment, d, 'horizontal-pod-autoscaler');
      }
      hpa.status = {
        currentReplicas: Number(obj(d.status).replicas ?? 0),
        desiredReplicas: desired,
        conditions: [{ type: 'AbleToScale', status: 'True', reason: 'SucceededRescale', lastTransitionTime: now(), message: 'the HPA controller was able to update the target scale' }],
      };
      this.store.writeStatus(types.hpa, hpa);
    }
  }

  private templateHash(d: KubeObject): string {
    return createHash('sha256').update(JSON.stringify(obj(d.spec).template)).digest('hex').slice(0, 10);
  }

  private ownedBy(type: ResourceType, owner: KubeObject): KubeObject[] {
    return this.store.list(type, owner.metadata.namespace).filter((o) => o.metadata.ownerReferences?.some((r) => r.uid === owner.metadata.uid));
  }

  private livePods(rs: KubeObject): KubeObject[] {
    return this.ownedBy(types.pod, rs).filter((p) => !p.metadata.deletionTimestamp);
  }

  private podReady(p: KubeObject): boolean {
    return !p.metadata.deletionTimestamp && arr(obj(p.status).conditions).some((c) => obj(c).type === 'Ready' && obj(c).status === 'True');
  }

  private deployment(d: KubeObject): void {
    const spec = obj(d.spec);
    const desired = Number(spec.replicas ?? 1);
    const hash = this.templateHash(d);
    const owned = this.ownedBy(types.replicaSet, d);
    let newRs = owned.find((rs) => rs.metadata.labels?.['pod-template-hash'] === hash);
    const revision = (rs: KubeObject): number => Number(rs.metadata.annotations?.['deployment.kubernetes.io/revision'] ?? 0);
    if (!newRs) {
      const template = structuredClone(obj(spec.template));
      const labels = { ...(obj(template.metadata).labels as Record<string, string>), 'pod-template-hash': hash };
      template.metadata = { ...obj(template.metadata), labels };
      const maxRevision = Math.max(0, ...owned.map(revision));
      newRs = this.store.create(
        types.replicaSet,
        d.metadata.namespace,
        {
          apiVersion: 'apps/v1',
          kind: 'ReplicaSet',
          metadata: {
            name: `${d.metadata.name}-${hash}`,
            namespace: d.metadata.namespace,
            labels,
            annotations: { 'deployment.kubernetes.io/revision': String(maxRevision + 1), 'deployment.kubernetes.io/desired-replicas': String(desired) },
            ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: d.metadata.name, uid: d.metadata.uid ?? '', controller: true, blockOwnerDeletion: true }],
          },
          spec: { replicas: 0, selector: { matchLabels: { ...obj(obj(spec.selector).matchLabels), 'pod-template-hash': hash } }, template },
        },
        'kube-controller-manager',
      );
      this.event(d, 'Normal', 'ScalingReplicaSet', `Scaled up replica set ${newRs.metadata.name} from 0 to 0`, 'deployment-controller');
    }
    const olds = owned.filter((rs) => rs !== newRs && rs.metadata.name !== newRs?.metadata.name);
    const strategy = obj(spec.strategy);
    const ru = obj(strategy.rollingUpdate);
    const maxSurge = strategy.type === 'Recreate' ? 0 : resolveIntOrPercent(ru.maxSurge ?? '25%', desired, true);
    const maxUnavailable = strategy.type === 'Recreate' ? desired : resolveIntOrPercent(ru.maxUnavailable ?? '25%', desired, false);
    const replicasOf = (rs: KubeObject): number => Number(obj(rs.spec).replicas ?? 0);
    const setReplicas = (rs: KubeObject, n: number): void => {
      const from = replicasOf(rs);
      if (from === n) return;
      (rs.spec as Json).replicas = n;
      rs.metadata.annotations = { ...rs.metadata.annotations, 'deployment.kubernetes.io/desired-replicas': String(desired) };
      this.store.controllerUpdate(types.replicaSet, rs, 'kube-controller-manager');
      this.event(d, 'Normal', 'ScalingReplicaSet', `Scaled ${n > from ? 'up' : 'down'} replica set ${rs.metadata.name} from ${from} to ${n}`, 'deployment-controller');
    };
    const activeOlds = olds.filter((rs) => replicasOf(rs) > 0);
    if (activeOlds.length === 0) {
      setReplicas(newRs, desired);
      return;
    }
    // Scale up the new ReplicaSet within the surge.
    const total = replicasOf(newRs) + activeOlds.reduce((s, rs) => s + replicasOf(rs), 0);
    const room = desired + maxSurge - total;
    if (room > 0 && replicasOf(newRs) < desired) setReplicas(newRs, Math.min(desired, replicasOf(newRs) + room));
    // Scale down old ones: first what is not available anyway, then as far as availability allows.
    const allPods = [newRs, ...activeOlds].flatMap((rs) => this.livePods(rs));
    const available = allPods.filter((p) => this.podReady(p)).length;
    let canRemove = available - (desired - maxUnavailable);
    for (const rs of activeOlds.sort((a, b) => revision(a) - revision(b))) {
      const pods = this.livePods(rs);
      const unavailable = pods.filter((p) => !this.podReady(p)).length;
      let remove = Math.min(replicasOf(rs), unavailable + Math.max(0, canRemove));
      const fromAvailable = Math.max(0, remove - unavailable);
      canRemove -= fromAvailable;
      remove = Math.min(remove, replicasOf(rs));
      if (remove > 0) setReplicas(rs, replicasOf(rs) - remove);
    }
  }

  private replicaSet(rs: KubeObject): void {
    const want = Number(obj(rs.spec).replicas ?? 0);
    const pods = this.livePods(rs);
    if (pods.length < want) {
      const template = obj(obj(rs.spec).template);
      for (let i = pods.length; i < want; i++) {
        const name = `${rs.metadata.name}-${randomBytes(3).toString('hex').slice(0, 5)}`;
        const pod = this.store.create(
          types.pod,
          rs.metadata.namespace,
          {
            apiVersion: 'v1',
            kind: 'Pod',
            metadata: {
              name,
              namespace: rs.metadata.namespace,
              labels: obj(template.metadata).labels as Record<string, string>,
              ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: rs.metadata.name, uid: rs.metadata.uid ?? '', controller: true, blockOwnerDeletion: true }],
            },
            spec: { ...structuredClone(obj(template.spec)), nodeName: 'double-node' },
          },
          'kube-controller-manager',
        );
        this.event(rs, 'Normal', 'SuccessfulCreate', `Created pod: ${pod.metadata.name}`, 'replicaset-controller');
        this.event(pod, 'Normal', 'Scheduled', `Successfully assigned ${pod.metadata.namespace}/${pod.metadata.name} to double-node`, 'default-scheduler');
      }
    } else if (pods.length > want) {
      // Not-ready pods first, then the youngest.
      const victims = [...pods].sort((a, b) => Number(this.podReady(a)) - Number(this.podReady(b)) || String(b.metadata.creationTimestamp).localeCompare(String(a.metadata.creationTimestamp)));
      for (const p of victims.slice(0, pods.length - want)) {
        this.event(rs, 'Normal', 'SuccessfulDelete', `Deleted pod: ${p.metadata.name}`, 'replicaset-controller');
        this.deleteObject(types.pod, p);
      }
    }
    const all = this.livePods(rs);
    const ready = all.filter((p) => this.podReady(p)).length;
    rs.status = { replicas: all.length, fullyLabeledReplicas: all.length, readyReplicas: ready, availableReplicas: ready, observedGeneration: rs.metadata.generation };
    this.store.writeStatus(types.replicaSet, rs);
  }

  /** Starts a runtime for every pod that has none. */
  private kubelet(): void {
    for (const pod of this.store.list(types.pod)) {
      const uid = pod.metadata.uid ?? '';
      if (this.pods.has(uid) || pod.metadata.deletionTimestamp) continue;
      this.pods.set(
        uid,
        new PodRuntime(pod, {
          store: this.store,
          podType: types.pod,
          secretType: types.secret,
          event: (p, type, reason, message) => this.event(p, type, reason, message),
          changed: () => this.kick(),
          containerLabel: this.containerLabel,
        }),
      );
    }
  }

  private deploymentStatus(d: KubeObject): void {
    const spec = obj(d.spec);
    const desired = Number(spec.replicas ?? 1);
    const hash = this.templateHash(d);
    const owned = this.ownedBy(types.replicaSet, d);
    const newRs = owned.find((rs) => rs.metadata.labels?.['pod-template-hash'] === hash);
    const all = owned.flatMap((rs) => this.livePods(rs));
    const updated = newRs ? this.livePods(newRs) : [];
    const ready = all.filter((p) => this.podReady(p)).length;
    const ru = obj(obj(spec.strategy).rollingUpdate);
    const maxUnavailable = resolveIntOrPercent(ru.maxUnavailable ?? '25%', desired, false);
    const key = d.metadata.uid ?? '';
    const signature = JSON.stringify([d.metadata.generation, updated.length, ready, all.length, updated.filter((p) => this.podReady(p)).length]);
    const mark = this.progress.get(key);
    if (!mark || mark.signature !== signature) this.progress.set(key, { signature, at: Date.now() });
    const since = this.progress.get(key)!.at;
    const complete = updated.length === desired && all.length === desired && updated.filter((p) => this.podReady(p)).length === desired;
    const old = obj(d.status);
    const oldProgressing = arr(old.conditions).map(obj).find((c) => c.type === 'Progressing');
    const deadline = Number(spec.progressDeadlineSeconds ?? 600) * 1000;
    let progressing: Json;
    if (complete) progressing = { type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable', message: `ReplicaSet "${newRs?.metadata.name ?? ''}" has successfully progressed.` };
    else if (Date.now() - since > deadline) progressing = { type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded', message: `ReplicaSet "${newRs?.metadata.name ?? ''}" has timed out progressing.` };
    else progressing = { type: 'Progressing', status: 'True', reason: 'ReplicaSetUpdated', message: `ReplicaSet "${newRs?.metadata.name ?? ''}" is progressing.` };
    const sameProgress = oldProgressing && oldProgressing.reason === progressing.reason;
    progressing.lastUpdateTime = sameProgress && mark?.signature === signature ? oldProgressing.lastUpdateTime : now();
    progressing.lastTransitionTime = oldProgressing && oldProgressing.status === progressing.status ? oldProgressing.lastTransitionTime : now();
    const isAvailable = ready >= desired - maxUnavailable;
    const oldAvailable = arr(old.conditions).map(obj).find((c) => c.type === 'Available');
    const available: Json = {
      type: 'Available',
      status: isAvailable ? 'True' : 'False',
      reason: isAvailable ? 'MinimumReplicasAvailable' : 'MinimumReplicasUnavailable',
      message: isAvailable ? 'Deployment has minimum availability.' : 'Deployment does not have minimum availability.',
      lastUpdateTime: oldAvailable?.status === (isAvailable ? 'True' : 'False') ? oldAvailable.lastUpdateTime : now(),
      lastTransitionTime: oldAvailable?.status === (isAvailable ? 'True' : 'False') ? oldAvailable.lastTransitionTime : now(),
    };
    d.status = {
      observedGeneration: d.metadata.generation,
      replicas: all.length,
      updatedReplicas: updated.length,
      readyReplicas: ready,
      availableReplicas: ready,
      ...(all.length - ready > 0 ? { unavailableReplicas: Math.max(0, all.length - ready) } : {}),
      conditions: [available, progressing],
    };
    if (ready === 0) delete (d.status as Json).readyReplicas;
    this.store.writeStatus(types.deployment, d);
  }

  private endpointsOf(svc: KubeObject): Endpoint[] {
    const selector = obj(obj(svc.spec).selector);
    if (Object.keys(selector).length === 0) return [];
    const port = obj(arr(obj(svc.spec).ports)[0]);
    const out: Endpoint[] = [];
    for (const pod of this.store.list(types.pod, svc.metadata.namespace)) {
      if (!matches(selector, pod.metadata.labels) || !this.podReady(pod)) continue;
      const runtime = this.pods.get(pod.metadata.uid ?? '');
      if (!runtime || runtime.isTerminating()) continue;
      const container = obj(arr(obj(pod.spec).containers)[0]);
      const target = port.targetPort ?? port.port;
      const containerPort = typeof target === 'number' ? target : Number(arr(container.ports).map(obj).find((p) => p.name === target)?.containerPort);
      const hostPort = runtime.hostPorts.get(containerPort);
      if (hostPort) out.push({ host: '127.0.0.1', port: hostPort });
    }
    return out;
  }

  private async services(): Promise<void> {
    const seen = new Set<string>();
    for (const svc of this.store.list(types.service)) {
      const key = svc.metadata.uid ?? '';
      seen.add(key);
      const spec = obj(svc.spec);
      const endpoints = this.endpointsOf(svc);
      const port = obj(arr(spec.ports)[0]);
      if (spec.type === 'LoadBalancer') {
        let lb = this.balancers.get(key);
        if (!lb) {
          lb = new LoadBalancer();
          this.balancers.set(key, lb);
          await lb.listen(Number(port.port ?? 80));
        }
        lb.setEndpoints(endpoints);
        const ingress = arr(obj(obj(svc.status).loadBalancer).ingress);
        if (ingress.length === 0) {
          svc.status = { loadBalancer: { ingress: [{ ip: lb.address, ipMode: 'VIP' }] } };
          this.store.writeStatus(types.service, svc);
          this.event(svc, 'Normal', 'EnsuredLoadBalancer', 'Ensured load balancer', 'service-controller');
        }
      }
      if (spec.type === 'NodePort' || spec.type === 'LoadBalancer') {
        let np = this.nodePorts.get(key);
        if (!np && port.nodePort) {
          np = new LoadBalancer();
          this.nodePorts.set(key, np);
          await np.listen(Number(port.nodePort), '127.0.0.1').catch(() => undefined);
        }
        np?.setEndpoints(endpoints);
      }
    }
    for (const [key, lb] of [...this.balancers]) {
      if (!seen.has(key)) {
        this.balancers.delete(key);
        await lb.close();
      }
    }
    for (const [key, lb] of [...this.nodePorts]) {
      if (!seen.has(key)) {
        this.nodePorts.delete(key);
        await lb.close();
      }
    }
  }
}
