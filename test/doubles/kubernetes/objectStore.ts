// The double's etcd: objects by resource, namespace and name, one resourceVersion counter, a bounded history
// of watch events, and the write paths a real API server has — create, update (PUT, with optimistic
// concurrency), JSON merge patch, server-side apply (managedFields, conflicts, force) and delete with
// ownerReference garbage collection. Field ownership is tracked per "unit": a metadata label or annotation, and
// each second-level field of the body (spec.replicas, spec.template, data.primaryKey…), or a top-level scalar.
import { randomUUID } from 'node:crypto';
import { groupVersionOf, resourceTypes, type ResourceType } from './resources';

export type KubeObject = Record<string, unknown> & {
  apiVersion: string;
  kind: string;
  metadata: Metadata;
};

export interface Metadata {
  name: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  deletionGracePeriodSeconds?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: Array<{ apiVersion: string; kind: string; name: string; uid: string; controller?: boolean; blockOwnerDeletion?: boolean }>;
  managedFields?: ManagedFieldsEntry[];
  finalizers?: string[];
  generateName?: string;
  [k: string]: unknown;
}

export interface ManagedFieldsEntry {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  time: string;
  fieldsType: 'FieldsV1';
  fieldsV1: Record<string, unknown>;
  subresource?: string;
}

export interface WatchEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  resource: ResourceType;
  object: KubeObject;
  rv: number;
}

export interface StatusCause {
  field?: string;
  message: string;
  reason?: string;
}

/** An error the API server answers with a Status object. */
export class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly details?: { name?: string; group?: string; kind?: string; causes?: StatusCause[] },
  ) {
    super(message);
  }

  status(): object {
    return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: this.message, reason: this.reason, ...(this.details ? { details: this.details } : {}), code: this.code };
  }
}

export function clone<T>(v: T): T {
  return structuredClone(v);
}

const bodyExclusions = new Set(['apiVersion', 'kind', 'metadata', 'status']);

/** The ownership units of an object, with their values (JSON text, to compare). */
export function unitsOf(obj: Record<string, unknown>): Map<string, string> {
  const units = new Map<string, string>();
  const meta = (obj.metadata ?? {}) as Metadata;
  for (const field of ['labels', 'annotations'] as const) {
    for (const [k, v] of Object.entries(meta[field] ?? {})) units.set(JSON.stringify(['metadata', field, k]), JSON.stringify(v));
  }
  for (const [k, v] of Object.entries(obj)) {
    if (bodyExclusions.has(k)) continue;
    if (typeof v === 'object' && v !== null && !Array.isArray(v)) {
      for (const [k2, v2] of Object.entries(v)) units.set(JSON.stringify([k, k2]), JSON.stringify(v2));
    } else units.set(JSON.stringify([k]), JSON.stringify(v));
  }
  return units;
}

function setPath(obj: Record<string, unknown>, path: string[], value: unknown): void {
  let cur = obj;
  for (const p of path.slice(0, -1)) {
    if (typeof cur[p] !== 'object' || cur[p] === null) cur[p] = {};
    cur = cur[p] as Record<string, unknown>;
  }
  cur[path[path.length - 1]!] = value;
}

function deletePath(obj: Record<string, unknown>, path: string[]): void {
  let cur: Record<string, unknown> | undefined = obj;
  for (const p of path.slice(0, -1)) cur = cur?.[p] as Record<string, unknown> | undefined;
  if (cur) delete cur[path[path.length - 1]!];
}

/** fieldsV1 of a set of units: {"f:spec": {"f:replicas": {}}}. */
function fieldsV1(paths: Iterable<string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const p of paths) {
    let cur = out;
    for (const seg of JSON.parse(p) as string[]) {
      const key = `f:${seg}`;
      cur[key] ??= {};
      cur = cur[key] as Record<string, unknown>;
    }
  }
  return out;
}

/** JSON merge patch (RFC 7386). */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) return clone(patch);
  const out: Record<string, unknown> = typeof target === 'object' && target !== null && !Array.isArray(target) ? { ...(target as Record<string, unknown>) } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

/** Defaults, semantic checks and schema validation, run on every write (given by the API server). */
export type Admission = (type: ResourceType, object: KubeObject, old: KubeObject | undefined, options: { fieldValidation?: string }) => void;

interface Owned {
  /** manager|operation → units. */
  owners: Map<string, Set<string>>;
}

export interface WriteOptions {
  dryRun?: boolean;
  fieldValidation?: string;
}

export class ObjectStore {
  private rv = 100;
  private readonly objects = new Map<string, { type: ResourceType; object: KubeObject; owned: Owned }>();
  private readonly history: WatchEvent[] = [];
  private readonly listeners = new Set<(e: WatchEvent) => void>();
  admission: Admission = () => undefined;

