// The History section: the requests sent from this workspace, newest first, each with its status, outcome,
// latency and request id, and Run again / Show log lines / Remove. The host keeps the list; this only shows it.
import type { HistoryView } from '../../src/protocol/tester';
import { button, iconButton, statusClass } from './controls';
import { clear, formatMs, h } from './dom';
import type { PanelContext } from './panelContext';

export interface HistoryList {
  element: HTMLElement;
  show(entries: HistoryView[]): void;
}

export function createHistoryList(ctx: PanelContext): HistoryList {
  let history: HistoryView[] = [];
  const list = h('div', { class: 'history-list', id: 'history' });
  const clearButton = button('Clear history', { secondary: true, id: 'history-clear' });
  const element = h('vscode-collapsible', { heading: 'History', description: 'this workspace', class: 'section', open: true }, list, h('div', { class: 'row' }, clearButton));

  const item = (e: HistoryView): HTMLElement => {
    // Requests too large to keep cannot be re-run: no button rather than a dead one.
    // `label` names the inner button screen readers see; the short title stays the tooltip.
    const rerun = e.rerunnable ? iconButton('debug-rerun', 'Run again', { label: `Run again: ${e.summary}`, 'aria-label': `Run again: ${e.summary}` }) : h('span', { class: 'icon-spacer' });
    rerun.addEventListener('click', () => e.rerunnable && ctx.post({ type: 'history/rerun', id: e.id }));
    const logs = iconButton('output', 'Show the service log lines of this request', {
      label: `Show log lines of request ${e.requestId ?? ''}`,
      'aria-label': `Show log lines of request ${e.requestId ?? ''}`,
    });
    logs.addEventListener('click', () => ctx.post({ type: 'history/showLog', id: e.id }));
    const remove = iconButton('trash', 'Remove from history', { label: `Remove ${e.summary} from history`, 'aria-label': `Remove ${e.summary} from history` });
    remove.addEventListener('click', () => ctx.post({ type: 'history/remove', id: e.id }));
    const time = new Date(e.at);
    return h(
      'li',
      { class: 'history-item' },
      h('span', { class: `pill status ${e.status === undefined ? 'err' : statusClass(e.status)}` }, e.status === undefined ? 'failed' : String(e.status)),
      h(
        'div',
        { class: 'history-text' },
        h('div', {}, h('strong', {}, e.outcome ?? e.summary), h('span', { class: 'muted' }, ` · ${e.targetLabel} · ${e.summary}`)),
        h(
          'div',
          { class: 'muted small' },
          h('time', { datetime: e.at }, time.toLocaleTimeString()),
          e.totalMs !== undefined ? ` · ${formatMs(e.totalMs)}` : '',
          e.serverMs !== undefined ? ` (server ${formatMs(e.serverMs)})` : '',
          e.requestId ? ' · ' : '',
          e.requestId ? h('code', { class: 'request-id', title: 'Request id: find it in the service log' }, e.requestId) : null,
        ),
      ),
      h('div', { class: 'history-actions' }, rerun, logs, remove),
    );
  };

  const render = (): void => {
    clear(list);
    element.setAttribute('description', history.length === 0 ? 'this workspace' : `${history.length} in this workspace`);
    clearButton.hidden = history.length === 0;
    if (history.length === 0) {
      list.appendChild(h('p', { class: 'muted' }, 'Requests you send appear here, with their request ids, ready to run again.'));
      return;
    }
    const ul = h('ul', { class: 'history', 'aria-label': 'Request history' });
    for (const e of history) ul.appendChild(item(e));
    list.appendChild(ul);
  };

  clearButton.addEventListener('click', () => ctx.post({ type: 'history/clear' }));
  render();
  return {
    element,
    show(entries) {
      history = entries;
      render();
    },
  };
}
