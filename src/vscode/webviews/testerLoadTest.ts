// The load test: repeats the last request sent (same body, same Authorization) at a bounded concurrency and
// for a bounded time (src/core/client/loadTest), streaming progress to the panel. One runs at a time.
import { formatLoadTestSummary, runLoadTest } from '../../core/client/loadTest';
import { sendRequest } from '../../core/client/send';
import type { PostToWebview, TesterHostEnv } from './testerHostEnv';
import type { SentRequest } from './testerRequests';

export class LoadTestRunner {
  private running: AbortController | undefined;

  constructor(
    private readonly env: TesterHostEnv,
    private readonly post: PostToWebview,
    /** The request to repeat, read when a test starts. */
    private readonly lastRequest: () => SentRequest | undefined,
  ) {}

  async start(requests: number, concurrency: number, maxDurationS: number): Promise<void> {
    const last = this.lastRequest();
    if (!last) {
      this.post({ type: 'loadtest/failed', message: 'Send one request first: the load test repeats the last request.' });
      return;
    }
    if (this.running) {
      this.post({ type: 'loadtest/failed', message: 'A load test is already running.' });
      return;
    }
    const abort = new AbortController();
    this.running = abort;
    this.env.log.info(`tester: load test of ${last.spec.url}: ${requests} requests at concurrency ${concurrency}, at most ${maxDurationS}s`);
    try {
      const summary = await runLoadTest({
        requests,
        concurrency,
        maxDurationMs: maxDurationS * 1000,
        signal: abort.signal,
        onProgress: (progress) => this.post({ type: 'loadtest/progress', progress }),
        // Only the status counts: little of each body is kept.
        send: async (signal) => (await sendRequest(last.spec, { authorization: last.authorization, signal, maxBodyBytes: 4096, fetch: this.env.fetch })).status,
      });
      this.post({ type: 'loadtest/finished', summary, text: formatLoadTestSummary(summary, `${last.target.label} (${last.spec.summary})`) });
    } catch (err) {
      this.post({ type: 'loadtest/failed', message: (err as Error).message });
    } finally {
      this.running = undefined;
    }
  }

  stop(): void {
    this.running?.abort();
  }
}
