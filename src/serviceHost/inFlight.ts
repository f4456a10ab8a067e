// Requests an instance is serving right now, so an instance being replaced stops only once it is idle.
export class InFlight {
  private count = 0;
  private waiters: Array<() => void> = [];

  begin(): void {
    this.count += 1;
  }

  end(): void {
    this.count -= 1;
    if (this.count === 0) for (const w of this.waiters.splice(0)) w();
  }

  /** Resolves when no request is in flight. */
  idle(): Promise<void> {
    return this.count === 0 ? Promise.resolve() : new Promise((resolve) => this.waiters.push(resolve));
  }
}
