// Fakes for command-flow tests: a Ui that answers from a script, an in-memory ServiceLifecycle, a Map of
// secrets. The real ModelRegistry is used on a temp folder: it is fast and has no VS Code in it.
import type { Log } from '../../../src/vscode/logging';
import type { CommandDeps, ModelportWorkspace, Settings } from '../../../src/vscode/common/deps';
import type { PickItem, Ui } from '../../../src/vscode/common/ui';
import type { AttachConfiguration } from '../../../src/core/docker/debugConfig';
import type { PythonAttachConfiguration } from '../../../src/core/python/debugConfig';
import type { DeployRequest, ServiceLifecycle, ServiceStatus, ServiceKeys } from '../../../src/core/services/types';
import { NotFoundError } from '../../../src/core/errors';

export interface UiCall {
  kind: string;
  title?: string;
  message?: string;
  labels?: string[];
}

/** Answers are consumed in order; a pick answer is the label of the item to choose (undefined = dismiss). */
export class ScriptedUi implements Ui {
  readonly calls: UiCall[] = [];
  readonly clipboard: string[] = [];
  readonly opened: string[] = [];
  readonly debugSessions: AttachConfiguration[] = [];
  readonly pythonDebugSessions: PythonAttachConfiguration[] = [];
  /** What startDebugging answers (VS Code says false when it could not start the session). */
  debugStarts = true;
  constructor(private readonly answers: Array<string | boolean | undefined> = []) {}
  private next(): string | boolean | undefined {
    return this.answers.shift();
  }
  async pick<T>(items: ReadonlyArray<PickItem<T>>, options: { title: string }): Promise<T | undefined> {
    this.calls.push({ kind: 'pick', title: options.title, labels: items.map((i) => i.label) });
    const answer = this.next();
    if (answer === undefined) return undefined;
    const item = items.find((i) => i.label === answer);
    if (!item) throw new Error(`no item "${String(answer)}" among ${items.map((i) => i.label).join(', ')}`);
    return item.value;
  }
  async input(options: { title: string; value?: string; validate?: (v: string) => string | undefined }): Promise<string | undefined> {
    this.calls.push({ kind: 'input', title: options.title, message: options.value });
    const answer = this.next();
    if (answer === undefined) return undefined;
    const value = answer === true ? (options.value ?? '') : String(answer);
    const problem = options.validate?.(value);
    if (problem) throw new Error(`input refused: ${problem}`);
    return value;
  }
  async pickFile(options: { title: string }): Promise<string | undefined> {
    this.calls.push({ kind: 'pickFile', title: options.title });
    const answer = this.next();
    return typeof answer === 'string' ? answer : undefined;
  }
  async info(message: string, ...buttons: string[]): Promise<string | undefined> {
    this.calls.push({ kind: 'info', message, labels: buttons });
    return undefined;
  }
  async confirm(message: string): Promise<boolean> {
    this.calls.push({ kind: 'confirm', message });
    return this.next() === true;
  }
  async error(message: string, ...buttons: string[]): Promise<string | undefined> {
    this.calls.push({ kind: 'error', message, labels: buttons });
    return undefined;
  }
  async progress<T>(title: string, task: (p: { report(m: string): void }, s: AbortSignal) => Promise<T>): Promise<T> {
    this.calls.push({ kind: 'progress', title });
    return task({ report: (m) => this.calls.push({ kind: 'report', message: m }) }, new AbortController().signal);
  }
  async copy(text: string): Promise<void> {
    this.clipboard.push(text);
  }
  async openExternal(url: string): Promise<void> {
    this.opened.push(url);
  }
  async openFile(path: string): Promise<void> {
    this.opened.push(path);
  }
  async showText(): Promise<void> {}
  async revealInExplorer(path: string): Promise<void> {
    this.opened.push(path);
  }
  async startDebugging(config: AttachConfiguration | PythonAttachConfiguration): Promise<boolean> {
    this.calls.push({ kind: 'startDebugging', title: config.name });
    if (config.type === 'debugpy') this.pythonDebugSessions.push(config);
    else this.debugSessions.push(config);
    return this.debugStarts;
  }
}

export class MemoryLog implements Log {
  readonly lines: string[] = [];
  trace(m: string): void { this.lines.push(`trace ${m}`); }
  debug(m: string): void { this.lines.push(`debug ${m}`); }
  info(m: string): void { this.lines.push(`info ${m}`); }
  warn(m: string): void { this.lines.push(`warn ${m}`); }
  error(m: string | Error): void { this.lines.push(`error ${String(m)}`); }
  show(): void { this.lines.push('show'); }
}

