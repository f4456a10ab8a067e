// The double's kubelet for one pod: pulls the image from the registry (ErrImagePull / ImagePullBackOff when it
// cannot), runs the first container on the local engine with its ports published on 127.0.0.1, executes the
// startup, readiness and liveness probes for real (HTTP GET), restarts an exited container with back-off
// (CrashLoopBackOff), and on deletion runs the preStop hook, then `docker stop -t <remaining grace>`.
import { randomBytes } from 'node:crypto';
import { docker, freePort, runNetArgs } from './engine';
import type { KubeObject, ObjectStore } from './objectStore';
import type { ResourceType } from './resources';

type Json = Record<string, unknown>;
const obj = (v: unknown): Json | undefined => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : undefined);

interface Probe {
  httpGet?: { path?: string; port: number | string };
  periodSeconds: number;
  timeoutSeconds: number;
  failureThreshold: number;
  successThreshold: number;
  initialDelaySeconds?: number;
}

export interface PodRuntimeDeps {
  store: ObjectStore;
  podType: ResourceType;
  secretType: ResourceType;
  /** Records an event about the pod (reason, message, Normal or Warning). */
  event: (pod: KubeObject, type: 'Normal' | 'Warning', reason: string, message: string) => void;
  /** Called whenever the pod's status changed (controllers and load balancers react). */
  changed: () => void;
  /** Label put on every container, so the double's stop removes them all. */
  containerLabel: string;
}

const backoffMs = (n: number): number => Math.min(10_000 * 2 ** Math.max(0, n - 1), 60_000);

export class PodRuntime {
  containerId: string | undefined;
  /** containerPort → 127.0.0.1 port. */
  readonly hostPorts = new Map<number, number>();
  ready = false;
  private started = false;
  private restartCount = 0;
  private state: Json = { waiting: { reason: 'ContainerCreating' } };
  private lastState: Json = {};
  private phase = 'Pending';
  private stopped = false;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly name: string;
  private readonly namespace: string;
  private readonly container: Json;
  private probeCounters = { readinessFail: 0, readinessOk: 0, livenessFail: 0 };
  private startedAt = 0;

  constructor(
    private pod: KubeObject,
    private readonly deps: PodRuntimeDeps,
  ) {
    this.name = pod.metadata.name;
    this.namespace = pod.metadata.namespace ?? 'default';
    this.container = obj(arr(obj(pod.spec)?.containers)[0]) ?? {};
    void this.startContainer(0);
  }

