// A contract double of Azure Resource Manager for what Modelport uses: subscriptions and resource groups (reads),
// and Microsoft.ContainerInstance at api-version 2023-05-01 as the official spec in ../shared/specs/aci describes it
// — container groups PUT/GET/DELETE/list (by subscription and resource group), start/stop/restart, container logs —
// with bearer tokens from the Entra double, role checks, ARM's error bodies and status codes, long-running
// operations through Azure-AsyncOperation (provisioningState Pending → Creating → Succeeded), and every request
// body validated against the spec's schemas.
//
// It runs what it is given: the image is pulled from its registry into the local engine and run with the group's
// environment (secure values through an owner-only env file), as root-less as ACI is — the engine is told that
// only root may bind ports below 1024, as in ACI — and its port 80 is published on a loopback address of its own
// (127.x.y.z) that stands for the group's public IP. `<label>.<region>.azurecontainer.io` resolves to it through
// a hosts file (nss_wrapper's NSS_WRAPPER_HOSTS in the processes that call it): the double plays Azure DNS too.
// Restart policy Always is the double's: a container that exits is started again and counted in restartCount.
// Exits are learnt from `docker wait` on each container the double starts (one waiting CLI per container), not by
// asking the engine about every group every second: on a shared Podman those inspections cost more CPU than the
// containers they watched.
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AciSpec } from './aciSpec';
import { docker, dockerOk, doubleLabel, inspectContainer, waitContainer } from './engine';
import type { EntraDouble } from './entraDouble';
import { startHttpsDouble, type DoubleReply, type DoubleRequest, type RunningDouble } from './httpsDouble';
import type { TestCa } from './testCa';

const armScope = 'https://management.azure.com/.default';
const groupType = 'Microsoft.ContainerInstance/containerGroups';

interface AciEvent {
  count: number;
  firstTimestamp: string;
  lastTimestamp: string;
  name: string;
  message: string;
  type: 'Normal' | 'Warning';
}

interface ContainerState {
  state: string;
  startTime?: string;
  finishTime?: string;
  exitCode?: number;
  detailStatus: string;
}

type Json = Record<string, unknown>;

interface Group {
  subscriptionId: string;
  resourceGroup: string;
  name: string;
  location: string;
  tags: Record<string, string>;
  /** The request's properties as sent (secure values and passwords kept here only, never in a response). */
  properties: Json;
  provisioningState: string;
  ip: string;
  fqdn: string | undefined;
  containerId: string | undefined;
  restartCount: number;
  currentState: ContainerState | undefined;
  previousState: ContainerState | undefined;
  events: AciEvent[];
  groupState: 'Pending' | 'Running' | 'Stopped';
  /** Bumped by each PUT, so a run superseded by a newer PUT stops. */
  revision: number;
  restarting: boolean;
  /** Bumped by each watch of the group's container: only the latest watch acts on an exit. */
  watchSeq: number;
  /** Provisioning runs, restarts and starts under way: a delete waits for them, so none leaves a container after it. */
  work: Set<Promise<unknown>>;
}

interface Operation {
  id: string;
  status: 'Pending' | 'Succeeded' | 'Failed';
  startTime: string;
  endTime?: string;
  error?: { code: string; message: string };
}

export interface ArmDoubleOptions {
  entra: EntraDouble;
  spec: AciSpec;
  /** The hosts file the double writes `<ip> <fqdn>` lines to (NSS_WRAPPER_HOSTS of the callers). */
  hostsFile: string;
  /** The engine's extra `docker run` arguments (CTR_RUN_NET_ARGS). */
  runArgs: string[];
  /** Regions where ACI is available; others answer LocationNotAvailableForResourceType. */
  locations?: string[];
  /** Cores per region per subscription (ACI's StandardCores quota). */
  coreQuota?: number;
}

const now = (): string => new Date().toISOString();

function armError(status: number, code: string, message: string, headers?: Record<string, string>): DoubleReply {
  return { status, body: { error: { code, message } }, ...(headers ? { headers } : {}) };
}

