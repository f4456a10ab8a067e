// The service as its callers reach it: through the public address (http://<fqdn>/), never through Azure.
// Healthy means GET / answered `Healthy`; the generation serving is the swagger's info.version (SERVICE_VERSION).
import { sleep } from '../../async/sleep';

export async function answersHealthy(healthUri: string, timeoutMs = 3000): Promise<boolean> {
  try {
    const res = await fetch(healthUri, { signal: AbortSignal.timeout(timeoutMs) });
    const text = await res.text();
    return res.ok && text.trim() === 'Healthy';
  } catch {
    return false;
  }
}

export async function servingGeneration(swaggerUri: string, timeoutMs = 3000): Promise<string | undefined> {
  try {
    const res = await fetch(swaggerUri, { signal: AbortSignal.timeout(timeoutMs) });
    if (!res.ok) return undefined;
    const json = (await res.json()) as { info?: { version?: unknown } };
    return typeof json.info?.version === 'string' ? json.info.version : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Watches the public address while an update restarts the group: how long GET / did not answer Healthy, from the
 * first failed probe to the first good one after it (probes every `intervalMs`, so the figure is ± that).
 */
export class AvailabilityProbe {
  private unavailableMs = 0;
  private downSince: number | undefined;
  private firstDown: number | undefined;
  private stopped = false;
  private readonly loop: Promise<void>;

  constructor(
    private readonly healthUri: string,
    private readonly intervalMs = 250,
    private readonly now: () => number = Date.now,
  ) {
    this.loop = this.run();
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      const t = this.now();
      const ok = await answersHealthy(this.healthUri, 2000);
      if (!ok && this.downSince === undefined) {
        this.downSince = t;
        this.firstDown ??= t;
      } else if (ok && this.downSince !== undefined) {
        this.unavailableMs += this.now() - this.downSince;
        this.downSince = undefined;
      }
      await sleep(this.intervalMs);
    }
  }

  async stop(): Promise<{ unavailableMs: number; from: Date | undefined }> {
    this.stopped = true;
    await this.loop;
    if (this.downSince !== undefined) this.unavailableMs += this.now() - this.downSince;
    return { unavailableMs: this.unavailableMs, from: this.firstDown === undefined ? undefined : new Date(this.firstDown) };
  }
}
