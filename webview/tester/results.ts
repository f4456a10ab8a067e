// The Response section: status, latency and request id, the service's error, the top-k chart per image, the
// headers, the body and the code snippets. It stays hidden until the first request.
import type { ResultView } from '../../src/protocol/tester';
import { barChart } from './charts';
import { button, iconButton, statusClass } from './controls';
import { append, clear, formatBytes, formatMs, h, replace } from './dom';
import type { PanelContext } from './panelContext';
import type { SnippetView } from './snippets';
import type { PanelState } from './state';

export interface Results {
  element: HTMLElement;
  /** A request is on its way: a progress ring and Cancel in the status line. */
  showSending(summary: string): void;
  show(r: ResultView | undefined, snippets: PanelState['lastSnippets']): void;
  /** The request was not sent, or got no answer. */
  showFailure(message: string, requestId: string | undefined): void;
}

/** JSON bodies indented; anything else (or a truncated body) as it came. */
function prettyBody(r: ResultView): string {
  if (r.truncated || !/json/i.test(r.contentType)) return r.body;
  try {
    return JSON.stringify(JSON.parse(r.body), null, 2);
  } catch {
    return r.body;
  }
}

/** `imageUrl` gives the thumbnail of an image still shown, by name, to show beside its predictions. */
export function createResults(ctx: PanelContext, snippets: SnippetView, imageUrl: (name: string) => string | undefined): Results {
  const statusLine = h('div', { class: 'status-line', id: 'status-line', role: 'status', 'aria-live': 'polite' });
  const errorBox = h('div', { class: 'error-box', id: 'error-box', role: 'alert', hidden: true });
  const predictionsEl = h('div', { class: 'predictions', id: 'predictions' });
  const headersCollapsible = h('vscode-collapsible', { heading: 'Response headers', class: 'section' });
  const bodyCollapsible = h('vscode-collapsible', { heading: 'Response body', class: 'section' });
  const element = h(
    'section',
    { class: 'response', id: 'response', 'aria-label': 'Response', hidden: true },
    h('h2', {}, 'Response'),
    statusLine,
    errorBox,
    predictionsEl,
    headersCollapsible,
    bodyCollapsible,
    snippets.element,
  );

  const renderPredictions = (r: ResultView): void => {
    clear(predictionsEl);
    (r.predictions ?? []).forEach((row, i) => {
      const name = r.imageNames?.[i] ?? (r.predictions && r.predictions.length > 1 ? `Row ${i + 1}` : '');
      const top = row[0];
      const title = `${name ? `${name}: ` : ''}top ${row.length} predictions${top ? `, first ${top.label} at ${(top.probability * 100).toFixed(1)}%` : ''}`;
      const url = imageUrl(name);
      predictionsEl.appendChild(
        h(
          'figure',
          { class: 'prediction' },
          url ? h('img', { src: url, alt: '', class: 'prediction-thumb' }) : null,
          h(
            'div',
            { class: 'prediction-body' },
            h('figcaption', {}, top ? h('strong', { class: 'top-label' }, top.label) : null, name ? h('span', { class: 'muted' }, ` · ${name}`) : null),
            barChart(row.map((p) => ({ label: p.label, value: p.probability })), title),
          ),
        ),
      );
    });
  };

  const renderHeaders = (r: ResultView): void => {
    const table = h('vscode-table', { zebra: true, bordered: true, 'resizable': true, columns: '["30%","70%"]', 'aria-label': 'Response headers' });
    const head = h('vscode-table-header', { slot: 'header' }, h('vscode-table-header-cell', {}, 'Header'), h('vscode-table-header-cell', {}, 'Value'));
    const body = h('vscode-table-body', { slot: 'body' });
    for (const [k, v] of r.headers) body.appendChild(h('vscode-table-row', {}, h('vscode-table-cell', {}, k), h('vscode-table-cell', {}, v)));
    append(table, [head, body]);
    replace(headersCollapsible, table);
    headersCollapsible.setAttribute('description', `${r.headers.length}`);
  };

  const renderBody = (r: ResultView): void => {
    const copyBody = button('Copy body', { secondary: true, icon: 'copy' });
    copyBody.addEventListener('click', () => ctx.post({ type: 'clipboard/copy', text: r.body }));
    replace(
      bodyCollapsible,
      r.truncated ? h('p', { class: 'muted' }, `Showing the first ${formatBytes(r.body.length)} of ${formatBytes(r.bodyBytes)}.`) : null,
      h('pre', { class: 'code body', tabindex: '0', role: 'region', 'aria-label': 'Response body' }, prettyBody(r)),
      h('div', { class: 'row' }, copyBody),
    );
    bodyCollapsible.setAttribute('description', `${r.contentType || 'no content type'} · ${formatBytes(r.bodyBytes)}`);
    if (!r.ok) (bodyCollapsible as HTMLElement & { open: boolean }).open = true;
  };

  return {
    element,
    showSending(summary) {
      element.hidden = false;
      const cancel = button('Cancel', { secondary: true, id: 'cancel-request' });
      cancel.addEventListener('click', () => ctx.post({ type: 'request/cancel' }));
      replace(statusLine, h('vscode-progress-ring', { 'aria-label': 'Waiting for the service', class: 'ring' }), h('span', {}, `Sending ${summary}…`), cancel);
    },
    show(r, shownSnippets) {
      if (!r) return;
      element.hidden = false;
      const copyId = iconButton('copy', 'Copy request id');
      copyId.addEventListener('click', () => ctx.post({ type: 'clipboard/copy', text: r.requestId }));
      replace(
        statusLine,
        h('span', { class: `pill status ${statusClass(r.status)}` }, `${r.status} ${r.statusText}`),
        h('span', { class: 'metric' }, h('span', { class: 'muted' }, 'Total '), formatMs(r.totalMs)),
        h('span', { class: 'metric' }, h('span', { class: 'muted' }, 'Server '), formatMs(r.serverMs)),
        h('span', { class: 'metric request-id' }, h('span', { class: 'muted' }, 'Request id '), h('code', {}, r.requestId), copyId),
        h('span', { class: 'muted summary-text' }, r.summary),
      );
      errorBox.hidden = r.ok;
      if (!r.ok) replace(errorBox, h('strong', {}, 'The service answered with an error: '), r.errorMessage ?? r.statusText);
      renderPredictions(r);
      renderHeaders(r);
      renderBody(r);
      headersCollapsible.hidden = false;
      bodyCollapsible.hidden = false;
      snippets.render(shownSnippets);
    },
    showFailure(message, requestId) {
      // Nothing of the previous answer may stay beside this failure: it would read as this request's.
      element.hidden = false;
      replace(statusLine, h('span', { class: 'pill status err' }, 'Not sent'), requestId ? h('span', { class: 'muted' }, ` request id ${requestId}`) : null);
      errorBox.hidden = false;
      replace(errorBox, message);
      clear(predictionsEl);
      headersCollapsible.hidden = true;
      bodyCollapsible.hidden = true;
      snippets.render(undefined);
    },
  };
}
