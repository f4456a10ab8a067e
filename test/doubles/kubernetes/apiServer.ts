// The HTTP face of the kube-apiserver double: HTTPS with bearer-token authentication, discovery (/version,
// /api, /apis, group versions, /openapi/v3 serving the official documents), REST on the resources of
// resources.ts (get / list / watch, create, replace, merge and strategic-merge patch, server-side apply,
// delete, delete collection, scale), pod logs as text/plain, Tables for kubectl, and Status errors with the
// real reasons and codes. Faults (403, 404, quota…) can be injected per request for error-path tests.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { load } from 'js-yaml';
import type { Controllers } from './controllers';
import { dockerLogs } from './engine';
import { ApiError, clone, type KubeObject, type ObjectStore, type WatchEvent } from './objectStore';
import { apiGroup, apiGroupList, apiResourceList, findResource, groupVersionOf, resourceTypes, type ResourceType } from './resources';
import { openApiDocument } from './schemaValidator';
import { selectorFilter } from './selectors';
import { toTable } from './tables';

export interface Fault {
  method?: string;
  /** Matched against the request path. */
  path: RegExp;
  code: number;
  reason: string;
  message: string;
  /** How many requests it answers (default: every one). */
  times?: number;
}

export interface RequestRecord {
  method: string;
  path: string;
  query: string;
  contentType: string | undefined;
  fieldManager: string | null;
  userAgent: string | undefined;
}

export interface ApiServerDeps {
  store: ObjectStore;
  controllers: Controllers;
  token: string;
  warnings: string[];
  faults: Fault[];
  requests: RequestRecord[];
  serverAddress: () => string;
}

const openApiPaths: Record<string, string> = { 'api/v1': 'v1', 'apis/apps/v1': 'apps/v1', 'apis/autoscaling/v2': 'autoscaling/v2' };