/** Services in memory: deploy makes them Healthy at a made-up URI. */
export class FakeServices implements ServiceLifecycle {
  readonly services = new Map<string, ServiceStatus>();
  keyCalls = 0;
  readonly requests: DeployRequest[] = [];
  readonly updates: Array<{ name: string; changes: Partial<DeployRequest> }> = [];
  /** The next deploy or update fails with this error (a missing engine, a build failure…). */
  failNext: Error | undefined;
  async deploy(request: DeployRequest, options?: { onProgress?: (l: string) => void }): Promise<ServiceStatus> {
    this.requests.push(request);
    options?.onProgress?.('Starting');
    const failure = this.failNext;
    this.failNext = undefined;
    if (failure) throw failure;
    const now = new Date(0).toISOString();
    const target: ServiceStatus['target'] = request.computeType === 'docker' ? { kind: 'docker', port: 5001, image: { buildArgs: {} }, runArgs: [] } : { kind: 'local', port: 5001 };
    const status: ServiceStatus = {
      name: request.name, computeType: target.kind, target, updateStrategy: 'swap', models: request.models, entryScript: request.entryScript, sourceDir: request.sourceDir,
      authMode: request.authMode ?? 'none', corsOrigins: [], timeoutMs: 60000,
      scoringUri: `http://127.0.0.1:5001/score`, swaggerUri: `http://127.0.0.1:5001/swagger.json`,
      createdTime: now, updatedTime: now, generation: 1, state: 'Healthy', detail: undefined,
      ...(request.debug ? { debug: true, debugPort: 9330 } : {}),
    };
    this.services.set(request.name, status);
    return status;
  }
  async update(name: string, changes: Partial<DeployRequest>): Promise<ServiceStatus> {
    this.updates.push({ name, changes });
    const s = await this.get(name);
    const next = { ...s, ...(changes.models ? { models: changes.models } : {}), generation: s.generation + 1, ...(s.debug ? { debugPort: 9330 + s.generation } : {}) };
    this.services.set(name, next);
    return next;
  }
  async list(): Promise<{ services: ServiceStatus[]; problems: [] }> {
    return { services: [...this.services.values()], problems: [] };
  }
  async get(name: string): Promise<ServiceStatus> {
    const s = this.services.get(name);
    if (!s) throw new NotFoundError(`Service ${name} does not exist.`);
    return s;
  }
  async *logs(): AsyncIterable<string> {
    yield 'line';
  }
  async delete(name: string): Promise<void> {
    await this.get(name);
    this.services.delete(name);
  }
  async stop(name: string): Promise<ServiceStatus> {
    const next: ServiceStatus = { ...(await this.get(name)), state: 'Stopped' };
    this.services.set(name, next);
    return next;
  }
  async start(name: string): Promise<ServiceStatus> {
    const next: ServiceStatus = { ...(await this.get(name)), state: 'Healthy' };
    this.services.set(name, next);
    return next;
  }
  async keys(): Promise<ServiceKeys> {
    this.keyCalls++;
    return { primaryKey: 'pk-1', secondaryKey: 'sk-1' };
  }
  async regenerateKey(_name: string, which: 'primary' | 'secondary'): Promise<ServiceKeys> {
    return which === 'primary' ? { primaryKey: 'pk-2', secondaryKey: 'sk-1' } : { primaryKey: 'pk-1', secondaryKey: 'sk-2' };
  }
  async token(): Promise<{ accessToken: string; expiryOn: string }> {
    return { accessToken: 'tok', expiryOn: new Date(Date.now() + 3600_000).toISOString() };
  }
  async servicesUsing(ref: string): Promise<string[]> {
    return [...this.services.values()].filter((s) => s.models.includes(ref)).map((s) => s.name);
  }
}

export function makeDeps(ws: ModelportWorkspace, ui: ScriptedUi, overrides: Partial<Settings> = {}): CommandDeps & { log: MemoryLog; secretMap: Map<string, string>; refreshes: number; commands: unknown[][] } {
  const secretMap = new Map<string, string>();
  const deps = {
    ui,
    log: new MemoryLog(),
    settings: (): Settings => ({ workspaceFolder: '.modelport', defaultTarget: 'local', defaultAuthMode: 'none', dockerRunArgs: [], kubernetesRegistry: '', ...overrides }),
    workspace: () => ws,
    secrets: {
      get: async (k: string) => secretMap.get(k),
      store: async (k: string, v: string) => void secretMap.set(k, v),
      delete: async (k: string) => void secretMap.delete(k),
    },
    serviceLogs: { show: async () => undefined, forget: () => undefined },
    refreshes: 0,
    refresh: () => {
      deps.refreshes++;
    },
    commands: [] as unknown[][],
    runCommand: async (...args: unknown[]) => {
      deps.commands.push(args);
      return undefined;
    },
    extensionDir: process.cwd(),
    secretMap,
  };
  return deps;
}