export class ArmDouble {
  readonly id = randomBytes(4).toString('hex');
  private readonly subscriptions = new Map<string, { displayName: string; resourceGroups: Map<string, { name: string; location: string }> }>();
  /** principal object id → scopes (lower case) it has Contributor on. */
  private readonly grants = new Map<string, Set<string>>();
  private readonly groups = new Map<string, Group>();
  private readonly operations = new Map<string, Operation>();
  private readonly hosts = new Map<string, string>();
  private readonly workDir = mkdtempSync(join(tmpdir(), 'modelport-arm-double-'));
  private running: RunningDouble | undefined;
  /** Requests whose body failed the spec: a test asserts this stays empty. */
  readonly specViolations: Array<{ path: string; problems: string[] }> = [];

  constructor(private readonly options: ArmDoubleOptions) {
    writeFileSync(options.hostsFile, '');
  }

  get origin(): string {
    if (!this.running) throw new Error('the ARM double is not started');
    return this.running.origin;
  }

  get requests(): DoubleRequest[] {
    return this.running?.requests ?? [];
  }

  async start(ca: TestCa): Promise<void> {
    this.running = await startHttpsDouble(ca, (req) => this.handle(req));
  }

  addSubscription(subscriptionId: string, displayName: string): void {
    this.subscriptions.set(subscriptionId.toLowerCase(), { displayName, resourceGroups: new Map() });
  }

  addResourceGroup(subscriptionId: string, name: string, location: string): void {
    this.subscriptions.get(subscriptionId.toLowerCase())?.resourceGroups.set(name.toLowerCase(), { name, location });
  }

  /** Contributor for a principal on a subscription (`/subscriptions/x`) or a resource group (`…/resourceGroups/y`). */
  grant(objectId: string, scope: string): void {
    const set = this.grants.get(objectId) ?? new Set<string>();
    set.add(scope.toLowerCase());
    this.grants.set(objectId, set);
  }

  /** The groups the double holds (as a test asserts on them), by `sub/rg/name`. */
  groupNames(): string[] {
    return [...this.groups.values()].map((g) => `${g.subscriptionId}/${g.resourceGroup}/${g.name}`);
  }

  /** A group as GET answers it (secure values left out), for tests. */
  view(subscriptionId: string, resourceGroup: string, name: string): Json | undefined {
    const g = this.groups.get(this.key(subscriptionId, resourceGroup, name));
    return g ? this.groupBody(g, true) : undefined;
  }

  containerOf(subscriptionId: string, resourceGroup: string, name: string): string | undefined {
    return this.groups.get(this.key(subscriptionId, resourceGroup, name))?.containerId;
  }

  async close(): Promise<void> {
    await this.running?.close();
    const ids = (await docker(['ps', '-a', '-q', '--filter', `label=${doubleLabel}=${this.id}`])).stdout.split('\n').filter(Boolean);
    if (ids.length > 0) await docker(['rm', '-f', ...ids]);
    rmSync(this.workDir, { recursive: true, force: true });
  }

  private key(sub: string, rg: string, name: string): string {
    return `${sub}/${rg}/${name}`.toLowerCase();
  }

  private groupKey(g: Group): string {
    return this.key(g.subscriptionId, g.resourceGroup, g.name);
  }

  private track<T>(g: Group, work: Promise<T>): Promise<T> {
    g.work.add(work);
    const done = (): void => void g.work.delete(work);
    work.then(done, done);
    return work;
  }

  private writeHosts(): void {
    writeFileSync(this.options.hostsFile, [...this.hosts.entries()].map(([fqdn, ip]) => `${ip} ${fqdn}\n`).join(''));
  }

  private authorized(objectId: string, sub: string, rg?: string): boolean {
    const scopes = this.grants.get(objectId);
    if (!scopes) return false;
    return scopes.has(`/subscriptions/${sub}`.toLowerCase()) || (rg !== undefined && scopes.has(`/subscriptions/${sub}/resourcegroups/${rg}`.toLowerCase()));
  }