  private later(ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      if (!this.stopped) fn();
    }, ms);
    t.unref();
    this.timers.add(t);
  }

  private get image(): string {
    return String(this.container.image ?? '');
  }

  private writeStatus(): void {
    const current = this.deps.store.get(this.deps.podType, this.namespace, this.name);
    if (!current) return;
    const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    const conditions = [
      { type: 'PodScheduled', status: 'True', lastTransitionTime: now },
      { type: 'Initialized', status: 'True', lastTransitionTime: now },
      { type: 'ContainersReady', status: this.ready ? 'True' : 'False', lastTransitionTime: now },
      { type: 'Ready', status: this.ready ? 'True' : 'False', lastTransitionTime: now },
    ];
    const old = obj(current.status);
    const keep = (c: { type: string; status: string; lastTransitionTime: string }): typeof c => {
      const prev = (old?.conditions as Array<{ type: string; status: string; lastTransitionTime: string }> | undefined)?.find((p) => p.type === c.type && p.status === c.status);
      return prev ? { ...c, lastTransitionTime: prev.lastTransitionTime } : c;
    };
    current.status = {
      phase: this.phase,
      conditions: conditions.map(keep),
      hostIP: '127.0.0.1',
      podIP: '127.0.0.1',
      podIPs: [{ ip: '127.0.0.1' }],
      startTime: pod0(old?.startTime, now),
      containerStatuses: [
        {
          name: String(this.container.name ?? 'main'),
          image: this.image,
          imageID: this.containerId ? `docker-pullable://${this.image}` : '',
          ...(this.containerId ? { containerID: `docker://${this.containerId}` } : {}),
          ready: this.ready,
          started: this.started,
          restartCount: this.restartCount,
          state: this.state,
          lastState: this.lastState,
        },
      ],
      qosClass: 'Burstable',
    };
    this.deps.store.writeStatus(this.deps.podType, current);
    this.deps.changed();
  }

  /** Environment of the container: literal values, and secretKeyRef values read from the store's Secrets. */
  private environment(): { names: string[]; values: Record<string, string> } | { error: string } {
    const values: Record<string, string> = {};
    for (const e of arr(this.container.env).map(obj)) {
      if (!e) continue;
      const name = String(e.name);
      const ref = obj(obj(e.valueFrom)?.secretKeyRef);
      if (ref) {
        const secret = this.deps.store.get(this.deps.secretType, this.namespace, String(ref.name));
        const data = obj(secret?.data);
        if (!secret) return { error: `secret "${String(ref.name)}" not found` };
        if (!data || typeof data[String(ref.key)] !== 'string') return { error: `couldn't find key ${String(ref.key)} in Secret ${this.namespace}/${String(ref.name)}` };
        values[name] = Buffer.from(String(data[String(ref.key)]), 'base64').toString('utf8');
      } else values[name] = String(e.value ?? '');
    }
    return { names: Object.keys(values), values };
  }

  private async startContainer(attempt: number): Promise<void> {
    if (this.stopped) return;
    this.deps.event(this.pod, 'Normal', 'Pulling', `Pulling image "${this.image}"`);
    const pull = await docker(['pull', '--quiet', this.image]);
    if (this.stopped) return;
    if (pull.code !== 0) {
      const message = `Failed to pull image "${this.image}": ${pull.stderr.trim().split('\n').pop() ?? 'pull failed'}`;
      this.state = { waiting: { reason: attempt === 0 ? 'ErrImagePull' : 'ImagePullBackOff', message } };
      this.deps.event(this.pod, 'Warning', 'Failed', message);
      this.writeStatus();
      this.later(1000, () => {
        this.state = { waiting: { reason: 'ImagePullBackOff', message: `Back-off pulling image "${this.image}"` } };
        this.writeStatus();
      });
      this.later(backoffMs(attempt + 1), () => void this.startContainer(attempt + 1));
      return;
    }
    this.deps.event(this.pod, 'Normal', 'Pulled', `Successfully pulled image "${this.image}"`);
    const env = this.environment();
    if ('error' in env) {
      this.state = { waiting: { reason: 'CreateContainerConfigError', message: env.error } };
      this.deps.event(this.pod, 'Warning', 'Failed', `Error: ${env.error}`);
      this.writeStatus();
      this.later(backoffMs(attempt + 1), () => void this.startContainer(attempt + 1));
      return;
    }
    const publish: string[] = [];
    for (const p of arr(this.container.ports).map(obj)) {
      const cp = Number(p?.containerPort);
      if (!cp) continue;
      const hp = await freePort();
      this.hostPorts.set(cp, hp);
      publish.push('-p', `127.0.0.1:${hp}:${cp}`);
    }
    const containerName = `k8sdouble-${this.name}-${randomBytes(3).toString('hex')}`;
    const run = await docker(
      ['run', '-d', '--name', containerName, '--label', this.deps.containerLabel, ...runNetArgs(), ...publish, ...env.names.flatMap((n) => ['-e', n]), this.image, ...arr(this.container.args).map(String)],
      { env: env.values },
    );
    if (this.stopped) {
      if (run.code === 0) await docker(['rm', '-f', run.stdout.trim()]);
      return;
    }
    if (run.code !== 0) {
      const message = run.stderr.trim().split('\n').pop() ?? 'run failed';
      this.state = { waiting: { reason: 'RunContainerError', message } };
      this.deps.event(this.pod, 'Warning', 'Failed', `Error: ${message}`);
      this.writeStatus();
      this.later(backoffMs(attempt + 1), () => void this.startContainer(attempt + 1));
      return;
    }
    this.containerId = run.stdout.trim();
    this.deps.event(this.pod, 'Normal', 'Created', `Created container ${String(this.container.name)}`);
    this.deps.event(this.pod, 'Normal', 'Started', `Started container ${String(this.container.name)}`);
    this.running();
  }

  private running(): void {
    this.phase = 'Running';
    this.startedAt = Date.now();
    this.state = { running: { startedAt: new Date().toISOString().replace(/\.\d+Z$/, 'Z') } };
    this.started = !this.container.startupProbe;
    this.probeCounters = { readinessFail: 0, readinessOk: 0, livenessFail: 0 };
    this.writeStatus();
    void this.waitExit();
    this.scheduleProbes();
  }

  private async waitExit(): Promise<void> {
    const id = this.containerId;
    if (!id) return;
    const result = await docker(['wait', id], { timeoutMs: 24 * 3600_000 });
    if (this.stopped || id !== this.containerId) return;
    const exitCode = Number.parseInt(result.stdout.trim(), 10);
    this.ready = false;
    this.started = false;
    this.restartCount++;
    const finishedAt = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    this.lastState = { terminated: { exitCode: Number.isNaN(exitCode) ? 1 : exitCode, reason: exitCode === 0 ? 'Completed' : 'Error', finishedAt } };
    const wait = backoffMs(this.restartCount);
    this.state = { waiting: { reason: 'CrashLoopBackOff', message: `back-off ${wait / 1000}s restarting failed container=${String(this.container.name)} pod=${this.name}` } };
    this.deps.event(this.pod, 'Warning', 'BackOff', 'Back-off restarting failed container');
    this.writeStatus();
    this.later(wait, () => {
      void docker(['start', id]).then((r) => {
        if (this.stopped || r.code !== 0) return;
        this.running();
      });
    });
  }

  private portOf(port: number | string): number | undefined {
    if (typeof port === 'number') return this.hostPorts.get(port);
    const named = arr(this.container.ports).map(obj).find((p) => p?.name === port);
    return named ? this.hostPorts.get(Number(named.containerPort)) : undefined;
  }

  private async probe(p: Probe): Promise<boolean> {
    const port = p.httpGet ? this.portOf(p.httpGet.port) : undefined;
    if (!port) return false;
    try {
      const res = await fetch(`http://127.0.0.1:${port}${p.httpGet?.path ?? '/'}`, { signal: AbortSignal.timeout(p.timeoutSeconds * 1000) });
      await res.arrayBuffer();
      return res.status >= 200 && res.status < 400;
    } catch {
      return false;
    }
  }

  private scheduleProbes(): void {
    const id = this.containerId;
    const startup = this.container.startupProbe as Probe | undefined;
    const readiness = this.container.readinessProbe as Probe | undefined;
    const liveness = this.container.livenessProbe as Probe | undefined;
    const alive = (): boolean => !this.stopped && id === this.containerId && 'running' in this.state;
    const startupTick = async (failures: number): Promise<void> => {
      if (!alive() || !startup) return;
      if (await this.probe(startup)) {
        this.started = true;
        this.writeStatus();
        return;
      }
      if (failures + 1 >= startup.failureThreshold) {
        this.deps.event(this.pod, 'Warning', 'Unhealthy', 'Startup probe failed');
        await docker(['restart', '-t', '1', id ?? '']);
        return;
      }
      this.later(startup.periodSeconds * 1000, () => void startupTick(failures + 1));
    };
    const readinessTick = async (): Promise<void> => {
      if (!alive()) return;
      if (this.started) {
        const ok = readiness ? await this.probe(readiness) : true;
        if (!alive()) return;
        if (ok) {
          this.probeCounters.readinessFail = 0;
          this.probeCounters.readinessOk++;
          if (!this.ready && this.probeCounters.readinessOk >= (readiness?.successThreshold ?? 1) && !this.terminating) {
            this.ready = true;
            this.writeStatus();
          }
        } else {
          this.probeCounters.readinessOk = 0;
          this.probeCounters.readinessFail++;
          if (this.ready && this.probeCounters.readinessFail >= (readiness?.failureThreshold ?? 3)) {
            this.ready = false;
            this.deps.event(this.pod, 'Warning', 'Unhealthy', 'Readiness probe failed');
            this.writeStatus();
          }
        }
      }
      this.later((readiness?.periodSeconds ?? 1) * 1000, () => void readinessTick());
    };
    const livenessTick = async (): Promise<void> => {
      if (!alive() || !liveness) return;
      if (this.started && Date.now() - this.startedAt >= (liveness.initialDelaySeconds ?? 0) * 1000) {
        if (await this.probe(liveness)) this.probeCounters.livenessFail = 0;
        else if (++this.probeCounters.livenessFail >= liveness.failureThreshold) {
          this.deps.event(this.pod, 'Warning', 'Unhealthy', 'Liveness probe failed: restarting the container');
          this.probeCounters.livenessFail = 0;
          await docker(['restart', '-t', '1', id ?? '']);
        }
      }
      this.later(liveness.periodSeconds * 1000, () => void livenessTick());
    };
    if (startup) this.later((startup.initialDelaySeconds ?? 0) * 1000, () => void startupTick(0));
    this.later((readiness?.initialDelaySeconds ?? 0) * 1000, () => void readinessTick());
    if (liveness) this.later(liveness.periodSeconds * 1000, () => void livenessTick());
  }

  private terminating = false;

  /** Deletion: out of the endpoints at once, preStop, SIGTERM with the remaining grace, then gone. */
  async terminate(graceSeconds: number): Promise<void> {
    if (this.terminating) return;
    this.terminating = true;
    this.ready = false;
    this.writeStatus();
    const deadline = Date.now() + graceSeconds * 1000;
    const id = this.containerId;
    if (id && 'running' in this.state) {
      const command = obj(obj(obj(this.container.lifecycle)?.preStop)?.exec)?.command;
      const sleepSeconds = Number(obj(obj(obj(this.container.lifecycle)?.preStop)?.sleep)?.seconds ?? 0);
      if (Array.isArray(command)) {
        this.deps.event(this.pod, 'Normal', 'Killing', `Stopping container ${String(this.container.name)}: running the preStop hook`);
        await docker(['exec', id, ...command.map(String)], { timeoutMs: graceSeconds * 1000 });
      } else if (sleepSeconds > 0) await new Promise((r) => setTimeout(r, sleepSeconds * 1000));
    }
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
    if (id) {
      const remaining = Math.max(1, Math.ceil((deadline - Date.now()) / 1000));
      await docker(['stop', '-t', String(remaining), id]);
      await docker(['rm', '-f', id]);
    }
  }

  /** Immediate stop (the double shutting down). */
  async kill(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
    if (this.containerId) await docker(['rm', '-f', this.containerId]);
  }

  isTerminating(): boolean {
    return this.terminating;
  }
}

function arr(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

function pod0(existing: unknown, now: string): string {
  return typeof existing === 'string' ? existing : now;
}
