// Where services live in the workspace: services/<name>/ with the record (service.json), the credentials
// (keys.json, owner-only), what the running host reports (host.json) and the log (service.log). Every file
// is replaced atomically, so a reader never sees half of one.
import { mkdir, readFile, readdir, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { secretsDirOf } from './secretsDir';
import { z } from 'zod';
import { writeFileAtomic } from '../fs/atomicWrite';
import { BadRequestError, ConfigError, ConflictError, NotFoundError, errorMessage } from '../errors';
import { migrateRecord, serviceRecordSchema, type ServiceRecord } from './serviceRecord';
import type { ServiceKeys, ServiceState } from './types';

/** Azure's rule for service names: 3 to 32 characters, lower-case letters, digits and dashes, starting with a letter. */
export const SERVICE_NAME_PATTERN = /^[a-z][a-z0-9-]{1,30}[a-z0-9]$/;

export function validateServiceName(name: string): string {
  if (!SERVICE_NAME_PATTERN.test(name)) {
    throw new BadRequestError(`Service name '${name}' is not valid: use 3 to 32 lower-case letters, digits and dashes, starting with a letter and ending with a letter or digit.`);
  }
  return name;
}

const hostStateSchema = z.object({
  pid: z.number().int(),
  port: z.number().int(),
  state: z.enum(['Transitioning', 'Healthy', 'Unhealthy', 'Failed', 'Stopped']),
  detail: z.string().optional(),
  /** The generation of the record the serving instance runs. */
  generation: z.number().int(),
  instancePid: z.number().int().optional(),
  /** The serving instance's container, for container targets. */
  instanceContainer: z.string().optional(),
  /** The loopback port of the serving instance's Node inspector, when the service runs under it. */
  debugPort: z.number().int().optional(),
  updatedTime: z.string(),
  /** The generation the host is starting beside the serving one, while it does. */
  updating: z.number().int().optional(),
  /** The outcome of the most recent update the host was asked to make. */
  lastUpdate: z.object({ generation: z.number().int(), outcome: z.enum(['succeeded', 'failed']), reason: z.string().optional() }).optional(),
});

/** A change on its way: the record an update wants to reach, and the process making it. */
const pendingSchema = z.object({ writerPid: z.number().int(), startedTime: z.string(), record: serviceRecordSchema });
export type PendingRecord = z.output<typeof pendingSchema>;

const keysSchema = z.object({ primaryKey: z.string(), secondaryKey: z.string(), tokenSecret: z.string() });

export type HostState = z.output<typeof hostStateSchema>;
export type StoredKeys = z.output<typeof keysSchema>;

/** The name is taken: callers say how to update, replace (deploy --overwrite) or delete it. */
export class ServiceExistsError extends ConflictError {
  constructor(readonly service: string) {
    super(`A service named '${service}' already exists.`);
    this.name = 'ServiceExistsError';
  }
}

export class ServiceStore {
  constructor(readonly workspaceDir: string) {}

  get servicesDir(): string {
    return join(this.workspaceDir, 'services');
  }
  dir(name: string): string {
    return join(this.servicesDir, name);
  }
  recordFile(name: string): string {
    return join(this.dir(name), 'service.json');
  }
  hostFile(name: string): string {
    return join(this.dir(name), 'host.json');
  }
  /** Credentials live outside the workspace (secretsDir.ts), so committing the workspace never commits them. */
  keysFile(name: string): string {
    return join(secretsDirOf(this.workspaceDir), 'services', name, 'keys.json');
  }
  /** Where Modelport 0.1 kept them, inside the workspace: moved out on first read. */
  legacyKeysFile(name: string): string {
    return join(this.dir(name), 'keys.json');
  }
  logFile(name: string): string {
    return join(this.dir(name), 'service.log');
  }
  /** Touched just before a host is started: until the host reports in host.json, its mtime says one may be starting. */
  hostStartingFile(name: string): string {
    return join(this.dir(name), 'host.starting');
  }
  /** The record an update is moving to; service.json changes only once that generation serves. */
  pendingFile(name: string): string {
    return join(this.dir(name), 'service.pending.json');
  }

  async names(): Promise<string[]> {
    try {
      const entries = await readdir(this.servicesDir, { withFileTypes: true });
      return entries.filter((e) => e.isDirectory() && SERVICE_NAME_PATTERN.test(e.name)).map((e) => e.name).sort();
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
  }

  /** Claims the name: fails if a service of that name exists (mkdir is atomic across processes). */
  async create(name: string): Promise<void> {
    await mkdir(this.servicesDir, { recursive: true });
    try {
      await mkdir(this.dir(name));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST' && (await this.abandonedClaim(name))) {
        await this.remove(name);
        return this.create(name);
      }
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') {
        throw new ServiceExistsError(name);
      }
      throw err;
    }
  }

  /**
   * A folder without a record, older than a deploy needs to write one (milliseconds), was left by a deploy that
   * was killed right after claiming the name: the name is free again.
   */
  private async abandonedClaim(name: string): Promise<boolean> {
    try {
      await stat(this.recordFile(name));
      return false;
    } catch {
      const info = await stat(this.dir(name)).catch(() => undefined);
      return info !== undefined && Date.now() - info.mtimeMs > 30_000;
    }
  }

  private async readJson<T>(file: string, schema: z.ZodType<T>, what: string, migrate: (json: unknown) => unknown = (json) => json): Promise<T | undefined> {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (err) {
      throw new ConfigError(`The ${what} ${file} is not valid JSON (${errorMessage(err)}). Fix or delete the file.`, file);
    }
    const parsed = schema.safeParse(migrate(json));
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new ConfigError(`The ${what} ${file} is invalid at /${issue?.path.join('/') ?? ''}: ${issue?.message ?? 'invalid'}.`, file);
    }
    return parsed.data;
  }

  /** The record, brought to today's layout when an earlier version of Modelport wrote it. */
  async readRecord(name: string): Promise<ServiceRecord> {
    const record = await this.readJson(this.recordFile(name), serviceRecordSchema, 'service record', migrateRecord);
    if (!record) throw new NotFoundError(`There is no service named '${name}'. Run 'modelport service list' to see the services.`);
    return record;
  }

  async writeRecord(record: ServiceRecord): Promise<void> {
    // Owner-only: the record holds the inference config's environment variables, which may be secrets.
    await writeFileAtomic(this.recordFile(record.name), JSON.stringify(record, null, 2) + '\n', 0o600);
  }

  readPending(name: string): Promise<PendingRecord | undefined> {
    return this.readJson(this.pendingFile(name), pendingSchema, 'pending update', (json) =>
      typeof json === 'object' && json !== null && 'record' in json ? { ...json, record: migrateRecord((json as { record: unknown }).record) } : json,
    ).catch((err: unknown) => {
      // A damaged pending file describes nothing that runs: it is dropped, never trusted.
      if (err instanceof ConfigError) return undefined;
      throw err;
    });
  }

  async writePending(pending: PendingRecord): Promise<void> {
    await writeFileAtomic(this.pendingFile(pending.record.name), JSON.stringify(pending, null, 2) + '\n', 0o600);
  }

  async removePending(name: string, generation?: number): Promise<void> {
    if (generation !== undefined && (await this.readPending(name))?.record.generation !== generation) return;
    await rm(this.pendingFile(name), { force: true });
  }

  readHostState(name: string): Promise<HostState | undefined> {
    return this.readJson(this.hostFile(name), hostStateSchema, 'host state');
  }

  async writeHostState(name: string, state: HostState): Promise<void> {
    await writeFileAtomic(this.hostFile(name), JSON.stringify(state, null, 2) + '\n');
  }

  async readKeys(name: string): Promise<StoredKeys> {
    let keys = await this.readJson(this.keysFile(name), keysSchema, 'keys file');
    if (!keys) {
      keys = await this.readJson(this.legacyKeysFile(name), keysSchema, 'keys file');
      if (keys) {
        await this.writeKeys(name, keys);
        await rm(this.legacyKeysFile(name), { force: true });
      }
    }
    if (!keys) throw new NotFoundError(`Service '${name}' has no keys file.`);
    return keys;
  }

  /** Readable and writable by the owner alone. */
  async writeKeys(name: string, keys: StoredKeys): Promise<void> {
    await mkdir(dirname(this.keysFile(name)), { recursive: true, mode: 0o700 });
    await writeFileAtomic(this.keysFile(name), JSON.stringify(keys, null, 2) + '\n', 0o600);
  }

  async exists(name: string): Promise<boolean> {
    return (await this.names()).includes(name);
  }

  async remove(name: string): Promise<void> {
    await rm(this.dir(name), { recursive: true, force: true });
    await rm(dirname(this.keysFile(name)), { recursive: true, force: true });
  }
}

/**
 * The services whose record names `name:version`. A record that cannot be read might be one of them, so it
 * stops the answer with an error naming the file rather than being skipped.
 */
export async function servicesUsing(store: ServiceStore, modelRef: string): Promise<string[]> {
  const users: string[] = [];
  for (const name of await store.names()) {
    let record: ServiceRecord;
    try {
      record = await store.readRecord(name);
    } catch (err) {
      if (err instanceof ConfigError) {
        throw new ConfigError(`Cannot tell which models service '${name}' uses: ${err.message}`, err.file, err.location);
      }
      if (err instanceof NotFoundError) continue; // a service being created or removed
      throw err;
    }
    if (record.models.includes(modelRef)) users.push(name);
  }
  return users;
}

export function publicKeys(keys: StoredKeys): ServiceKeys {
  return { primaryKey: keys.primaryKey, secondaryKey: keys.secondaryKey };
}

export type { ServiceState };
