// Sending: the Send button of a tab (or Ctrl+Enter) asks the host to send that tab's input; while a request
// is in flight the Send buttons are disabled and the response shows a Cancel button.
import type { InputPayload } from '../../src/protocol/tester';
import type { Button } from './controls';
import type { PanelContext } from './panelContext';
import type { Results } from './results';
import type { Tab } from './state';

/** A tab that sends: its Send button, and its input (undefined, after saying why, when there is none). */
export interface SendSource {
  button: Button;
  input(): InputPayload | undefined;
}

export type SendMode = Exclude<Tab, 'load'>;

export interface Sender {
  /** Sends the input of a tab, the current one by default; nothing while a request is in flight. */
  send(tab?: Tab): void;
  setSending(on: boolean, summary?: string): void;
}

export function createSender(ctx: PanelContext, sources: Record<SendMode, SendSource>, results: Results): Sender {
  let sending = false;
  const buttons = Object.values(sources).map((s) => s.button);

  const send = (tab: Tab = ctx.state.tab): void => {
    if (sending) return;
    const input = tab === 'load' ? undefined : sources[tab].input();
    if (!input) return;
    ctx.notice();
    ctx.post({ type: 'request/send', input });
  };

  const setSending = (on: boolean, summary = ''): void => {
    sending = on;
    for (const b of buttons) b.disabled = on;
    if (on) results.showSending(summary);
  };

  for (const [mode, source] of Object.entries(sources) as Array<[SendMode, SendSource]>) source.button.addEventListener('click', () => send(mode));
  return { send, setSending };
}
