// The Code section of the response: the exact request as curl, Python or JavaScript. The key is masked here;
// Copy asks the host, which puts the snippet with the real key in the clipboard.
import { button, fillRadios } from './controls';
import { h } from './dom';
import type { PanelContext } from './panelContext';
import type { PanelState } from './state';

export interface SnippetView {
  element: HTMLElement;
  /** Shows the snippets of the last request (none: the section hides), in the chosen language. */
  render(snippets: PanelState['lastSnippets']): void;
}

export function createSnippetView(ctx: PanelContext): SnippetView {
  const { state } = ctx;
  const group = h('vscode-radio-group', { id: 'snippet-lang', 'aria-label': 'Snippet language' });
  const copy = button('Copy', { icon: 'copy', secondary: true, title: 'Copy with the real key', id: 'snippet-copy' });
  const pre = h('pre', { class: 'code', id: 'snippet', tabindex: '0', role: 'region', 'aria-label': 'Code snippet' });
  // Only a request that carried credentials has a key to mask.
  const note = h('div', { class: 'muted hint', id: 'snippet-note' }, 'The key is masked here; Copy puts the real key in the clipboard.');
  const element = h(
    'vscode-collapsible',
    { heading: 'Code', description: 'the exact request', class: 'section', open: true },
    h('div', { class: 'row wrap' }, group, copy),
    note,
    pre,
  );
  fillRadios(
    group,
    'snippet-lang',
    [
      { value: 'curl', label: 'curl' },
      { value: 'python', label: 'Python requests' },
      { value: 'javascript', label: 'JavaScript fetch' },
    ],
    state.snippetLanguage,
  );

  const render = (snippets: PanelState['lastSnippets']): void => {
    element.hidden = !snippets;
    pre.textContent = snippets ? snippets[state.snippetLanguage] : '';
    note.hidden = !snippets || !/authorization/i.test(snippets.curl);
  };

  group.addEventListener('change', (e) => {
    const value = (e.target as HTMLElement & { value?: string }).value;
    if (value !== 'curl' && value !== 'python' && value !== 'javascript') return;
    state.snippetLanguage = value;
    ctx.save();
    render(state.lastSnippets);
  });
  copy.addEventListener('click', () => ctx.post({ type: 'snippet/copy', language: state.snippetLanguage }));
  return { element, render };
}
