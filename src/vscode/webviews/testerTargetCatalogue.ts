// The tester's targets and which one is selected: the deployed services, plus scoring URIs the user typed
// (kept per workspace, each with an optional key in secret storage). It also answers what the Authorization
// header of a target is, so that keys stay on the host: the webview only learns whether one is set.
import { checkScoringUri, v2ModelName } from '../../core/client/endpoint';
import type { V2ModelMetadata } from '../../core/client/examples';
import type { TargetOption } from '../../protocol/tester';
import type { PostToWebview, TesterHostEnv, TesterService, TesterServiceSource } from './testerHostEnv';
import { TargetInfoCache } from './testerTargetInfo';

interface CustomTarget {
  url: string;
  model?: string;
}

const customTargetsKey = 'modelport.tester.customTargets';
const selectedKey = 'modelport.tester.selected';
const secretKey = (scoringUri: string): string => `modelport.tester.key:${scoringUri}`;

export class TargetCatalogue {
  private targets: TargetOption[] = [];
  private selected: string | undefined;
  private readonly infos: TargetInfoCache;

  constructor(
    private readonly services: TesterServiceSource | undefined,
    private readonly env: TesterHostEnv,
    private readonly post: PostToWebview,
  ) {
    this.infos = new TargetInfoCache(env);
    const stored = env.state.get(selectedKey);
    this.selected = typeof stored === 'string' ? stored : undefined;
  }

  get list(): TargetOption[] {
    return this.targets;
  }

  get selectedKey(): string | undefined {
    return this.selected;
  }

  /** A target by key, the selected one by default; undefined when it is gone. */
  target(key = this.selected): TargetOption | undefined {
    return this.targets.find((t) => t.key === key);
  }

  /** The V2 signature of a target, once its info was read. */
  metadataOf(key: string): V2ModelMetadata | undefined {
    return this.infos.metadataOf(key);
  }

  /** Lists the services (a failure is logged: the custom URLs still show) and the custom URLs again. */
  async refresh(): Promise<void> {
    let services: TesterService[] = [];
    try {
      services = (await this.services?.list()) ?? [];
    } catch (err) {
      this.env.log.warn(`tester: could not list services: ${(err as Error).message}`);
    }
    const fromServices: TargetOption[] = services.map((s) => ({
      key: `service:${s.name}`,
      kind: 'service',
      label: s.name,
      scoringUri: s.scoringUri,
      authMode: s.authMode,
      state: s.state,
      model: s.models[0] ? v2ModelName(s.models[0]) : undefined,
    }));
    const custom: TargetOption[] = await Promise.all(
      this.customTargets().map(async (t): Promise<TargetOption> => ({
        key: `url:${t.url}`,
        kind: 'url',
        label: new URL(t.url).host + new URL(t.url).pathname,
        scoringUri: t.url,
        authMode: (await this.env.secrets.get(secretKey(t.url))) ? 'key' : 'none',
        model: t.model,
      })),
    );
    this.targets = [...fromServices, ...custom];
    if (this.selected && !this.targets.some((t) => t.key === this.selected)) this.selected = undefined;
    this.selected ??= this.targets[0]?.key;
  }

  /** The Refresh button: the list (posted to the panel), and the selected target's info read anew. */
  async reload(): Promise<void> {
    await this.refreshAndPost();
    if (this.selected) await this.showInfo(this.selected, true);
  }

  /**
   * The workspace's services changed (a deploy, an update, a delete, a state): the panel gets the new list. A
   * selected service that is gone is said so, and the panel moves to another target rather than keep it.
   */
  async refreshAndPost(): Promise<void> {
    const before = this.target();
    await this.refresh();
    this.post({ type: 'targets/update', targets: this.targets, selectedKey: this.selected });
    if (before && !this.target(before.key)) {
      this.post({ type: 'notice/show', level: 'info', message: `${before.label} is not deployed any more${this.selected ? `; now testing ${this.target()?.label ?? ''}` : ''}.` });
      if (this.selected) await this.showInfo(this.selected, false);
    }
  }

  async select(key: string): Promise<void> {
    if (!this.targets.some((t) => t.key === key)) await this.refresh();
    if (!this.targets.some((t) => t.key === key)) {
      this.post({ type: 'notice/show', level: 'error', message: `There is no target '${key.replace(/^\w+:/, '')}' any more. Pick another one.` });
      return;
    }
    this.selected = key;
    await this.env.state.update(selectedKey, key);
    this.post({ type: 'targets/update', targets: this.targets, selectedKey: key });
    await this.showInfo(key, false);
  }

  /** Adds (or moves to the top) a scoring URI the user typed, and selects it; the 20 most recent are kept. */
  async addCustom(url: string, model: string | undefined): Promise<void> {
    const scoringUri = checkScoringUri(url);
    const list = this.customTargets().filter((t) => t.url !== scoringUri);
    await this.env.state.update(customTargetsKey, [{ url: scoringUri, model: model?.trim() || undefined }, ...list].slice(0, 20));
    this.infos.forget(`url:${scoringUri}`);
    await this.refresh();
    await this.select(`url:${scoringUri}`);
  }

  /** The header a request to the target carries: the service's own credentials, or the key set for a URL. */
  async authorization(target: TargetOption): Promise<string | undefined> {
    if (target.kind === 'service') return target.authMode === 'none' ? undefined : await this.services?.authorization(target.label);
    const key = await this.env.secrets.get(secretKey(target.scoringUri));
    return key ? `Bearer ${key}` : undefined;
  }

  async setKey(): Promise<void> {
    const target = this.target();
    if (!target) return;
    if (target.kind === 'service') {
      this.post({ type: 'notice/show', level: 'info', message: `${target.label} uses the keys Modelport keeps for it; nothing to set.` });
      return;
    }
    const value = (await this.env.promptKey(target.label))?.trim().replace(/^Bearer\s+/i, '');
    if (!value) return;
    await this.env.secrets.store(secretKey(target.scoringUri), value);
    await this.keyChanged(target);
  }

  async clearKey(): Promise<void> {
    const target = this.target();
    if (!target || target.kind !== 'url') return;
    await this.env.secrets.delete(secretKey(target.scoringUri));
    await this.keyChanged(target);
  }

  /** Sends the target's info: the cached one unless `force`; a fresh one only while the target is selected. */
  async showInfo(key: string, force: boolean): Promise<void> {
    const target = this.target(key);
    if (!target) return;
    const cached = this.infos.cached(key);
    if (cached && !force) {
      this.post({ type: 'target/info', info: cached });
      return;
    }
    const info = await this.infos.read(target, await this.authorization(target).catch(() => undefined));
    if (this.selected === key) this.post({ type: 'target/info', info });
  }

  /** A URL's key was set or forgotten: its auth badge and its V2 signature (read with the key) change. */
  private async keyChanged(target: TargetOption): Promise<void> {
    await this.refresh();
    this.post({ type: 'targets/update', targets: this.targets, selectedKey: this.selected });
    await this.showInfo(target.key, true);
  }

  private customTargets(): CustomTarget[] {
    const raw = this.env.state.get(customTargetsKey);
    return Array.isArray(raw) ? (raw as CustomTarget[]).filter((t) => typeof t?.url === 'string') : [];
  }
}
