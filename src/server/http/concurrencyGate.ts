// Azure's maxConcurrentRequestsPerContainer and maxQueueWaitMs: at most N scoring requests run at once; the others
// wait in arrival order, and one that has waited maxQueueWaitMs is answered 503 without running.
import { ModelportError } from '../../core/errors';

export class QueueWaitExceededError extends ModelportError {
  constructor(running: number, waitedMs: number) {
    super('unavailable', `The service is busy: ${running} requests are running and this one waited ${waitedMs} ms in the queue (maxConcurrentRequestsPerContainer, maxQueueWaitMs). Retry later.`);
    this.name = 'QueueWaitExceededError';
  }
}

export class ConcurrencyGate {
  private running = 0;
  private readonly waiting: Array<{ admit: () => void }> = [];

  constructor(
    private readonly max: number,
    private readonly maxWaitMs: number,
  ) {}

  /** Resolves with the release function once the request may run; rejects with 503 after the queue wait. */
  enter(): Promise<() => void> {
    const release = (): (() => void) => {
      let done = false;
      return () => {
        if (done) return;
        done = true;
        this.running -= 1;
        const next = this.waiting.shift();
        next?.admit();
      };
    };
    if (this.running < this.max) {
      this.running += 1;
      return Promise.resolve(release());
    }
    return new Promise((resolve, reject) => {
      const entry = {
        admit: () => {
          clearTimeout(timer);
          this.running += 1;
          resolve(release());
        },
      };
      const timer = setTimeout(() => {
        const at = this.waiting.indexOf(entry);
        if (at >= 0) this.waiting.splice(at, 1);
        reject(new QueueWaitExceededError(this.running, this.maxWaitMs));
      }, this.maxWaitMs);
      this.waiting.push(entry);
    });
  }
}
