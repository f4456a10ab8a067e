// What every part of the panel shares: the saved state, the way to the host, and the notice line. main.ts makes
// one and hands it to each part, so that no part reaches for a global.
import type { WebviewMessage } from '../../src/protocol/tester';
import type { PanelState } from './state';

export type NoticeLevel = 'info' | 'error';

export interface PanelContext {
  /** Mutable: parts change it, then call save(). */
  state: PanelState;
  save(): void;
  post(message: WebviewMessage): void;
  /** Shows a notice (info ones fade after a while); without arguments, hides it. */
  notice(level?: NoticeLevel, message?: string): void;
}
