// How much work the service host takes on at once: requests in flight per client (by address) and in total, and
// the request bytes it holds while bodies arrive. A request over a bound is refused at once (429 for one client's
// excess, 503 for the host's), so a flood of slow or half-sent requests cannot use up what others need.
export interface AdmissionLimits {
  maxInFlight: number;
  maxInFlightPerClient: number;
  /** Request body bytes buffered at once, across requests. */
  maxBufferedBytes: number;
}

export type Refusal = { status: 429 | 503; message: string };

export class Admission {
  private total = 0;
  private readonly perClient = new Map<string, number>();
  private buffered = 0;

  constructor(readonly limits: AdmissionLimits) {}

  /** A release function, or why the request is refused. */
  admit(client: string): (() => void) | Refusal {
    const mine = this.perClient.get(client) ?? 0;
    if (mine >= this.limits.maxInFlightPerClient) {
      return { status: 429, message: `Too many requests in flight from this client (limit ${this.limits.maxInFlightPerClient}). Retry when earlier requests have been answered.` };
    }
    if (this.total >= this.limits.maxInFlight) {
      return { status: 503, message: `The service is busy: ${this.limits.maxInFlight} requests are in flight. Retry shortly.` };
    }
    this.total += 1;
    this.perClient.set(client, mine + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.total -= 1;
      const left = (this.perClient.get(client) ?? 1) - 1;
      if (left <= 0) this.perClient.delete(client);
      else this.perClient.set(client, left);
    };
  }

  /** Reserves `bytes` of the body budget; false when the host holds too much already. */
  reserve(bytes: number): boolean {
    if (this.buffered + bytes > this.limits.maxBufferedBytes) return false;
    this.buffered += bytes;
    return true;
  }

  unreserve(bytes: number): void {
    this.buffered = Math.max(0, this.buffered - bytes);
  }

  get inFlight(): number {
    return this.total;
  }
}