  currentVersion(): number {
    return this.rv;
  }

  private key(type: ResourceType, namespace: string | undefined, name: string): string {
    return `${groupVersionOf(type)}/${type.resource}/${type.namespaced ? (namespace ?? '') : ''}/${name}`;
  }

  get(type: ResourceType, namespace: string | undefined, name: string): KubeObject | undefined {
    const e = this.objects.get(this.key(type, namespace, name));
    return e ? clone(e.object) : undefined;
  }

  require(type: ResourceType, namespace: string | undefined, name: string): KubeObject {
    const o = this.get(type, namespace, name);
    if (!o) throw new ApiError(404, 'NotFound', `${type.resource}${type.group ? `.${type.group}` : ''} "${name}" not found`, { name, ...(type.group ? { group: type.group } : {}), kind: type.resource });
    return o;
  }

  list(type: ResourceType, namespace?: string): KubeObject[] {
    return [...this.objects.values()]
      .filter((e) => e.type === type && (namespace === undefined || !type.namespaced || e.object.metadata.namespace === namespace))
      .map((e) => clone(e.object))
      .sort((a, b) => `${a.metadata.namespace ?? ''}/${a.metadata.name}`.localeCompare(`${b.metadata.namespace ?? ''}/${b.metadata.name}`));
  }

  all(): Array<{ type: ResourceType; object: KubeObject }> {
    return [...this.objects.values()].map((e) => ({ type: e.type, object: clone(e.object) }));
  }

  /** Events after `sinceRv`; undefined when the history no longer reaches back that far (410 Gone). */
  eventsSince(sinceRv: number): WatchEvent[] | undefined {
    const first = this.history[0];
    if (first && sinceRv < first.rv - 1 && this.history.length >= 2000) return undefined;
    return this.history.filter((e) => e.rv > sinceRv);
  }