  private async handle(req: DoubleRequest): Promise<DoubleReply> {
    const auth = req.headers.authorization;
    if (!auth) return armError(401, 'AuthenticationFailed', "Authentication failed. The 'Authorization' header is missing.");
    const issued = /^Bearer (.+)$/.exec(auth)?.[1];
    const token = issued ? this.options.entra.principalOf(issued) : undefined;
    if (!token) return armError(401, 'InvalidAuthenticationToken', 'The access token is invalid.');
    if (token.scope !== armScope) return armError(401, 'InvalidAuthenticationTokenAudience', `The access token has been obtained for wrong audience or resource '${token.scope.replace('/.default', '')}'. It should exactly match with one of the allowed audiences 'https://management.azure.com/'.`);
    const who = token.principal.objectId;
    const p = req.path;
    if (p === '/subscriptions' && req.method === 'GET') {
      const value = [...this.subscriptions.entries()]
        .filter(([id, s]) => this.authorized(who, id) || [...s.resourceGroups.keys()].some((rg) => this.authorized(who, id, rg)))
        .map(([id, s]) => ({ id: `/subscriptions/${id}`, subscriptionId: id, tenantId: this.options.entra.tenantId, displayName: s.displayName, state: 'Enabled' }));
      return { status: 200, body: { value } };
    }
    const m = /^\/subscriptions\/([^/]+)(?:\/resourcegroups(?:\/([^/]+)(?:\/providers\/Microsoft\.ContainerInstance\/containerGroups(?:\/([^/]+)(?:\/(restart|stop|start)|\/containers\/([^/]+)\/logs)?)?)?)?|\/providers\/Microsoft\.ContainerInstance\/(?:containerGroups|locations\/([^/]+)\/operations\/([^/]+)))?$/i.exec(p);
    if (!m) return armError(404, 'InvalidResourceType', `The resource type could not be found in the namespace for path '${p}'.`);
    const [, sub = '', rg, group, action, container, opLocation, opId] = m;
    const subscription = this.subscriptions.get(sub.toLowerCase());
    if (!subscription) return armError(404, 'SubscriptionNotFound', `The subscription '${sub}' could not be found.`);
    if (opId !== undefined) return this.operation(opLocation ?? '', opId);
    const isAci = /\/providers\/Microsoft\.ContainerInstance\//i.test(p);
    if (isAci && req.query.get('api-version') !== this.options.spec.apiVersion) {
      return armError(400, 'NoRegisteredProviderFound', `No registered resource provider found for location '${subscription.resourceGroups.get((rg ?? '').toLowerCase())?.location ?? 'global'}' and API version '${req.query.get('api-version') ?? ''}' for type 'containerGroups'. The supported api-versions are '${this.options.spec.apiVersion}'.`);
    }
    const action_ = `Microsoft.${isAci ? `ContainerInstance/containerGroups/${req.method === 'GET' ? 'read' : req.method === 'DELETE' ? 'delete' : action ? action + '/action' : 'write'}` : 'Resources/subscriptions/resourceGroups/read'}`;
    if (!this.authorized(who, sub, rg)) {
      if (rg === undefined && !isAci && req.method === 'GET') {
        // Listing resource groups with a grant on some of them only shows those.
        const value = [...subscription.resourceGroups.values()].filter((r) => this.authorized(who, sub, r.name)).map((r) => this.rgBody(sub, r));
        if (value.length > 0) return { status: 200, body: { value } };
      }
      return armError(403, 'AuthorizationFailed', `The client '${who}' with object id '${who}' does not have authorization to perform action '${action_}' over scope '${p}' or the scope is invalid. If access was recently granted, please refresh your credentials.`);
    }
    if (rg === undefined) {
      if (!isAci && !/\/resourcegroups$/i.test(p)) return { status: 200, body: { id: `/subscriptions/${sub}`, subscriptionId: sub, displayName: subscription.displayName, state: 'Enabled' } };
      if (isAci) return { status: 200, body: { value: [...this.groups.values()].filter((g) => g.subscriptionId.toLowerCase() === sub.toLowerCase()).map((g) => this.groupBody(g, false)) } };
      return { status: 200, body: { value: [...subscription.resourceGroups.values()].map((r) => this.rgBody(sub, r)) } };
    }
    const resourceGroup = subscription.resourceGroups.get(rg.toLowerCase());
    if (!resourceGroup) return armError(404, 'ResourceGroupNotFound', `Resource group '${rg}' could not be found.`);
    if (!isAci) return req.method === 'GET' ? { status: 200, body: this.rgBody(sub, resourceGroup) } : armError(405, 'MethodNotAllowed', 'The double reads resource groups only.');
    if (group === undefined) {
      return { status: 200, body: { value: [...this.groups.values()].filter((g) => g.subscriptionId.toLowerCase() === sub.toLowerCase() && g.resourceGroup.toLowerCase() === rg.toLowerCase()).map((g) => this.groupBody(g, false)) } };
    }
    const existing = this.groups.get(this.key(sub, rg, group));
    const notFound = (): DoubleReply => armError(404, 'ResourceNotFound', `The Resource '${groupType}/${group}' under resource group '${rg}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`);
    if (container !== undefined) {
      if (req.method !== 'GET') return armError(405, 'MethodNotAllowed', 'logs answers GET');
      if (!existing) return notFound();
      return this.logs(existing, container, req.query.get('tail'));
    }
    if (action !== undefined) {
      if (req.method !== 'POST') return armError(405, 'MethodNotAllowed', `${action} answers POST`);
      if (!existing) return notFound();
      return this.track(existing, this.groupAction(existing, action));
    }
    switch (req.method) {
      case 'GET':
        return existing ? { status: 200, body: this.groupBody(existing, true) } : notFound();
      case 'PUT':
        return this.put(sub, resourceGroup.name, group, req.body, existing);
      case 'DELETE':
        return existing ? this.remove(existing) : { status: 204 };
      default:
        return armError(405, 'MethodNotAllowed', `The double does not implement ${req.method} on container groups.`);
    }
  }

