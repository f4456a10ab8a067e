// The JSON and V2 tensor tabs: request bodies typed by the user, prefilled from the target (the swagger example,
// a request at the V2 signature) and kept per target, so that switching targets keeps each one's edits.
import type { TargetInfo } from '../../src/protocol/tester';
import { button, type ValueElement } from './controls';
import { h } from './dom';
import type { PanelContext } from './panelContext';
import type { SendSource } from './sending';

export interface RequestEditors {
  jsonPanel: HTMLElement;
  v2Panel: HTMLElement;
  json: SendSource;
  v2: SendSource;
  /** Shows the target's bodies (the user's edits, else its examples) and hints. */
  showInfo(info: TargetInfo): void;
  /** Puts a body in an editor (a history re-run). */
  load(mode: 'json' | 'v2', body: string): void;
}

// vscode-textarea names its inner <textarea> from its `label` property (no attribute): aria-label on the host
// alone names nothing a screen reader sees.
const editor = (id: string, label: string): ValueElement =>
  h('vscode-textarea', { id, monospace: true, rows: '14', resize: 'vertical', 'aria-label': label, '.label': label, spellcheck: 'false' }) as ValueElement;

export function createRequestEditors(ctx: PanelContext): RequestEditors {
  const { state } = ctx;
  let info: TargetInfo | undefined;

  const jsonArea = editor('json-body', 'JSON request body');
  const jsonHint = h('span', { class: 'muted hint' });
  const sendJson = button('Send', { icon: 'play', title: 'Send (Ctrl+Enter)', id: 'send-json' });
  const resetJson = button('Reset to example', { secondary: true, id: 'reset-json' });
  const v2Area = editor('v2-body', 'V2 inference request body');
  const v2Hint = h('span', { class: 'muted hint' });
  const sendV2 = button('Send', { icon: 'play', title: 'Send (Ctrl+Enter)', id: 'send-v2' });
  const resetV2 = button('Reset to signature', { secondary: true, id: 'reset-v2' });

  jsonArea.addEventListener('input', () => {
    if (info) state.json[info.key] = jsonArea.value;
    ctx.save();
  });
  v2Area.addEventListener('input', () => {
    if (info) state.v2[info.key] = v2Area.value;
    ctx.save();
  });
  resetJson.addEventListener('click', () => {
    jsonArea.value = info?.jsonExample ?? '';
    if (info) state.json[info.key] = jsonArea.value;
    ctx.save();
  });
  resetV2.addEventListener('click', () => {
    v2Area.value = info?.v2Example ?? '';
    if (info) state.v2[info.key] = v2Area.value;
    ctx.save();
  });

  return {
    jsonPanel: h('vscode-tab-panel', {}, jsonHint, jsonArea, h('div', { class: 'row actions' }, sendJson, resetJson)),
    v2Panel: h('vscode-tab-panel', {}, v2Hint, v2Area, h('div', { class: 'row actions' }, sendV2, resetV2)),
    json: { button: sendJson, input: () => ({ mode: 'json', body: jsonArea.value }) },
    v2: { button: sendV2, input: () => ({ mode: 'v2', body: v2Area.value }) },
    showInfo(t) {
      info = t;
      const key = t.key;
      if (state.json[key] === undefined && t.jsonExample) state.json[key] = t.jsonExample;
      if (state.v2[key] === undefined && t.v2Example) state.v2[key] = t.v2Example;
      jsonArea.value = state.json[key] ?? '';
      v2Area.value = state.v2[key] ?? '';
      jsonHint.textContent = t.jsonExample ? 'Prefilled from the service’s swagger example, at the model’s full input shape. POST /score, application/json.' : 'POST /score, application/json.';
      v2Hint.textContent = t.v2Inputs
        ? `Inputs: ${t.v2Inputs.map((i) => `${i.name} ${i.datatype} [${i.shape.join(', ')}]`).join('; ')}. POST /v2/models/${t.model ?? '{model}'}/infer.`
        : 'Give the target a V2 model name to prefill from its signature.';
    },
    load(mode, body) {
      (mode === 'json' ? jsonArea : v2Area).value = body;
    },
  };
}
