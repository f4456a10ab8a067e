// The target at the top of the panel: which service or URL requests go to, its URI, state and auth, a form for
// any other scoring URI, and Set key… / Forget key for URLs (the host asks for the key; the panel never sees it).
import type { TargetInfo, TargetOption } from '../../src/protocol/tester';
import { button, fillSelect, iconButton, type ValueElement } from './controls';
import { h, replace } from './dom';
import type { PanelContext } from './panelContext';

/** The select's value for "Other URL…", which opens the form instead of selecting a target. */
const customValue = '__custom__';

export interface TargetSection {
  element: HTMLElement;
  /** A new list of targets (and the selected one) from the host. */
  setTargets(targets: TargetOption[], selectedKey: string | undefined): void;
  /** What the host read about the selected target. */
  setInfo(info: TargetInfo): void;
  /** Shows the selected target's details, and passes them on (`onInfo`) to the parts that follow the target. */
  renderInfo(): void;
}

function badge(text: string, kind = ''): HTMLElement {
  return h('span', { class: `pill ${kind}` }, text);
}

function authBadge(t: TargetInfo): HTMLElement {
  if (t.kind === 'url') return t.hasKey ? badge('key set', 'ok') : badge('no key', '');
  if (t.authMode === 'none') return badge('no auth');
  return t.hasKey ? badge(`${t.authMode} auth · key set`, 'ok') : badge(`${t.authMode} auth · no key`, 'warn');
}

export function createTargetSection(ctx: PanelContext, onInfo: (info: TargetInfo) => void): TargetSection {
  let targets: TargetOption[] = [];
  let selectedKey: string | undefined;
  let info: TargetInfo | undefined;

  const targetSelect = h('vscode-single-select', { id: 'target', 'aria-label': 'Target service', class: 'grow' }) as ValueElement;
  const refreshButton = iconButton('refresh', 'Refresh services and examples', { id: 'refresh' });
  const targetMeta = h('div', { class: 'target-meta', id: 'target-meta' });
  const targetProblems = h('div', { class: 'problems', role: 'status' });
  const urlField = h('vscode-textfield', { id: 'custom-url', placeholder: 'http://127.0.0.1:5001/score', class: 'grow', 'aria-label': 'Scoring URI' }) as ValueElement;
  const modelField = h('vscode-textfield', { id: 'custom-model', placeholder: 'optional, e.g. fashion-mnist', 'aria-label': 'V2 model name' }) as ValueElement;
  const useUrlButton = button('Use this URL', { secondary: true, id: 'use-url' });
  const customForm = h(
    'div',
    { class: 'custom-form', hidden: true },
    h('div', { class: 'field' }, h('vscode-label', { for: 'custom-url' }, 'Scoring URI'), urlField),
    h('div', { class: 'field' }, h('vscode-label', { for: 'custom-model' }, 'V2 model name'), modelField),
    h('div', { class: 'field end' }, useUrlButton),
  );
  const setKeyButton = button('Set key…', { secondary: true, icon: 'key', id: 'set-key' });
  const clearKeyButton = button('Forget key', { secondary: true, id: 'clear-key' });
  const keyRow = h('div', { class: 'row key-row', hidden: true }, setKeyButton, clearKeyButton);
  const element = h(
    'section',
    { class: 'target', 'aria-label': 'Target' },
    h('div', { class: 'row' }, h('vscode-label', { for: 'target', class: 'target-label' }, 'Target'), targetSelect, refreshButton),
    targetMeta,
    customForm,
    keyRow,
    targetProblems,
  );

  const renderTargets = (): void => {
    const options = targets.map((t) => ({
      value: t.key,
      label: t.label,
      description: t.kind === 'service' ? `${t.state ?? ''} ${t.scoringUri}`.trim() : t.scoringUri,
    }));
    options.push({ value: customValue, label: 'Other URL…', description: 'any scoring URI, with a key or token' });
    const value = selectedKey ?? (targets.length === 0 ? customValue : '');
    fillSelect(targetSelect, options, value);
    customForm.hidden = value !== customValue && targets.length > 0;
    if (value === customValue) customForm.hidden = false;
  };

  const renderInfo = (): void => {
    const t = info;
    if (!t) {
      replace(targetMeta, h('span', { class: 'muted' }, targets.length === 0 ? 'No service yet: deploy one, or enter any scoring URI.' : ''));
      keyRow.hidden = true;
      return;
    }
    replace(
      targetMeta,
      h('code', { class: 'uri', title: 'Scoring URI' }, t.scoringUri),
      t.state ? badge(t.state, t.state === 'Healthy' ? 'ok' : 'warn') : null,
      authBadge(t),
      t.model ? badge(`V2 model ${t.model}`) : null,
    );
    keyRow.hidden = t.kind !== 'url';
    clearKeyButton.hidden = !t.hasKey;
    setKeyButton.textContent = t.hasKey ? 'Change key…' : 'Set key…';
    replace(targetProblems, ...t.problems.map((p) => h('div', { class: 'problem' }, h('vscode-icon', { name: 'warning', 'aria-hidden': 'true' }), ` ${p}`)));
    onInfo(t);
  };

  targetSelect.addEventListener('change', () => {
    const value = targetSelect.value;
    if (value === customValue) {
      customForm.hidden = false;
      urlField.focus();
      return;
    }
    customForm.hidden = true;
    ctx.post({ type: 'target/select', key: value });
  });
  refreshButton.addEventListener('click', () => ctx.post({ type: 'target/refresh' }));
  const useUrl = (): void => {
    const url = urlField.value.trim();
    if (!url) {
      ctx.notice('error', 'Type the scoring URI first, for example http://127.0.0.1:5001/score.');
      urlField.focus();
      return;
    }
    ctx.post({ type: 'target/custom', url, model: modelField.value.trim() || undefined });
  };
  useUrlButton.addEventListener('click', useUrl);
  for (const f of [urlField, modelField]) f.addEventListener('keydown', (e) => (e as KeyboardEvent).key === 'Enter' && useUrl());
  setKeyButton.addEventListener('click', () => ctx.post({ type: 'target/setKey' }));
  clearKeyButton.addEventListener('click', () => ctx.post({ type: 'target/clearKey' }));

  return {
    element,
    setTargets(list, key) {
      targets = list;
      selectedKey = key;
      renderTargets();
    },
    setInfo(next) {
      info = next;
      if (selectedKey !== next.key) {
        selectedKey = next.key;
        renderTargets();
      }
      renderInfo();
    },
    renderInfo,
  };
}