function send(res: ServerResponse, code: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(code, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function parseObject(text: string, contentType: string): KubeObject {
  let value: unknown;
  try {
    value = contentType.includes('yaml') ? load(text) : JSON.parse(text);
  } catch (err) {
    throw new ApiError(400, 'BadRequest', `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml (${(err as Error).message})`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ApiError(400, 'BadRequest', 'the body of the request must be an object');
  const o = value as KubeObject;
  o.metadata ??= { name: '' };
  return o;
}

/** Strategic merge patch directives are dropped: the double merges lists as JSON merge patch does. */
function stripDirectives(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(stripDirectives);
  if (typeof v !== 'object' || v === null) return v;
  return Object.fromEntries(
    Object.entries(v)
      .filter(([k]) => !k.startsWith('$setElementOrder') && k !== '$patch' && k !== '$retainKeys' && !k.startsWith('$deleteFromPrimitiveList'))
      .map(([k, x]) => [k, stripDirectives(x)]),
  );
}

interface Route {
  type: ResourceType;
  namespace: string | undefined;
  name: string | undefined;
  subresource: string | undefined;
}

/** /api/v1/namespaces/ns/pods/name/log, /apis/apps/v1/deployments, /api/v1/namespaces/name … */
function route(path: string): Route | undefined {
  const segs = path.split('/').filter(Boolean);
  let group = '';
  let version: string;
  let rest: string[];
  if (segs[0] === 'api' && segs[1]) {
    version = segs[1];
    rest = segs.slice(2);
  } else if (segs[0] === 'apis' && segs[1] && segs[2]) {
    group = segs[1];
    version = segs[2];
    rest = segs.slice(3);
  } else return undefined;
  let namespace: string | undefined;
  if (rest[0] === 'namespaces' && rest.length >= 3) {
    namespace = rest[1];
    rest = rest.slice(2);
  }
  const [resource, name, subresource] = rest;
  if (!resource) return undefined;
  const type = findResource(group, version, resource);
  if (!type) return undefined;
  return { type, namespace, name, subresource };
}

export function apiHandler(deps: ApiServerDeps) {
  const { store } = deps;
  const expected = createHash('sha256').update(`Bearer ${deps.token}`).digest();

  const authorized = (req: IncomingMessage): boolean => {
    const got = createHash('sha256').update(req.headers.authorization ?? '').digest();
    return timingSafeEqual(got, expected);
  };

  const faultFor = (method: string, path: string): Fault | undefined => {
    const i = deps.faults.findIndex((f) => (!f.method || f.method === method) && f.path.test(path));
    if (i < 0) return undefined;
    const f = deps.faults[i]!;
    if (f.times !== undefined && --f.times <= 0) deps.faults.splice(i, 1);
    return f;
  };

  const watch = (req: IncomingMessage, res: ServerResponse, r: Route, filter: (o: KubeObject) => boolean, sinceParam: string | null, timeoutSeconds: number): void => {
    const relevant = (e: WatchEvent): boolean => e.resource === r.type && (!r.namespace || e.object.metadata.namespace === r.namespace) && filter(e.object);
    let initial: WatchEvent[];
    const since = sinceParam === null || sinceParam === '' || sinceParam === '0' ? undefined : Number(sinceParam);
    if (since === undefined) {
      initial = store.list(r.type, r.namespace).filter(filter).map((object) => ({ type: 'ADDED', resource: r.type, object, rv: Number(object.metadata.resourceVersion) }));
    } else {
      const events = store.eventsSince(since);
      if (!events) {
        send(res, 410, new ApiError(410, 'Expired', `too old resource version: ${since} (${store.currentVersion()})`).status());
        return;
      }
      initial = events.filter(relevant);
    }
    res.writeHead(200, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' });
    // The client waits for the headers before it reads events: send them now, even with no event yet.
    res.flushHeaders();
    const write = (e: WatchEvent): void => {
      res.write(`${JSON.stringify({ type: e.type, object: e.object })}\n`);
    };
    for (const e of initial) write(e);
    const unsubscribe = store.subscribe((e) => {
      if (relevant(e)) write(e);
    });
    const timer = setTimeout(() => res.end(), timeoutSeconds * 1000);
    timer.unref();
    const done = (): void => {
      unsubscribe();
      clearTimeout(timer);
    };
    req.once('close', done);
    res.once('close', done);
  };

  const podLog = (res: ServerResponse, r: Route, q: URLSearchParams): void => {
    const pod = store.require(r.type, r.namespace, r.name ?? '');
    const runtime = deps.controllers.pods.get(pod.metadata.uid ?? '');
    const container = q.get('container');
    const containers = ((pod.spec as { containers?: Array<{ name: string }> } | undefined)?.containers ?? []).map((c) => c.name);
    if (container && !containers.includes(container)) throw new ApiError(400, 'BadRequest', `container ${container} is not valid for pod ${pod.metadata.name}`);
    if (!runtime?.containerId) throw new ApiError(400, 'BadRequest', `container "${containers[0] ?? ''}" in pod "${pod.metadata.name}" is waiting to start: ContainerCreating`);
    const tail = q.get('tailLines');
    const child = dockerLogs(runtime.containerId, { follow: q.get('follow') === 'true', ...(tail !== null ? { tail: Number(tail) } : {}) });
    res.writeHead(200, { 'Content-Type': 'text/plain', 'Transfer-Encoding': 'chunked' });
    child.stdout?.pipe(res, { end: false });
    child.stderr?.pipe(res, { end: false });
    child.once('close', () => res.end());
    res.once('close', () => child.kill());
  };

  const deleteOne = (r: Route, q: URLSearchParams, options: { gracePeriodSeconds?: number; dryRun?: string[] }): unknown => {
    const object = store.require(r.type, r.namespace, r.name ?? '');
    const dryRun = q.get('dryRun') === 'All' || (options.dryRun ?? []).includes('All');
    if (dryRun) return object;
    if (r.type.kind === 'Namespace') {
      for (const t of resourceTypes.filter((x) => x.namespaced)) for (const o of store.list(t, object.metadata.name)) deps.controllers.deleteObject(t, o, 1);
      store.remove(r.type, undefined, object.metadata.name);
      return { ...object, status: { phase: 'Terminating' } };
    }
    const grace = q.get('gracePeriodSeconds') ?? options.gracePeriodSeconds;
    deps.controllers.deleteObject(r.type, object, grace === undefined || grace === null ? undefined : Number(grace));
    deps.controllers.kick();
    if (r.type.kind === 'Pod') return store.get(r.type, r.namespace, object.metadata.name) ?? object;
    return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details: { name: object.metadata.name, ...(r.type.group ? { group: r.type.group } : {}), kind: r.type.resource, uid: object.metadata.uid } };
  };

  const scale = async (req: IncomingMessage, res: ServerResponse, r: Route, q: URLSearchParams): Promise<void> => {
    const d = store.require(r.type, r.namespace, r.name ?? '');
    const spec = d.spec as { replicas?: number; selector?: unknown };
    const toScale = (o: KubeObject): object => ({
      kind: 'Scale',
      apiVersion: 'autoscaling/v1',
      metadata: { name: o.metadata.name, namespace: o.metadata.namespace, uid: o.metadata.uid, resourceVersion: o.metadata.resourceVersion, creationTimestamp: o.metadata.creationTimestamp },
      spec: { replicas: (o.spec as { replicas?: number }).replicas ?? 1 },
      status: { replicas: (o.status as { replicas?: number } | undefined)?.replicas ?? 0, selector: Object.entries((spec.selector as { matchLabels?: Record<string, string> } | undefined)?.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`).join(',') },
    });
    if (req.method === 'GET') return send(res, 200, toScale(d));
    const body = parseObject(await readBody(req), req.headers['content-type'] ?? 'application/json') as unknown as { spec?: { replicas?: number } };
    if (typeof body.spec?.replicas !== 'number') throw new ApiError(422, 'Invalid', 'Scale.autoscaling "" is invalid: spec.replicas: Required value');
    const updated = store.merge(r.type, r.namespace, d.metadata.name, { spec: { replicas: body.spec.replicas } }, q.get('fieldManager') ?? 'kubectl', { ...(q.get('dryRun') === 'All' ? { dryRun: true } : {}) });
    send(res, 200, toScale(updated));
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'https://double');
    const path = url.pathname.replace(/\/+$/, '') || '/';
    const q = url.searchParams;
    const method = req.method ?? 'GET';
    deps.requests.push({ method, path, query: url.search, contentType: req.headers['content-type'], fieldManager: q.get('fieldManager'), userAgent: req.headers['user-agent'] });
    if (!authorized(req)) throw new ApiError(401, 'Unauthorized', 'Unauthorized');
    const fault = faultFor(method, path);
    if (fault) throw new ApiError(fault.code, fault.reason, fault.message, fault.reason === 'NotFound' && /namespaces "([^"]+)"/.exec(fault.message) ? { name: /namespaces "([^"]+)"/.exec(fault.message)?.[1] ?? '', kind: 'namespaces' } : undefined);

    if (method === 'GET' && path === '/version') {
      return send(res, 200, { major: '1', minor: '35', gitVersion: 'v1.35.0-modelport-double', gitCommit: 'double', gitTreeState: 'clean', buildDate: '2026-01-01T00:00:00Z', goVersion: 'go1.25', compiler: 'gc', platform: 'linux/amd64' });
    }
    if (method === 'GET' && path === '/api') return send(res, 200, { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: deps.serverAddress() }] });
    if (method === 'GET' && path === '/apis') return send(res, 200, apiGroupList());
    if (method === 'GET' && path === '/openapi/v3') {
      const paths = Object.fromEntries(Object.keys(openApiPaths).map((p) => [p, { serverRelativeURL: `/openapi/v3/${p}?hash=${createHash('sha256').update(p).digest('hex').slice(0, 16).toUpperCase()}` }]));
      return send(res, 200, { paths });
    }
    if (method === 'GET' && path.startsWith('/openapi/v3/')) {
      const gv = openApiPaths[path.slice('/openapi/v3/'.length)];
      const doc = gv ? openApiDocument(gv) : undefined;
      if (!doc) throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
      return send(res, 200, doc, { 'Cache-Control': 'public, immutable' });
    }
    if (method === 'GET') {
      const segs = path.split('/').filter(Boolean);
      if (segs[0] === 'api' && segs.length === 2) {
        const list = apiResourceList('', segs[1]!);
        if (list) return send(res, 200, list);
      }
      if (segs[0] === 'apis' && segs.length === 2) {
        const g = apiGroup(segs[1]!);
        if (g) return send(res, 200, g);
      }
      if (segs[0] === 'apis' && segs.length === 3) {
        const list = apiResourceList(segs[1]!, segs[2]!);
        if (list) return send(res, 200, list);
      }
    }

    const r = route(path);
    if (!r) throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
    const { type } = r;
    const contentType = req.headers['content-type'] ?? 'application/json';
    if (contentType.includes('protobuf')) {
      throw new ApiError(415, 'UnsupportedMediaType', 'the double of kube-apiserver reads JSON and YAML bodies only, not protobuf (typed kubectl create commands send protobuf; use kubectl apply -f)');
    }
    const dryRun = q.getAll('dryRun').includes('All');
    const manager = q.get('fieldManager') ?? (req.headers['user-agent'] ?? 'unknown').split('/')[0] ?? 'unknown';
    const fieldValidation = q.get('fieldValidation') ?? undefined;
    const writeOptions = { ...(dryRun ? { dryRun: true } : {}), ...(fieldValidation ? { fieldValidation } : {}) };
    const warningsBefore = deps.warnings.length;
    const reply = (code: number, body: unknown): void => {
      const added = deps.warnings.slice(warningsBefore);
      send(res, code, body, added.length > 0 ? { Warning: added.map((w) => `299 - ${JSON.stringify(w)}`).join(', ') } : {});
    };

    if (r.subresource === 'log' && type.kind === 'Pod' && method === 'GET') return podLog(res, r, q);
    if (r.subresource === 'scale' && type.kind === 'Deployment') return scale(req, res, r, q);
    if (r.subresource && r.subresource !== 'status') throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
    if (r.subresource === 'status' && method !== 'GET') throw new ApiError(405, 'MethodNotAllowed', 'the double does not accept status writes from clients');

    const wantsTable = (req.headers.accept ?? '').includes('as=Table');
    const filter = selectorFilter(q.get('labelSelector'), q.get('fieldSelector'));

    switch (method) {
      case 'GET': {
        if (r.name) {
          const o = store.require(type, r.namespace, r.name);
          return reply(200, wantsTable ? toTable(type.kind, [o], o.metadata.resourceVersion ?? '', q.get('includeObject')) : o);
        }
        if (q.get('watch') === 'true' || q.get('watch') === '1') return watch(req, res, r, filter, q.get('resourceVersion'), Number(q.get('timeoutSeconds') ?? 1800));
        const items = store.list(type, r.namespace).filter(filter);
        const rv = String(store.currentVersion());
        if (wantsTable) return reply(200, toTable(type.kind, items, rv, q.get('includeObject')));
        return reply(200, { kind: `${type.kind}List`, apiVersion: groupVersionOf(type), metadata: { resourceVersion: rv }, items });
      }
      case 'POST': {
        if (r.name) throw new ApiError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
        const o = parseObject(await readBody(req), contentType);
        const created = store.create(type, r.namespace, o, manager, writeOptions);
        deps.controllers.kick();
        return reply(201, created);
      }
      case 'PUT': {
        const o = parseObject(await readBody(req), contentType);
        const updated = store.replace(type, r.namespace, r.name ?? '', o, manager, writeOptions);
        deps.controllers.kick();
        return reply(200, updated);
      }
      case 'PATCH': {
        const text = await readBody(req);
        let result: KubeObject;
        if (contentType.startsWith('application/apply-patch')) {
          if (!q.get('fieldManager')) throw new ApiError(400, 'BadRequest', 'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch');
          const force = q.get('force') === 'true';
          result = store.apply(type, r.namespace, r.name ?? '', parseObject(text, 'yaml'), manager, force, writeOptions);
        } else if (contentType.startsWith('application/merge-patch+json') || contentType.startsWith('application/strategic-merge-patch+json')) {
          result = store.merge(type, r.namespace, r.name ?? '', stripDirectives(JSON.parse(text)), manager, writeOptions);
        } else throw new ApiError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml (got ${contentType})`);
        deps.controllers.kick();
        return reply(200, result);
      }
      case 'DELETE': {
        const text = await readBody(req);
        const options = text.trim() ? (JSON.parse(text) as { gracePeriodSeconds?: number; dryRun?: string[]; propagationPolicy?: string }) : {};
        if (r.name) return reply(200, deleteOne(r, q, options));
        const victims = store.list(type, r.namespace).filter(filter);
        for (const v of victims) deleteOne({ ...r, name: v.metadata.name }, q, options);
        return reply(200, { kind: `${type.kind}List`, apiVersion: groupVersionOf(type), metadata: { resourceVersion: String(store.currentVersion()) }, items: victims.map(clone) });
      }
      default:
        throw new ApiError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
    }
  };

  return (req: IncomingMessage, res: ServerResponse): void => {
    handle(req, res).catch((err: unknown) => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      if (err instanceof ApiError) send(res, err.code, err.status());
      else send(res, 500, new ApiError(500, 'InternalError', `Internal error occurred: ${(err as Error).message}`).status());
    });
  };
}
