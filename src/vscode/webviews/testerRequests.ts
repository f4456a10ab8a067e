// Sending the panel's request: build it (src/core/client/request), add the target's Authorization header, send
// it, keep it in history and answer with the result as the panel shows it. The last request sent is kept for
// the snippets' Copy and the load test, which repeat it exactly.
import { buildRequest, type HttpRequestSpec } from '../../core/client/request';
import { sendRequest, type ClientResponse } from '../../core/client/send';
import { generateSnippets } from '../../core/client/snippets';
import type { InputPayload, ResultView, TargetOption } from '../../protocol/tester';
import { payloadOf, storedInput, type TesterHistory } from './testerHistory';
import type { PostToWebview, TesterHostEnv, TesterOutcome, TesterServiceSource } from './testerHostEnv';
import type { TargetCatalogue } from './testerTargetCatalogue';
import { testInputOf } from './testerV2Images';

/** A request as it was sent: what the snippets and the load test repeat. */
export interface SentRequest {
  target: TargetOption;
  spec: HttpRequestSpec;
  authorization: string | undefined;
}

export interface RequestRunnerDeps {
  services: TesterServiceSource | undefined;
  env: TesterHostEnv;
  post: PostToWebview;
  targets: TargetCatalogue;
  history: TesterHistory;
}

/** One line for history: the top label, or the V2 outputs' shapes, or the error. */
function outcomeOf(res: ClientResponse): string | undefined {
  if (!res.ok) return res.errorMessage;
  const top = res.predictions?.[0]?.[0];
  if (top) return `${top.label} ${(top.probability * 100).toFixed(1)}%${(res.predictions?.length ?? 0) > 1 ? ` (+${(res.predictions?.length ?? 1) - 1} more)` : ''}`;
  const outputs = (res.json as { outputs?: Array<{ name?: unknown; shape?: unknown }> } | undefined)?.outputs;
  if (Array.isArray(outputs) && outputs.length > 0) {
    return outputs.map((o) => `${String(o.name)} [${Array.isArray(o.shape) ? o.shape.join(', ') : '?'}]`).join(', ');
  }
  return undefined;
}

function resultView(res: ClientResponse, spec: HttpRequestSpec, at: string, input: InputPayload): ResultView {
  return {
    requestId: res.requestId,
    at,
    summary: spec.summary,
    url: spec.url,
    status: res.status,
    statusText: res.statusText,
    ok: res.ok,
    totalMs: res.totalMs,
    serverMs: res.serverMs,
    headers: res.headers,
    contentType: res.contentType,
    body: res.body,
    bodyBytes: res.bodyBytes,
    truncated: res.truncated,
    errorMessage: res.errorMessage,
    predictions: res.predictions,
    imageNames: input.mode === 'image' ? input.images.map((i) => i.name) : undefined,
  };
}

export class RequestRunner {
  private inFlight: AbortController | undefined;
  private lastSent: SentRequest | undefined;
  private outcome: TesterOutcome | undefined;

  constructor(private readonly deps: RequestRunnerDeps) {}

  /** The last request sent, for the snippets and the load test. */
  get last(): SentRequest | undefined {
    return this.lastSent;
  }

  /** How the last request ended, if one was made. */
  get lastOutcome(): TesterOutcome | undefined {
    return this.outcome;
  }

  cancel(): void {
    this.inFlight?.abort();
  }

  /** Sends to the selected target; a request still in flight is cancelled first. */
  async send(input: InputPayload): Promise<void> {
    const { env, post, targets, history } = this.deps;
    const target = targets.target();
    if (!target) {
      this.fail('Pick a service or enter a scoring URI first.');
      return;
    }
    this.inFlight?.abort();
    const abort = new AbortController();
    this.inFlight = abort;
    const requestId = globalThis.crypto.randomUUID();
    let spec: HttpRequestSpec;
    let authorization: string | undefined;
    try {
      const testInput = await testInputOf(input, target, { services: this.deps.services, env, metadata: () => targets.metadataOf(target.key) });
      spec = buildRequest(testInput, { scoringUri: target.scoringUri, model: target.model });
      authorization = await targets.authorization(target);
    } catch (err) {
      this.fail((err as Error).message);
      return;
    }
    this.lastSent = { target, spec, authorization };
    post({ type: 'request/started', requestId, summary: spec.summary });
    const at = new Date().toISOString();
    const base = { id: requestId, at, targetLabel: target.label, targetKey: target.key, url: spec.url, summary: spec.summary, input: storedInput(input) };
    try {
      const res = await sendRequest(spec, { authorization, signal: abort.signal, requestId, fetch: env.fetch });
      env.log.info(`tester: POST ${spec.url} ${res.status} ${res.totalMs.toFixed(1)}ms [${res.requestId}]`);
      await history.add({ ...base, status: res.status, ok: res.ok, totalMs: res.totalMs, serverMs: res.serverMs, requestId: res.requestId, outcome: outcomeOf(res) });
      const result = resultView(res, spec, at, input);
      this.record({ ok: true, result });
      post({ type: 'request/finished', result, snippets: generateSnippets(spec, { authorization }) });
    } catch (err) {
      const cancelled = (err as Error).name === 'AbortError';
      const message = cancelled ? 'Cancelled.' : (err as Error).message;
      if (!cancelled) await history.add({ ...base, ok: false, requestId, outcome: message });
      this.fail(message, requestId);
    } finally {
      if (this.inFlight === abort) this.inFlight = undefined;
    }
    history.show();
  }

  /** Sends a history entry again, to its own target (selected first) when that still exists. */
  async rerun(id: string): Promise<void> {
    const { post, targets, history } = this.deps;
    const entry = history.get(id);
    if (!entry?.input) {
      post({ type: 'notice/show', level: 'error', message: 'This request was too large to keep, so it cannot be re-run.' });
      return;
    }
    if (targets.target(entry.targetKey) === undefined) await targets.refresh();
    if (targets.target(entry.targetKey) !== undefined && targets.selectedKey !== entry.targetKey) await targets.select(entry.targetKey);
    const input = payloadOf(entry.input);
    post({ type: 'input/load', input });
    await this.send(input);
  }

  private fail(message: string, requestId?: string): void {
    this.record({ ok: false, message, requestId });
    this.deps.post({ type: 'request/failed', message, requestId });
  }

  private record(outcome: TesterOutcome): void {
    this.outcome = outcome;
    this.deps.env.onOutcome?.(outcome);
  }
}
