// The tester's request history, per workspace (src/core/client/history stores it): what the panel's list shows,
// the inputs kept for re-runs (image bytes as base64, since workspaceState holds JSON) and the way from an
// entry to the service's log lines of that request.
import { createHistoryStore, type HistoryEntry, type HistoryStore, type StoredInput } from '../../core/client/history';
import type { HistoryView, InputPayload } from '../../protocol/tester';
import type { PostToWebview, TesterHostEnv, TesterServiceSource } from './testerHostEnv';
import type { TargetCatalogue } from './testerTargetCatalogue';

function toBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

/** The input as history keeps it. */
export function storedInput(input: InputPayload): StoredInput {
  if (input.mode !== 'image') return input;
  return { mode: 'image', encoding: input.encoding, images: input.images.map((i) => ({ name: i.name, mime: i.mime, base64: toBase64(i.bytes) })) };
}

/** A kept input as the panel and the request runner take it again. */
export function payloadOf(input: StoredInput): InputPayload {
  if (input.mode !== 'image') return input;
  return { mode: 'image', encoding: input.encoding, images: input.images.map((i) => ({ name: i.name, mime: i.mime, bytes: new Uint8Array(Buffer.from(i.base64, 'base64')) })) };
}

/** An entry as the panel shows it: no URL, target key or input, only whether it can run again. */
function historyView(e: HistoryEntry): HistoryView {
  return {
    id: e.id,
    at: e.at,
    targetLabel: e.targetLabel,
    summary: e.summary,
    status: e.status,
    ok: e.ok,
    totalMs: e.totalMs,
    serverMs: e.serverMs,
    requestId: e.requestId,
    outcome: e.outcome,
    rerunnable: e.input !== undefined,
  };
}

export class TesterHistory {
  private readonly store: HistoryStore;

  constructor(
    env: TesterHostEnv,
    private readonly post: PostToWebview,
    private readonly targets: TargetCatalogue,
    private readonly services: TesterServiceSource | undefined,
  ) {
    this.store = createHistoryStore(env.state);
  }

  views(): HistoryView[] {
    return this.store.list().map(historyView);
  }

  /** Sends the list to the panel. */
  show(): void {
    this.post({ type: 'history/update', entries: this.views() });
  }

  get(id: string): HistoryEntry | undefined {
    return this.store.get(id);
  }

  add(entry: HistoryEntry): Promise<void> {
    return this.store.add(entry);
  }

  async remove(id: string): Promise<void> {
    await this.store.remove(id);
    this.show();
  }

  async clear(): Promise<void> {
    await this.store.clear();
    this.show();
  }

  /** Opens the service's log at the entry's request; for URLs (whose log we cannot read) says what to look for. */
  async showLog(id: string): Promise<void> {
    const entry = this.store.get(id);
    const target = entry ? this.targets.target(entry.targetKey) : undefined;
    if (!entry?.requestId || target?.kind !== 'service' || !this.services?.showRequestLog) {
      this.post({ type: 'notice/show', level: 'info', message: `Request id ${entry?.requestId ?? '?'}: search the service's log for it.` });
      return;
    }
    await this.services.showRequestLog(target.label, entry.requestId);
  }
}