  subscribe(listener: (e: WatchEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(type: WatchEvent['type'], resource: ResourceType, object: KubeObject): void {
    const event: WatchEvent = { type, resource, object: clone(object), rv: Number(object.metadata.resourceVersion) };
    this.history.push(event);
    if (this.history.length > 2000) this.history.shift();
    for (const l of this.listeners) l(event);
  }

  private renderManaged(entry: { owned: Owned; type: ResourceType }, time: string): ManagedFieldsEntry[] {
    const out: ManagedFieldsEntry[] = [];
    for (const [key, units] of entry.owned.owners) {
      if (units.size === 0) continue;
      const [manager, operation] = key.split('|') as [string, 'Apply' | 'Update'];
      out.push({ manager, operation, apiVersion: groupVersionOf(entry.type), time, fieldsType: 'FieldsV1', fieldsV1: fieldsV1(units) });
    }
    return out;
  }

  private namespaceMustExist(type: ResourceType, namespace: string | undefined): void {
    if (!type.namespaced) return;
    const nsType = resourceTypes.find((t) => t.kind === 'Namespace');
    if (!nsType || !this.objects.has(this.key(nsType, undefined, namespace ?? ''))) {
      throw new ApiError(404, 'NotFound', `namespaces "${namespace ?? ''}" not found`, { name: namespace ?? '', kind: 'namespaces' });
    }
  }

  /** Writes `next` (already merged) as the new state of the object, with ownership and bookkeeping. */
  private commit(type: ResourceType, next: KubeObject, old: KubeObject | undefined, owned: Owned, options: WriteOptions): KubeObject {
    this.admission(type, next, old, options);
    const now = new Date().toISOString();
    const bodyChanged = (o: KubeObject | undefined): boolean => JSON.stringify(o?.spec ?? o?.data ?? null) !== JSON.stringify(next.spec ?? next.data ?? null);
    next.metadata.generation = old ? (old.metadata.generation ?? 1) + (bodyChanged(old) ? 1 : 0) : 1;
    if (options.dryRun) {
      next.metadata.managedFields = this.renderManaged({ owned, type }, now);
      return next;
    }
    next.metadata.resourceVersion = String(++this.rv);
    next.metadata.managedFields = this.renderManaged({ owned, type }, now);
    this.objects.set(this.key(type, next.metadata.namespace, next.metadata.name), { type, object: clone(next), owned });
    this.emit(old ? 'MODIFIED' : 'ADDED', type, next);
    return clone(next);
  }

  private fresh(type: ResourceType, object: KubeObject, namespace: string | undefined): KubeObject {
    const next = clone(object);
    next.apiVersion = groupVersionOf(type);
    next.kind = type.kind;
    if (!next.metadata.name && next.metadata.generateName) next.metadata.name = `${next.metadata.generateName}${randomUUID().slice(0, 5)}`;
    if (type.namespaced) next.metadata.namespace = namespace;
    else delete next.metadata.namespace;
    next.metadata.uid = randomUUID();
    next.metadata.creationTimestamp = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    delete next.metadata.resourceVersion;
    return next;
  }

  private takeUnits(owned: Owned, key: string, units: Iterable<string>): void {
    const mine = owned.owners.get(key) ?? new Set<string>();
    for (const u of units) {
      for (const [k, set] of owned.owners) if (k !== key) set.delete(u);
      mine.add(u);
    }
    owned.owners.set(key, mine);
  }

  create(type: ResourceType, namespace: string | undefined, object: KubeObject, manager: string, options: WriteOptions = {}): KubeObject {
    this.namespaceMustExist(type, namespace);
    if (object.metadata?.namespace !== undefined && type.namespaced && object.metadata.namespace !== namespace) {
      throw new ApiError(400, 'BadRequest', 'the namespace of the provided object does not match the namespace sent on the request');
    }
    const next = this.fresh(type, object, namespace);
    if (!next.metadata.name) throw new ApiError(422, 'Invalid', `${type.kind} "" is invalid: metadata.name: Required value: name or generateName is required`, { kind: type.kind, causes: [{ field: 'metadata.name', reason: 'FieldValueRequired', message: 'Required value: name or generateName is required' }] });
    if (this.objects.has(this.key(type, namespace, next.metadata.name))) {
      throw new ApiError(409, 'AlreadyExists', `${type.resource}${type.group ? `.${type.group}` : ''} "${next.metadata.name}" already exists`, { name: next.metadata.name, ...(type.group ? { group: type.group } : {}), kind: type.resource });
    }
    const owned: Owned = { owners: new Map() };
    this.takeUnits(owned, `${manager}|Update`, unitsOf(next).keys());
    return this.commit(type, next, undefined, owned, options);
  }

  /** PUT: the whole object; its resourceVersion, when given, must be the current one. */
  replace(type: ResourceType, namespace: string | undefined, name: string, object: KubeObject, manager: string, options: WriteOptions = {}): KubeObject {
    const entry = this.objects.get(this.key(type, namespace, name));
    if (!entry) throw this.notFound(type, name);
    const old = entry.object;
    if (object.metadata?.resourceVersion && object.metadata.resourceVersion !== old.metadata.resourceVersion) {
      throw new ApiError(409, 'Conflict', `Operation cannot be fulfilled on ${type.resource}${type.group ? `.${type.group}` : ''} "${name}": the object has been modified; please apply your changes to the latest version and try again`, { name, kind: type.resource });
    }
    const next = clone(object);
    next.metadata = { ...next.metadata, uid: old.metadata.uid, creationTimestamp: old.metadata.creationTimestamp, namespace: old.metadata.namespace, name };
    if (old.metadata.deletionTimestamp) next.metadata.deletionTimestamp = old.metadata.deletionTimestamp;
    if (!('status' in object)) next.status = old.status;
    return this.commit(type, next, old, this.ownChanges(entry.owned, manager, old, next), options);
  }

  private ownChanges(owned: Owned, manager: string, old: KubeObject, next: KubeObject): Owned {
    const copy: Owned = { owners: new Map([...owned.owners].map(([k, v]) => [k, new Set(v)])) };
    const before = unitsOf(old);
    const changed = [...unitsOf(next)].filter(([u, v]) => before.get(u) !== v).map(([u]) => u);
    this.takeUnits(copy, `${manager}|Update`, changed);
    const after = unitsOf(next);
    for (const set of copy.owners.values()) for (const u of [...set]) if (!after.has(u)) set.delete(u);
    return copy;
  }

  merge(type: ResourceType, namespace: string | undefined, name: string, patch: unknown, manager: string, options: WriteOptions = {}): KubeObject {
    const entry = this.objects.get(this.key(type, namespace, name));
    if (!entry) throw this.notFound(type, name);
    const old = entry.object;
    const next = mergePatch(old, patch) as KubeObject;
    next.metadata = { ...next.metadata, uid: old.metadata.uid, name, namespace: old.metadata.namespace, creationTimestamp: old.metadata.creationTimestamp };
    return this.commit(type, next, old, this.ownChanges(entry.owned, manager, old, next), options);
  }

  /** Server-side apply: the applied configuration is what `manager` owns, no more and no less. */
  apply(type: ResourceType, namespace: string | undefined, name: string, applied: KubeObject, manager: string, force: boolean, options: WriteOptions = {}): KubeObject {
    if (applied.metadata?.name !== name) throw new ApiError(400, 'BadRequest', `the name of the object (${String(applied.metadata?.name)}) does not match the name on the URL (${name})`);
    const key = `${manager}|Apply`;
    const entry = this.objects.get(this.key(type, namespace, name));
    const appliedUnits = unitsOf(applied);
    if (!entry) {
      this.namespaceMustExist(type, namespace);
      const next = this.fresh(type, applied, namespace);
      const owned: Owned = { owners: new Map() };
      this.takeUnits(owned, key, appliedUnits.keys());
      return this.commit(type, next, undefined, owned, options);
    }
    const old = entry.object;
    const live = unitsOf(old);
    const owned: Owned = { owners: new Map([...entry.owned.owners].map(([k, v]) => [k, new Set(v)])) };
    const conflicts: string[] = [];
    for (const [u, v] of appliedUnits) {
      for (const [k, set] of owned.owners) {
        if (k !== key && set.has(u) && live.get(u) !== v) conflicts.push(`conflict with "${k.split('|')[0]}"${k.endsWith('|Update') ? ` using ${groupVersionOf(type)}` : ''}: .${(JSON.parse(u) as string[]).join('.')}`);
      }
    }
    if (conflicts.length > 0 && !force) {
      throw new ApiError(409, 'Conflict', `Apply failed with ${conflicts.length} conflict${conflicts.length > 1 ? 's' : ''}: ${conflicts.join('\n')}`, {
        name,
        kind: type.resource,
        causes: conflicts.map((c) => ({ reason: 'FieldManagerConflict', message: c })),
      });
    }
    const next = clone(old);
    const previously = owned.owners.get(key) ?? new Set<string>();
    for (const u of previously) {
      if (appliedUnits.has(u)) continue;
      const ownedByOthers = [...owned.owners].some(([k, set]) => k !== key && set.has(u));
      if (!ownedByOthers) deletePath(next, JSON.parse(u) as string[]);
    }
    for (const [u, v] of appliedUnits) setPath(next, JSON.parse(u) as string[], JSON.parse(v));
    owned.owners.set(key, new Set());
    this.takeUnits(owned, key, appliedUnits.keys());
    return this.commit(type, next, old, owned, options);
  }

  /** Controllers' writes: status and fields they own, without admission of user intent. */
  writeStatus(type: ResourceType, object: KubeObject): KubeObject | undefined {
    const entry = this.objects.get(this.key(type, object.metadata.namespace, object.metadata.name));
    if (!entry) return undefined;
    if (JSON.stringify(entry.object.status) === JSON.stringify(object.status)) return clone(entry.object);
    const next = { ...clone(entry.object), status: clone(object.status) } as KubeObject;
    next.metadata.resourceVersion = String(++this.rv);
    entry.object = next;
    this.emit('MODIFIED', type, next);
    return clone(next);
  }

  /** A controller's change of spec fields it owns (an HPA setting replicas), as manager `manager`. */
  controllerUpdate(type: ResourceType, object: KubeObject, manager: string): KubeObject | undefined {
    const entry = this.objects.get(this.key(type, object.metadata.namespace, object.metadata.name));
    if (!entry) return undefined;
    return this.commit(type, clone(object), entry.object, this.ownChanges(entry.owned, manager, entry.object, object), {});
  }

  /** Removes the object now (no grace), and what it owns (background garbage collection). */
  remove(type: ResourceType, namespace: string | undefined, name: string): KubeObject | undefined {
    const k = this.key(type, namespace, name);
    const entry = this.objects.get(k);
    if (!entry) return undefined;
    this.objects.delete(k);
    const gone = clone(entry.object);
    gone.metadata.resourceVersion = String(++this.rv);
    this.emit('DELETED', type, gone);
    return gone;
  }

  /** Objects that name `uid` in their ownerReferences. */
  dependents(uid: string): Array<{ type: ResourceType; object: KubeObject }> {
    return [...this.objects.values()].filter((e) => e.object.metadata.ownerReferences?.some((r) => r.uid === uid)).map((e) => ({ type: e.type, object: clone(e.object) }));
  }

  /** Marks an object as terminating (pods): its runtime finishes it, then removes it. */
  markDeleting(type: ResourceType, namespace: string | undefined, name: string, graceSeconds: number): KubeObject | undefined {
    const entry = this.objects.get(this.key(type, namespace, name));
    if (!entry) return undefined;
    if (entry.object.metadata.deletionTimestamp) return clone(entry.object);
    const next = clone(entry.object);
    next.metadata.deletionTimestamp = new Date(Date.now() + graceSeconds * 1000).toISOString().replace(/\.\d+Z$/, 'Z');
    next.metadata.deletionGracePeriodSeconds = graceSeconds;
    next.metadata.resourceVersion = String(++this.rv);
    entry.object = next;
    this.emit('MODIFIED', type, next);
    return clone(next);
  }

  private notFound(type: ResourceType, name: string): ApiError {
    return new ApiError(404, 'NotFound', `${type.resource}${type.group ? `.${type.group}` : ''} "${name}" not found`, { name, ...(type.group ? { group: type.group } : {}), kind: type.resource });
  }
}