  private rgBody(sub: string, r: { name: string; location: string }): Json {
    return { id: `/subscriptions/${sub}/resourceGroups/${r.name}`, name: r.name, type: 'Microsoft.Resources/resourceGroups', location: r.location, properties: { provisioningState: 'Succeeded' } };
  }

  private operation(location: string, opId: string): DoubleReply {
    const op = this.operations.get(opId);
    if (!op) return armError(404, 'OperationNotFound', `The operation '${opId}' in location '${location}' was not found.`);
    return { status: 200, body: { id: op.id, name: opId, status: op.status, startTime: op.startTime, ...(op.endTime ? { endTime: op.endTime } : {}), ...(op.error ? { error: op.error } : {}) } };
  }

  private newOperation(g: Group): { op: Operation; headers: Record<string, string> } {
    const opId = randomUUID();
    const id = `/subscriptions/${g.subscriptionId}/providers/Microsoft.ContainerInstance/locations/${g.location}/operations/${opId}`;
    const op: Operation = { id, status: 'Pending', startTime: now() };
    this.operations.set(opId, op);
    return { op, headers: { 'azure-asyncoperation': `${this.origin}${id}?api-version=${this.options.spec.apiVersion}`, 'retry-after': '1' } };
  }

  private async put(sub: string, rg: string, name: string, text: string, existing: Group | undefined): Promise<DoubleReply> {
    let body: Json;
    try {
      body = JSON.parse(text) as Json;
    } catch (err) {
      return armError(400, 'InvalidRequestContent', `The request content was invalid and could not be deserialized: '${(err as Error).message}'.`);
    }
    const problems = this.options.spec.problems('ContainerGroup', body);
    if (problems.length > 0) {
      this.specViolations.push({ path: `${sub}/${rg}/${name}`, problems });
      return armError(400, 'InvalidRequestContent', `The request content was invalid: ${problems.join('; ')}`);
    }
    if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(name) || name.length > 63) {
      return armError(400, 'ContainerGroupNameInvalid', `The container group name '${name}' is invalid. A container group name must contain no more than 63 characters and must match the regex '[a-z0-9]([-a-z0-9]*[a-z0-9])?' (e.g. 'my-name').`);
    }
    const location = String(body.location ?? '').toLowerCase().replace(/\s+/g, '');
    const locations = this.options.locations ?? ['westeurope', 'northeurope', 'eastus', 'westus2'];
    if (!locations.includes(location)) {
      return armError(400, 'LocationNotAvailableForResourceType', `The provided location '${String(body.location ?? '')}' is not available for resource type '${groupType}'. List of available regions for the resource type is '${locations.join(',')}'.`);
    }
    if (existing && existing.location !== location) return armError(409, 'InvalidResourceLocation', `The resource '${name}' already exists in location '${existing.location}' in resource group '${rg}'. A resource with the same name cannot be created in location '${location}'. Please select a new resource name.`);
    const props = body.properties as Json;
    const containers = props.containers as Array<{ name: string; properties: Json }>;
    const first = containers[0];
    if (!first || containers.length !== 1) return armError(400, 'UnsupportedByDouble', 'The double runs container groups of exactly one container.');
    const ipAddress = props.ipAddress as Json | undefined;
    const label = typeof ipAddress?.dnsNameLabel === 'string' ? ipAddress.dnsNameLabel : undefined;
    const fqdn = label ? `${label}.${location}.azurecontainer.io` : undefined;
    if (fqdn) {
      const owner = [...this.groups.values()].find((g) => g.fqdn === fqdn && g !== existing);
      if (owner) return armError(400, 'DnsNameLabelAlreadyTaken', `The DNS name label '${label ?? ''}' in container group '${name}' is not available. Try using a different label.`);
    }
    const cores = (c: Json): number => Number(((c.resources as Json).requests as Json).cpu);
    const used = [...this.groups.values()].filter((g) => g !== existing && g.subscriptionId === sub && g.location === location).reduce((n, g) => n + cores((g.properties.containers as Array<{ properties: Json }>)[0]?.properties ?? { resources: { requests: { cpu: 0 } } }), 0);
    const quota = this.options.coreQuota ?? 10;
    if (used + cores(first.properties) > quota) {
      return armError(409, 'ContainerGroupQuotaReached', `Resource type '${groupType}' container group quota 'StandardCores' exceeded in region '${location}'. Limit: '${quota}', Usage: '${used}' Requested: '${cores(first.properties)}'.`);
    }
    const image = String(first.properties.image);
    if (!(await this.imageExists(image, props.imageRegistryCredentials))) {
      return armError(400, 'InaccessibleImage', `The image '${image}' in container group '${name}' is not accessible. Please check the image and registry credential.`);
    }
    const g: Group = existing ?? {
      subscriptionId: sub,
      resourceGroup: rg,
      name,
      location,
      tags: {},
      properties: props,
      provisioningState: 'Pending',
      ip: `127.${1 + Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}.${2 + Math.floor(Math.random() * 250)}`,
      fqdn,
      containerId: undefined,
      restartCount: 0,
      currentState: undefined,
      previousState: undefined,
      events: [],
      groupState: 'Pending',
      revision: 0,
      restarting: false,
      watchSeq: 0,
      work: new Set(),
    };
    g.tags = { ...((body.tags as Record<string, string> | undefined) ?? {}) };
    g.properties = props;
    g.provisioningState = 'Pending';
    g.groupState = 'Pending';
    g.fqdn = fqdn;
    g.revision += 1;
    this.groups.set(this.key(sub, rg, name), g);
    if (fqdn) this.hosts.set(fqdn, g.ip);
    this.writeHosts();
    const { op, headers } = this.newOperation(g);
    void this.track(g, this.run(g, g.revision, op));
    return { status: existing ? 200 : 201, body: this.groupBody(g, false), headers };
  }

  /** The registry answers HEAD for the manifest (what ACI checks before it accepts the group). */
  private async imageExists(image: string, credentials: unknown): Promise<boolean> {
    const slash = image.indexOf('/');
    const colon = image.lastIndexOf(':');
    if (slash <= 0 || colon <= slash) return false;
    const server = image.slice(0, slash);
    const plain = /^(127\.|localhost)/.test(server);
    const cred = Array.isArray(credentials) ? (credentials as Array<{ server?: string; username?: string; password?: string }>).find((c) => c.server === server) : undefined;
    const headers: Record<string, string> = { accept: 'application/vnd.oci.image.index.v1+json, application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json, application/vnd.docker.distribution.manifest.list.v2+json' };
    if (cred?.username && cred.password) headers.authorization = `Basic ${Buffer.from(`${cred.username}:${cred.password}`).toString('base64')}`;
    try {
      const res = await fetch(`${plain ? 'http' : 'https'}://${server}/v2/${image.slice(slash + 1, colon)}/manifests/${image.slice(colon + 1)}`, { method: 'HEAD', headers, signal: AbortSignal.timeout(15_000) });
      return res.ok;
    } catch {
      return false;
    }
  }

  private event(g: Group, name: string, message: string, type: 'Normal' | 'Warning' = 'Normal'): void {
    const last = g.events.at(-1);
    const t = now();
    if (last && last.name === name && last.message === message) {
      last.count += 1;
      last.lastTimestamp = t;
    } else g.events.push({ count: 1, firstTimestamp: t, lastTimestamp: t, name, message, type });
  }

  private containerName(g: Group): string {
    return `aci-double-${this.id}-${g.name}-${g.revision}`;
  }

  /** Provisions the group: stop what ran before, pull, run; the operation ends Succeeded or Failed. */
  private async run(g: Group, revision: number, op: Operation): Promise<void> {
    const fail = (code: string, message: string): void => {
      if (g.revision !== revision) return;
      g.provisioningState = 'Failed';
      op.status = 'Failed';
      op.endTime = now();
      op.error = { code, message };
    };
    try {
      await new Promise((r) => setTimeout(r, 300));
      g.provisioningState = 'Creating';
      if (g.containerId) {
        this.event(g, 'Killing', 'Killing container with id ' + g.containerId.slice(0, 12) + '.');
        g.watchSeq += 1; // its exit is this replacement, not a crash
        await docker(['rm', '-f', g.containerId]);
        g.containerId = undefined;
        g.previousState = g.currentState ? { ...g.currentState, state: 'Terminated', finishTime: now(), detailStatus: 'Killed' } : undefined;
        g.currentState = undefined;
      }
      const c = (g.properties.containers as Array<{ name: string; properties: Json }>)[0];
      if (!c) throw new Error('no container');
      const image = String(c.properties.image);
      g.currentState = { state: 'Waiting', detailStatus: 'Pulling' };
      this.event(g, 'Pulling', `pulling image "${image}"`);
      const pulled = await docker(['pull', image]);
      if (g.revision !== revision) return;
      if (pulled.code !== 0) {
        this.event(g, 'Failed', `Failed to pull image "${image}": ${pulled.stderr.trim().split('\n').at(-1) ?? ''}`, 'Warning');
        g.currentState = { state: 'Waiting', detailStatus: 'ErrImagePull' };
        fail('InaccessibleImage', `The image '${image}' in container group '${g.name}' is not accessible. Please check the image and registry credential.`);
        return;
      }
      this.event(g, 'Pulled', `Successfully pulled image "${image}"`);
      const envFile = join(this.workDir, `${g.name}-${revision}.env`);
      const env = (c.properties.environmentVariables as Array<{ name: string; value?: string; secureValue?: string }> | undefined) ?? [];
      writeFileSync(envFile, env.map((e) => `${e.name}=${e.secureValue ?? e.value ?? ''}`).join('\n') + '\n', { mode: 0o600 });
      const requests = (c.properties.resources as Json).requests as Json;
      const ports = ((c.properties.ports as Array<{ port: number }> | undefined) ?? []).map((p) => p.port);
      const args = [
        'run', '-d', '--init', '--name', this.containerName(g), '--label', `${doubleLabel}=${this.id}`, '--label', `${doubleLabel}.group=${this.groupKey(g)}`,
        // ACI lets only root bind ports below 1024; the engine's default would let anyone.
        '--sysctl', 'net.ipv4.ip_unprivileged_port_start=1024',
        '--memory', `${Math.round(Number(requests.memoryInGB) * 1024)}m`,
        '--env-file', envFile,
        ...ports.flatMap((port) => ['-p', `${g.ip}:${port}:${port}`]),
        ...this.options.runArgs,
        image,
        ...(((c.properties.command as string[] | undefined) ?? [])),
      ];
      const started = await docker(args);
      rmSync(envFile, { force: true });
      if (g.revision !== revision) {
        if (started.code === 0) await docker(['rm', '-f', started.stdout.trim()]);
        return;
      }
      if (started.code !== 0) {
        this.event(g, 'Failed', `Error: failed to start container: ${started.stderr.trim().split('\n').at(-1) ?? ''}`, 'Warning');
        fail('ContainerGroupDeploymentFailed', `The container group '${g.name}' could not be started.`);
        return;
      }
      g.containerId = started.stdout.trim().split('\n').at(-1);
      if (g.containerId) this.watch(g, g.containerId);
      g.currentState = { state: 'Running', startTime: now(), detailStatus: '' };
      this.event(g, 'Started', `Started container`);
      g.provisioningState = 'Succeeded';
      g.groupState = 'Running';
      op.status = 'Succeeded';
      op.endTime = now();
    } catch (err) {
      fail('InternalServerError', (err as Error).message);
    }
  }

  /** restartPolicy Always: when the running container `id` of the group exits, it is started again (with a back-off) and counted. */
  private watch(g: Group, id: string): void {
    const seq = ++g.watchSeq;
    const current = (): boolean => g.watchSeq === seq && g.containerId === id && !g.restarting && g.groupState === 'Running';
    void waitContainer(id).then(async () => {
      // A stop, a restart, a new PUT or a delete ended it (or a newer watch took over): not a crash.
      if (!current()) return;
      const facts = await inspectContainer(id);
      if (!facts || !current()) return;
      if (facts.running) return this.watch(g, id);
      g.restarting = true;
      g.previousState = { state: 'Terminated', startTime: facts.startedAt, finishTime: facts.finishedAt, exitCode: facts.exitCode, detailStatus: 'Error' };
      g.currentState = { state: 'Waiting', detailStatus: 'CrashLoopBackOff: Back-off restarting failed container' };
      this.event(g, 'BackOff', 'Back-off restarting failed container', 'Warning');
      setTimeout(() => {
        void this.track(g, (async () => {
          if (g.containerId === id && g.groupState === 'Running') {
            const r = await docker(['start', id]);
            if (r.code === 0 && g.containerId === id) {
              g.restartCount += 1;
              g.currentState = { state: 'Running', startTime: now(), detailStatus: '' };
              this.event(g, 'Started', 'Started container');
              this.watch(g, id);
            }
          }
          g.restarting = false;
        })());
      }, Math.min(1000 * 2 ** g.restartCount, 8000)).unref();
    });
  }

  private async groupAction(g: Group, action: string): Promise<DoubleReply> {
    if (action === 'stop') {
      g.groupState = 'Stopped';
      if (g.containerId) await docker(['stop', '-t', '10', g.containerId]);
      g.currentState = { state: 'Terminated', finishTime: now(), detailStatus: 'Stopped' };
      this.event(g, 'Killing', 'Stopping container');
      return { status: 204 };
    }
    if (action === 'restart') {
      const id = g.containerId;
      g.restarting = true;
      try {
        if (id) await dockerOk(['restart', '-t', '10', id]);
      } finally {
        g.restarting = false;
      }
      if (id && g.containerId === id) this.watch(g, id);
      g.groupState = 'Running';
      g.currentState = { state: 'Running', startTime: now(), detailStatus: '' };
      this.event(g, 'Started', 'Started container');
      return { status: 204 };
    }
    const { op, headers } = this.newOperation(g);
    const id = g.containerId;
    if (id) await docker(['start', id]);
    g.groupState = 'Running';
    if (id && g.containerId === id) this.watch(g, id);
    g.currentState = { state: 'Running', startTime: now(), detailStatus: '' };
    op.status = 'Succeeded';
    op.endTime = now();
    return { status: 202, headers };
  }

  private async remove(g: Group): Promise<DoubleReply> {
    const body = this.groupBody(g, false);
    g.revision += 1; // stops a provisioning run still under way
    g.groupState = 'Stopped'; // and a crash-loop restart not yet begun
    // As ACI, answer once the group's containers are gone: a provisioning run, restart or start under way finishes
    // first (a run that sees the newer revision removes what it started), then every container labelled with the
    // group goes, retried while the engine still lists one (a removal racing a start can fail).
    while (g.work.size > 0) await Promise.allSettled([...g.work]);
    for (let tries = 0; tries < 5; tries++) {
      const ids = (await docker(['ps', '-a', '-q', '--filter', `label=${doubleLabel}=${this.id}`, '--filter', `label=${doubleLabel}.group=${this.groupKey(g)}`])).stdout.split('\n').filter(Boolean);
      if (ids.length === 0) break;
      await docker(['rm', '-f', ...ids]);
    }
    g.containerId = undefined;
    this.groups.delete(this.groupKey(g));
    if (g.fqdn) this.hosts.delete(g.fqdn);
    this.writeHosts();
    return { status: 200, body };
  }

  private async logs(g: Group, container: string, tail: string | null): Promise<DoubleReply> {
    const c = (g.properties.containers as Array<{ name: string }>).find((x) => x.name === container);
    if (!c) return armError(404, 'ContainerNotFound', `The container '${container}' in container group '${g.name}' was not found.`);
    if (!g.containerId) return { status: 200, body: { content: '' } };
    const r = await docker(['logs', ...(tail !== null && /^\d+$/.test(tail) ? ['--tail', tail] : []), g.containerId], 60_000);
    return { status: 200, body: { content: r.stdout + r.stderr } };
  }

  /** What ARM answers: secure values and registry passwords never leave the service. */
  private groupBody(g: Group, withInstanceView: boolean): Json {
    const props = g.properties;
    const containers = (props.containers as Array<{ name: string; properties: Json }>).map((c) => ({
      name: c.name,
      properties: {
        ...c.properties,
        environmentVariables: ((c.properties.environmentVariables as Array<{ name: string; value?: string; secureValue?: string }> | undefined) ?? []).map((e) => (e.secureValue !== undefined ? { name: e.name } : { name: e.name, value: e.value })),
        ...(withInstanceView
          ? {
              instanceView: {
                restartCount: g.restartCount,
                ...(g.currentState ? { currentState: g.currentState } : {}),
                ...(g.previousState ? { previousState: g.previousState } : {}),
                events: g.events,
              },
            }
          : {}),
      },
    }));
    const ipAddress = props.ipAddress as Json | undefined;
    return {
      id: `/subscriptions/${g.subscriptionId}/resourceGroups/${g.resourceGroup}/providers/${groupType}/${g.name}`,
      name: g.name,
      type: groupType,
      location: g.location,
      tags: g.tags,
      properties: {
        ...props,
        sku: 'Standard',
        provisioningState: g.provisioningState,
        containers,
        imageRegistryCredentials: ((props.imageRegistryCredentials as Array<{ server: string; username?: string }> | undefined) ?? []).map((c) => ({ server: c.server, ...(c.username ? { username: c.username } : {}) })),
        ...(ipAddress ? { ipAddress: { ...ipAddress, ip: g.ip, ...(g.fqdn ? { fqdn: g.fqdn } : {}) } } : {}),
        ...(withInstanceView ? { instanceView: { state: g.groupState, events: [] } } : {}),
      },
    };
  }
}
