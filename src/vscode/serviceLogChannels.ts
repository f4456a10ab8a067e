// Service logs: one log output channel per service, following its log until the service is deleted or the
// extension stops. Lines keep the service's own level (INFO/WARN/ERROR) in the channel's filter.
import * as vscode from 'vscode';
import { errorMessage } from '../core/errors';
import type { ModelportWorkspace, ServiceLogs } from './common/deps';
import type { Log } from './logging';

interface Followed {
  channel: vscode.LogOutputChannel;
  abort: AbortController;
}

export class ServiceLogChannels implements ServiceLogs, vscode.Disposable {
  private readonly followed = new Map<string, Followed>();

  constructor(
    private readonly workspace: () => ModelportWorkspace,
    private readonly log: Log,
  ) {}

  async show(name: string): Promise<void> {
    let entry = this.followed.get(name);
    if (entry === undefined) {
      entry = { channel: vscode.window.createOutputChannel(`Modelport: ${name}`, { log: true }), abort: new AbortController() };
      this.followed.set(name, entry);
      void this.follow(name, entry);
    }
    entry.channel.show(true);
  }

  private async follow(name: string, entry: Followed): Promise<void> {
    try {
      for await (const line of this.workspace().services.logs(name, { tail: 200, follow: true, signal: entry.abort.signal })) {
        if (/\bERROR\b/.test(line)) entry.channel.error(line);
        else if (/\bWARN\b/.test(line)) entry.channel.warn(line);
        else if (/\bDEBUG\b/.test(line)) entry.channel.debug(line);
        else entry.channel.info(line);
      }
    } catch (err) {
      if (!entry.abort.signal.aborted) {
        entry.channel.warn(`Stopped following the log: ${errorMessage(err)}`);
        this.log.warn(`Log of ${name}: ${errorMessage(err)}`);
      }
    }
  }

  forget(name: string): void {
    const entry = this.followed.get(name);
    if (entry === undefined) return;
    entry.abort.abort();
    entry.channel.dispose();
    this.followed.delete(name);
  }

  /** Names of followed services (for tests). */
  names(): string[] {
    return [...this.followed.keys()];
  }

  dispose(): void {
    for (const name of [...this.followed.keys()]) this.forget(name);
  }
}
