// The endpoint tester's webview: shows and asks, never calls a service itself. Every message from the host is
// validated (src/protocol/tester.ts) before it is used; the host does the HTTP, the files and the clipboard.
import './zodConfig';
import '@vscode-elements/elements/dist/vscode-badge/index.js';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-collapsible/index.js';
import '@vscode-elements/elements/dist/vscode-divider/index.js';
import '@vscode-elements/elements/dist/vscode-icon/index.js';
import '@vscode-elements/elements/dist/vscode-label/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-progress-ring/index.js';
import '@vscode-elements/elements/dist/vscode-radio/index.js';
import '@vscode-elements/elements/dist/vscode-radio-group/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-tab-header/index.js';
import '@vscode-elements/elements/dist/vscode-tab-panel/index.js';
import '@vscode-elements/elements/dist/vscode-table/index.js';
import '@vscode-elements/elements/dist/vscode-table-body/index.js';
import '@vscode-elements/elements/dist/vscode-table-cell/index.js';
import '@vscode-elements/elements/dist/vscode-table-header/index.js';
import '@vscode-elements/elements/dist/vscode-table-header-cell/index.js';
import '@vscode-elements/elements/dist/vscode-table-row/index.js';
import '@vscode-elements/elements/dist/vscode-tabs/index.js';
import '@vscode-elements/elements/dist/vscode-textarea/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import '@vscode-elements/elements/dist/vscode-toolbar-button/index.js';
import {
  dispatch,
  parseHostMessage,
  testerLimits,
  type Handlers,
  type HistoryView,
  type HostMessage,
  type ImagePayload,
  type InputPayload,
  type LoadPoint,
  type ResultView,
  type TargetInfo,
  type TargetOption,
  type WebviewMessage,
} from '../../src/protocol/tester';
import { imageLimitMessage, imageLimits } from '../../src/core/client/imageLimits';
import { barChart, lineChart } from './charts';
import { append, clear, formatBytes, formatMs, h, replace } from './dom';
import { restoreState, stateToSave, tabs, type PanelState, type Tab } from './state';
import { logWarning, vscodeApi } from './vscodeApi';

type Button = HTMLElement & { disabled: boolean };
type ValueElement = HTMLElement & { value: string; disabled: boolean };

// Lit falls back to <style> elements where constructable stylesheets are missing; they carry this nonce.
(window as Window & { litNonce?: string }).litNonce = (document.currentScript as HTMLScriptElement | null)?.nonce || undefined;

const api = vscodeApi<PanelState>();
const state: PanelState = restoreState(api.getState());
const save = (): void => api.setState(stateToSave(state));
const post = (message: WebviewMessage): void => api.postMessage(message);

interface LocalImage extends ImagePayload {
  url: string;
}

let targets: TargetOption[] = [];
let selectedKey: string | undefined;
let info: TargetInfo | undefined;
let images: LocalImage[] = [];
let sending = false;
let loadRunning = false;
let loadPoints: LoadPoint[] = [];
let loadSummaryText = '';
let history: HistoryView[] = [];

const customValue = '__custom__';

// ---------- layout ----------
const button = (label: string, props: Record<string, string | boolean | EventListener | undefined> = {}): Button =>
  h('vscode-button', props, label) as Button;

const targetSelect = h('vscode-single-select', { id: 'target', 'aria-label': 'Target service', class: 'grow' }) as ValueElement;
/** An icon-only action, as in VS Code's view toolbars. */
const iconButton = (icon: string, label: string, props: Record<string, string | boolean | undefined> = {}): HTMLElement =>
  h('vscode-toolbar-button', { icon, label, title: label, 'aria-label': label, ...props });

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

// Image tab
const fileButton = button('Choose images…', { icon: 'folder-opened', id: 'pick-images' });
const dropZone = h(
  'div',
  { class: 'drop-zone', id: 'drop-zone', tabindex: '0', role: 'button', 'aria-label': 'Add images: press Enter to choose files, or drop or paste images here' },
  h('vscode-icon', { name: 'file-media', size: '28', 'aria-hidden': 'true' }),
  h('div', { class: 'drop-text' }, h('strong', {}, 'Drop images here'), h('span', { class: 'muted' }, ' or paste from the clipboard')),
  fileButton,
);
const thumbs = h('ul', { class: 'thumbs', 'aria-label': 'Images to send' });
const encodingGroup = h('vscode-radio-group', { id: 'encoding', 'aria-label': 'Send images as' });
const encodingHint = h('span', { class: 'muted hint' });
const sendImage = button('Send', { icon: 'play', title: 'Send (Ctrl+Enter)', id: 'send-image' });
const clearImages = button('Clear', { secondary: true, id: 'clear-images' });

// JSON and V2 tabs
// vscode-textarea names its inner <textarea> from its `label` property (no attribute): aria-label on the host
// alone names nothing a screen reader sees.
const jsonArea = h('vscode-textarea', { id: 'json-body', monospace: true, rows: '14', resize: 'vertical', 'aria-label': 'JSON request body', '.label': 'JSON request body', spellcheck: 'false' }) as ValueElement;
const jsonHint = h('span', { class: 'muted hint' });
const sendJson = button('Send', { icon: 'play', title: 'Send (Ctrl+Enter)', id: 'send-json' });
const resetJson = button('Reset to example', { secondary: true, id: 'reset-json' });
const v2Area = h('vscode-textarea', { id: 'v2-body', monospace: true, rows: '14', resize: 'vertical', 'aria-label': 'V2 inference request body', '.label': 'V2 inference request body', spellcheck: 'false' }) as ValueElement;
const v2Hint = h('span', { class: 'muted hint' });
const sendV2 = button('Send', { icon: 'play', title: 'Send (Ctrl+Enter)', id: 'send-v2' });
const resetV2 = button('Reset to signature', { secondary: true, id: 'reset-v2' });

// Load test tab
const loadN = h('vscode-textfield', { id: 'load-n', type: 'number', min: '1', max: String(testerLimits.maxLoadRequests), 'aria-label': 'Number of requests' }) as ValueElement;
const loadC = h('vscode-textfield', { id: 'load-c', type: 'number', min: '1', max: String(testerLimits.maxLoadConcurrency), 'aria-label': 'Concurrency' }) as ValueElement;
const loadD = h('vscode-textfield', { id: 'load-d', type: 'number', min: '1', max: String(testerLimits.maxLoadDurationS), 'aria-label': 'Time limit in seconds' }) as ValueElement;
const loadStart = button('Start', { icon: 'play', id: 'load-start' });
const loadStop = button('Stop', { secondary: true, icon: 'debug-stop', disabled: true, id: 'load-stop' });
const loadWhat = h('p', { class: 'muted' });
const loadLive = h('div', { class: 'load-live', id: 'load-live', role: 'status', 'aria-live': 'polite' });
const loadCharts = h('div', { class: 'load-charts', id: 'load-charts' });
const loadSummary = h('pre', { class: 'summary', id: 'load-summary', hidden: true, tabindex: '0', role: 'region', 'aria-label': 'Load test summary' });
const loadCopy = button('Copy summary', { secondary: true, icon: 'copy', hidden: true, id: 'load-copy' });

const tabsEl = h('vscode-tabs', { id: 'modes', 'aria-label': 'Input mode' });
const tabPanels: Record<Tab, HTMLElement> = {
  image: h(
    'vscode-tab-panel',
    {},
    dropZone,
    thumbs,
    h('div', { class: 'row wrap send-as' }, h('vscode-label', { for: 'encoding' }, 'Send as'), encodingGroup),
    encodingHint,
    h('div', { class: 'row actions' }, sendImage, clearImages),
  ),
  json: h('vscode-tab-panel', {}, jsonHint, jsonArea, h('div', { class: 'row actions' }, sendJson, resetJson)),
  v2: h('vscode-tab-panel', {}, v2Hint, v2Area, h('div', { class: 'row actions' }, sendV2, resetV2)),
  load: h(
    'vscode-tab-panel',
    {},
    loadWhat,
    h(
      'div',
      { class: 'row wrap load-form' },
      h('div', { class: 'field' }, h('vscode-label', { for: 'load-n' }, 'Requests'), loadN),
      h('div', { class: 'field' }, h('vscode-label', { for: 'load-c' }, 'Concurrency'), loadC),
      h('div', { class: 'field' }, h('vscode-label', { for: 'load-d' }, 'Time limit (s)'), loadD),
      h('div', { class: 'field end' }, h('div', { class: 'row' }, loadStart, loadStop)),
    ),
    loadLive,
    loadCharts,
    loadSummary,
    h('div', { class: 'row' }, loadCopy),
  ),
};
const tabLabels: Record<Tab, string> = { image: 'Image', json: 'JSON', v2: 'V2 tensor', load: 'Load test' };
for (const tab of tabs) {
  append(tabsEl, [h('vscode-tab-header', { slot: 'header', id: `tab-${tab}` }, tabLabels[tab]), tabPanels[tab]]);
}

// Response
const statusLine = h('div', { class: 'status-line', id: 'status-line', role: 'status', 'aria-live': 'polite' });
const errorBox = h('div', { class: 'error-box', id: 'error-box', role: 'alert', hidden: true });
const predictionsEl = h('div', { class: 'predictions', id: 'predictions' });
const headersCollapsible = h('vscode-collapsible', { heading: 'Response headers', class: 'section' });
const bodyCollapsible = h('vscode-collapsible', { heading: 'Response body', class: 'section' });
const snippetGroup = h('vscode-radio-group', { id: 'snippet-lang', 'aria-label': 'Snippet language' });
const snippetCopy = button('Copy', { icon: 'copy', secondary: true, title: 'Copy with the real key', id: 'snippet-copy' });
const snippetPre = h('pre', { class: 'code', id: 'snippet', tabindex: '0', role: 'region', 'aria-label': 'Code snippet' });
const snippetCollapsible = h(
  'vscode-collapsible',
  { heading: 'Code', description: 'the exact request', class: 'section', open: true },
  h('div', { class: 'row wrap' }, snippetGroup, snippetCopy),
  h('div', { class: 'muted hint' }, 'The key is masked here; Copy puts the real key in the clipboard.'),
  snippetPre,
);
const responseSection = h(
  'section',
  { class: 'response', id: 'response', 'aria-label': 'Response', hidden: true },
  h('h2', {}, 'Response'),
  statusLine,
  errorBox,
  predictionsEl,
  headersCollapsible,
  bodyCollapsible,
  snippetCollapsible,
);

// History
const historyList = h('div', { class: 'history-list', id: 'history' });
const historyClear = button('Clear history', { secondary: true, id: 'history-clear' });
const historyCollapsible = h(
  'vscode-collapsible',
  { heading: 'History', description: 'this workspace', class: 'section', open: true },
  historyList,
  h('div', { class: 'row' }, historyClear),
);

const noticeEl = h('div', { class: 'notice', id: 'notice', role: 'status', 'aria-live': 'polite', hidden: true });

const app = document.getElementById('app') ?? document.body;
replace(
  app,
  h(
    'section',
    { class: 'target', 'aria-label': 'Target' },
    h('div', { class: 'row' }, h('vscode-label', { for: 'target', class: 'target-label' }, 'Target'), targetSelect, refreshButton),
    targetMeta,
    customForm,
    keyRow,
    targetProblems,
  ),
  noticeEl,
  tabsEl,
  responseSection,
  historyCollapsible,
);
app.removeAttribute('aria-busy');

// ---------- options ----------
function fillSelect(select: ValueElement, options: Array<{ value: string; label: string; description?: string; disabled?: boolean }>, value: string): void {
  clear(select);
  for (const o of options) {
    select.appendChild(h('vscode-option', { value: o.value, description: o.description, selected: o.value === value, disabled: o.disabled }, o.label));
  }
  select.value = value;
}

function fillRadios(group: HTMLElement, name: string, options: Array<{ value: string; label: string; title?: string; disabled?: boolean }>, value: string): void {
  clear(group);
  for (const o of options) {
    group.appendChild(h('vscode-radio', { name, value: o.value, title: o.title, checked: o.value === value, disabled: o.disabled }, o.label));
  }
}

fillRadios(
  snippetGroup,
  'snippet-lang',
  [
    { value: 'curl', label: 'curl' },
    { value: 'python', label: 'Python requests' },
    { value: 'javascript', label: 'JavaScript fetch' },
  ],
  state.snippetLanguage,
);
loadN.value = String(state.loadRequests);
loadC.value = String(state.loadConcurrency);
loadD.value = String(state.loadDurationS);

function renderEncodingOptions(): void {
  const many = images.length > 1;
  if (many && state.encoding === 'raw') state.encoding = 'base64';
  const v2Ready = !!info?.model;
  if (info && !v2Ready && state.encoding === 'v2') state.encoding = 'base64';
  fillRadios(
    encodingGroup,
    'encoding',
    [
      { value: 'raw', label: 'Raw bytes', title: many ? 'Raw bytes carry one image per request' : 'POST /score, Content-Type: image/…', disabled: many },
      { value: 'base64', label: 'Base64 JSON', title: '{"image": …} or {"images": […]}' },
      { value: 'v2', label: 'V2 tensor', title: v2Ready ? 'Preprocessed for the model, POST /v2/models/{m}/infer' : 'The target has no V2 model name', disabled: !v2Ready },
    ],
    state.encoding,
  );
  encodingHint.textContent =
    state.encoding === 'raw'
      ? 'POST /score with the image bytes as the body.'
      : state.encoding === 'base64'
        ? 'POST /score with a JSON body; several images become one batch.'
        : 'POST /v2/models/{m}/infer; the extension resizes and scales the images as the model config says.';
}

// ---------- target ----------
function renderTargets(): void {
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
}

function badge(text: string, kind = ''): HTMLElement {
  return h('span', { class: `pill ${kind}` }, text);
}

function renderInfo(): void {
  const t = info;
  if (!t) {
    replace(targetMeta, h('span', { class: 'muted' }, targets.length === 0 ? 'No service yet: deploy one, or enter any scoring URI.' : ''));
    keyRow.hidden = true;
    return;
  }
  const auth =
    t.kind === 'url'
      ? t.hasKey
        ? badge('key set', 'ok')
        : badge('no key', '')
      : t.authMode === 'none'
        ? badge('no auth')
        : t.hasKey
          ? badge(`${t.authMode} auth · key set`, 'ok')
          : badge(`${t.authMode} auth · no key`, 'warn');
  replace(
    targetMeta,
    h('code', { class: 'uri', title: 'Scoring URI' }, t.scoringUri),
    t.state ? badge(t.state, t.state === 'Healthy' ? 'ok' : 'warn') : null,
    auth,
    t.model ? badge(`V2 model ${t.model}`) : null,
  );
  keyRow.hidden = t.kind !== 'url';
  clearKeyButton.hidden = !t.hasKey;
  setKeyButton.textContent = t.hasKey ? 'Change key…' : 'Set key…';
  replace(targetProblems, ...t.problems.map((p) => h('div', { class: 'problem' }, h('vscode-icon', { name: 'warning', 'aria-hidden': 'true' }), ` ${p}`)));
  const key = t.key;
  if (state.json[key] === undefined && t.jsonExample) state.json[key] = t.jsonExample;
  if (state.v2[key] === undefined && t.v2Example) state.v2[key] = t.v2Example;
  jsonArea.value = state.json[key] ?? '';
  v2Area.value = state.v2[key] ?? '';
  jsonHint.textContent = t.jsonExample ? 'Prefilled from the service’s swagger example, at the model’s full input shape. POST /score, application/json.' : 'POST /score, application/json.';
  v2Hint.textContent = t.v2Inputs
    ? `Inputs: ${t.v2Inputs.map((i) => `${i.name} ${i.datatype} [${i.shape.join(', ')}]`).join('; ')}. POST /v2/models/${t.model ?? '{model}'}/infer.`
    : 'Give the target a V2 model name to prefill from its signature.';
  renderEncodingOptions();
  save();
}

// ---------- images ----------
async function addFiles(files: Iterable<File>): Promise<void> {
  const list = [...files].filter((f) => f.type.startsWith('image/') || /\.(png|jpe?g|webp|gif|tiff?|avif|bmp)$/i.test(f.name));
  if (list.length === 0) {
    notice('error', 'Only image files can be added.');
    return;
  }
  const added: ImagePayload[] = [];
  const tooLarge: string[] = [];
  for (const f of list) {
    const name = f.name || `pasted-${Date.now()}.png`;
    // Checked before reading, so that a huge file is never loaded.
    if (f.size > imageLimits.maxImageBytes) {
      tooLarge.push(name);
      continue;
    }
    added.push({ name, mime: f.type, bytes: new Uint8Array(await f.arrayBuffer()) });
  }
  addImages(added, tooLarge);
}

/** Adds images while the batch has room; one notice names every image left out, with those already refused as too large. */
function addImages(added: ImagePayload[], tooLarge: readonly string[] = []): void {
  const room = Math.max(0, imageLimits.maxImages - images.length);
  const leftOut = [...tooLarge, ...added.slice(room).map((i) => i.name)];
  if (leftOut.length > 0) notice('error', imageLimitMessage(leftOut));
  for (const image of added.slice(0, room)) {
    images.push({ ...image, url: URL.createObjectURL(new Blob([image.bytes as Uint8Array<ArrayBuffer>], { type: image.mime || 'application/octet-stream' })) });
  }
  renderImages();
}

function removeImage(index: number): void {
  const [gone] = images.splice(index, 1);
  if (gone) URL.revokeObjectURL(gone.url);
  renderImages();
}

function renderImages(): void {
  clear(thumbs);
  images.forEach((image, i) => {
    const remove = iconButton('close', `Remove ${image.name}`);
    remove.addEventListener('click', () => removeImage(i));
    thumbs.appendChild(
      h(
        'li',
        { class: 'thumb' },
        h('img', { src: image.url, alt: image.name }),
        h('div', { class: 'thumb-text' }, h('span', { class: 'thumb-name', title: image.name }, image.name), h('span', { class: 'muted' }, formatBytes(image.bytes.length))),
        remove,
      ),
    );
  });
  thumbs.hidden = images.length === 0;
  clearImages.hidden = images.length === 0;
  dropZone.classList.toggle('compact', images.length > 0);
  renderEncodingOptions();
}

// ---------- sending ----------
function currentInput(tab: Tab): InputPayload | undefined {
  if (tab === 'json') return { mode: 'json', body: jsonArea.value };
  if (tab === 'v2') return { mode: 'v2', body: v2Area.value };
  if (tab === 'image') {
    if (images.length === 0) {
      notice('error', 'Add an image first: choose a file, drop one here or paste it.');
      dropZone.focus();
      return undefined;
    }
    return { mode: 'image', encoding: state.encoding, images: images.map(({ name, mime, bytes }) => ({ name, mime, bytes })) };
  }
  return undefined;
}

function send(tab: Tab = state.tab): void {
  if (sending) return;
  const input = currentInput(tab);
  if (!input) return;
  notice();
  post({ type: 'request/send', input });
}

function setSending(on: boolean, summary = ''): void {
  sending = on;
  for (const b of [sendImage, sendJson, sendV2]) b.disabled = on;
  if (on) {
    responseSection.hidden = false;
    const cancel = button('Cancel', { secondary: true, id: 'cancel-request' });
    cancel.addEventListener('click', () => post({ type: 'request/cancel' }));
    replace(statusLine, h('vscode-progress-ring', { 'aria-label': 'Waiting for the service', class: 'ring' }), h('span', {}, `Sending ${summary}…`), cancel);
  }
}

// ---------- results ----------
function statusClass(status: number): string {
  return status < 300 ? 'ok' : status < 500 ? 'warn' : 'err';
}

function renderResult(r: ResultView | undefined, snippets: PanelState['lastSnippets']): void {
  if (!r) return;
  responseSection.hidden = false;
  const copyId = iconButton('copy', 'Copy request id');
  copyId.addEventListener('click', () => post({ type: 'clipboard/copy', text: r.requestId }));
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
  clear(predictionsEl);
  (r.predictions ?? []).forEach((row, i) => {
    const name = r.imageNames?.[i] ?? (r.predictions && r.predictions.length > 1 ? `Row ${i + 1}` : '');
    const top = row[0];
    const title = `${name ? `${name}: ` : ''}top ${row.length} predictions${top ? `, first ${top.label} at ${(top.probability * 100).toFixed(1)}%` : ''}`;
    const image = images.find((im) => im.name === name);
    predictionsEl.appendChild(
      h(
        'figure',
        { class: 'prediction' },
        image ? h('img', { src: image.url, alt: '', class: 'prediction-thumb' }) : null,
        h(
          'div',
          { class: 'prediction-body' },
          h('figcaption', {}, top ? h('strong', { class: 'top-label' }, top.label) : null, name ? h('span', { class: 'muted' }, ` · ${name}`) : null),
          barChart(row.map((p) => ({ label: p.label, value: p.probability })), title),
        ),
      ),
    );
  });
  const table = h('vscode-table', { zebra: true, bordered: true, 'resizable': true, columns: '["30%","70%"]', 'aria-label': 'Response headers' });
  const head = h('vscode-table-header', { slot: 'header' }, h('vscode-table-header-cell', {}, 'Header'), h('vscode-table-header-cell', {}, 'Value'));
  const body = h('vscode-table-body', { slot: 'body' });
  for (const [k, v] of r.headers) body.appendChild(h('vscode-table-row', {}, h('vscode-table-cell', {}, k), h('vscode-table-cell', {}, v)));
  append(table, [head, body]);
  replace(headersCollapsible, table);
  headersCollapsible.setAttribute('description', `${r.headers.length}`);
  const copyBody = button('Copy body', { secondary: true, icon: 'copy' });
  copyBody.addEventListener('click', () => post({ type: 'clipboard/copy', text: r.body }));
  replace(
    bodyCollapsible,
    r.truncated ? h('p', { class: 'muted' }, `Showing the first ${formatBytes(r.body.length)} of ${formatBytes(r.bodyBytes)}.`) : null,
    h('pre', { class: 'code body', tabindex: '0', role: 'region', 'aria-label': 'Response body' }, prettyBody(r)),
    h('div', { class: 'row' }, copyBody),
  );
  bodyCollapsible.setAttribute('description', `${r.contentType || 'no content type'} · ${formatBytes(r.bodyBytes)}`);
  if (!r.ok) (bodyCollapsible as HTMLElement & { open: boolean }).open = true;
  renderSnippet(snippets);
}

function prettyBody(r: ResultView): string {
  if (r.truncated || !/json/i.test(r.contentType)) return r.body;
  try {
    return JSON.stringify(JSON.parse(r.body), null, 2);
  } catch {
    return r.body;
  }
}

function renderSnippet(snippets: PanelState['lastSnippets']): void {
  snippetCollapsible.hidden = !snippets;
  snippetPre.textContent = snippets ? snippets[state.snippetLanguage] : '';
}

// ---------- history ----------
function renderHistory(): void {
  clear(historyList);
  historyCollapsible.setAttribute('description', history.length === 0 ? 'this workspace' : `${history.length} in this workspace`);
  historyClear.hidden = history.length === 0;
  if (history.length === 0) {
    historyList.appendChild(h('p', { class: 'muted' }, 'Requests you send appear here, with their request ids, ready to run again.'));
    return;
  }
  const ul = h('ul', { class: 'history', 'aria-label': 'Request history' });
  for (const e of history) {
    // Requests too large to keep cannot be re-run: no button rather than a dead one.
    // `label` names the inner button screen readers see; the short title stays the tooltip.
    const rerun = e.rerunnable ? iconButton('debug-rerun', 'Run again', { label: `Run again: ${e.summary}`, 'aria-label': `Run again: ${e.summary}` }) : h('span', { class: 'icon-spacer' });
    rerun.addEventListener('click', () => e.rerunnable && post({ type: 'history/rerun', id: e.id }));
    const logs = iconButton('output', 'Show the service log lines of this request', {
      label: `Show log lines of request ${e.requestId ?? ''}`,
      'aria-label': `Show log lines of request ${e.requestId ?? ''}`,
    });
    logs.addEventListener('click', () => post({ type: 'history/showLog', id: e.id }));
    const remove = iconButton('trash', 'Remove from history', { label: `Remove ${e.summary} from history`, 'aria-label': `Remove ${e.summary} from history` });
    remove.addEventListener('click', () => post({ type: 'history/remove', id: e.id }));
    const time = new Date(e.at);
    ul.appendChild(
      h(
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
      ),
    );
  }
  historyList.appendChild(ul);
}

// ---------- load test ----------
function readInt(field: ValueElement, min: number, max: number, what: string): number | undefined {
  const n = Number(field.value);
  if (!Number.isInteger(n) || n < min || n > max) {
    notice('error', `${what} must be a whole number from ${min} to ${max}.`);
    field.focus();
    return undefined;
  }
  return n;
}

function startLoad(): void {
  const requests = readInt(loadN, 1, testerLimits.maxLoadRequests, 'Requests');
  const concurrency = requests === undefined ? undefined : readInt(loadC, 1, testerLimits.maxLoadConcurrency, 'Concurrency');
  const maxDurationS = concurrency === undefined ? undefined : readInt(loadD, 1, testerLimits.maxLoadDurationS, 'The time limit');
  if (requests === undefined || concurrency === undefined || maxDurationS === undefined) return;
  Object.assign(state, { loadRequests: requests, loadConcurrency: concurrency, loadDurationS: maxDurationS });
  save();
  notice();
  loadPoints = [];
  loadSummary.hidden = true;
  loadCopy.hidden = true;
  setLoadRunning(true);
  replace(loadLive, 'Starting…');
  drawLoadCharts();
  post({ type: 'loadtest/start', requests, concurrency, maxDurationS });
}

function setLoadRunning(on: boolean): void {
  loadRunning = on;
  loadStart.disabled = on;
  loadStop.disabled = !on;
}

function drawLoadCharts(): void {
  replace(
    loadCharts,
    h('div', { class: 'legend' }, h('span', { class: 'key p50' }, 'p50'), h('span', { class: 'key p95' }, 'p95'), h('span', { class: 'key p99' }, 'p99'), h('span', { class: 'key rps' }, 'requests/s')),
    lineChart(loadPoints, [{ key: 'p50', label: 'p50' }, { key: 'p95', label: 'p95' }, { key: 'p99', label: 'p99' }], 'ms', 'Latency percentiles over time', state.loadDurationS),
    lineChart(loadPoints, [{ key: 'rps', label: 'requests/s' }], 'req/s', 'Requests per second over time', state.loadDurationS),
  );
}

function renderLoadWhat(): void {
  const last = state.lastResult;
  loadWhat.textContent = last
    ? `Repeats the last request: ${last.summary} → ${last.url}. Up to ${testerLimits.maxLoadRequests.toLocaleString('en-US')} requests, ${testerLimits.maxLoadDurationS} s at most.`
    : 'Send one request first: the load test repeats it.';
  loadStart.disabled = !last || loadRunning;
}

// ---------- notices ----------
let noticeTimer: ReturnType<typeof setTimeout> | undefined;
function notice(level?: 'info' | 'error', message?: string): void {
  if (noticeTimer) clearTimeout(noticeTimer);
  if (!level || !message) {
    noticeEl.hidden = true;
    return;
  }
  noticeEl.hidden = false;
  noticeEl.className = `notice ${level}`;
  noticeEl.setAttribute('role', level === 'error' ? 'alert' : 'status');
  replace(noticeEl, h('vscode-icon', { name: level === 'error' ? 'error' : 'info', 'aria-hidden': 'true' }), h('span', {}, message));
  if (level === 'info') noticeTimer = setTimeout(() => notice(), 5000);
}

// ---------- host messages ----------
const handlers: Handlers<HostMessage> = {
  'state/init': (m) => {
    targets = m.targets;
    selectedKey = m.selectedKey;
    history = m.history;
    renderTargets();
    renderInfo();
    renderHistory();
  },
  'targets/update': (m) => {
    targets = m.targets;
    selectedKey = m.selectedKey;
    renderTargets();
  },
  'target/info': (m) => {
    info = m.info;
    if (selectedKey !== m.info.key) {
      selectedKey = m.info.key;
      renderTargets();
    }
    renderInfo();
  },
  'image/added': (m) => {
    if (m.replace) {
      for (const image of images) URL.revokeObjectURL(image.url);
      images = [];
    }
    selectTab('image');
    addImages(m.images);
  },
  'input/load': (m) => {
    const input = m.input;
    if (input.mode === 'json') {
      jsonArea.value = input.body;
      selectTab('json');
    } else if (input.mode === 'v2') {
      v2Area.value = input.body;
      selectTab('v2');
    } else {
      for (const image of images) URL.revokeObjectURL(image.url);
      images = [];
      state.encoding = input.encoding;
      addImages(input.images);
      selectTab('image');
    }
  },
  // What the Send button of that tab does (the host asks after it loaded the images of a command).
  'request/trigger': (m) => {
    if (m.mode) selectTab(m.mode);
    send(m.mode);
  },
  'request/started': (m) => setSending(true, m.summary),
  'request/finished': (m) => {
    setSending(false);
    state.lastResult = m.result;
    state.lastSnippets = m.snippets;
    save();
    renderResult(m.result, m.snippets);
    renderLoadWhat();
  },
  'request/failed': (m) => {
    setSending(false);
    responseSection.hidden = false;
    replace(statusLine, h('span', { class: 'pill status err' }, 'Not sent'), m.requestId ? h('span', { class: 'muted' }, ` request id ${m.requestId}`) : null);
    errorBox.hidden = false;
    replace(errorBox, m.message);
    clear(predictionsEl);
  },
  'history/update': (m) => {
    history = m.entries;
    renderHistory();
  },
  'loadtest/progress': (m) => {
    loadPoints.push(m.progress.point);
    const p = m.progress;
    replace(
      loadLive,
      h('span', { class: 'metric' }, `${p.completed} / ${state.loadRequests} done`),
      h('span', { class: 'metric' }, `${p.failed} failed`),
      h('span', { class: 'metric' }, `${(p.elapsedMs / 1000).toFixed(1)} s`),
      h('span', { class: 'metric' }, `p50 ${formatMs(p.point.p50)} · p95 ${formatMs(p.point.p95)} · p99 ${formatMs(p.point.p99)}`),
      h('span', { class: 'metric' }, `${p.point.rps.toFixed(0)} req/s`),
    );
    drawLoadCharts();
  },
  'loadtest/finished': (m) => {
    setLoadRunning(false);
    loadPoints = m.summary.points;
    drawLoadCharts();
    const s = m.summary;
    replace(
      loadLive,
      h('span', { class: `pill status ${s.failed === 0 ? 'ok' : 'err'}` }, s.stoppedBy === 'completed' ? 'Done' : s.stoppedBy === 'time-limit' ? 'Time limit reached' : 'Stopped'),
      h('span', { class: 'metric' }, `${s.succeeded} ok, ${s.failed} failed`),
      h('span', { class: 'metric' }, `${s.rps.toFixed(1)} req/s`),
      h('span', { class: 'metric' }, `p50 ${formatMs(s.latency.p50)} · p95 ${formatMs(s.latency.p95)} · p99 ${formatMs(s.latency.p99)}`),
    );
    loadSummaryText = m.text;
    loadSummary.textContent = m.text;
    loadSummary.hidden = false;
    loadCopy.hidden = false;
    renderLoadWhat();
  },
  'loadtest/failed': (m) => {
    setLoadRunning(false);
    replace(loadLive, '');
    notice('error', m.message);
    renderLoadWhat();
  },
  'notice/show': (m) => notice(m.level, m.message),
};

window.addEventListener('message', (event: MessageEvent) => {
  const parsed = parseHostMessage(event.data);
  if (!parsed.ok) {
    logWarning(`ignored an invalid message from the host: ${parsed.error}`);
    return;
  }
  void dispatch(handlers, parsed.message);
});

// ---------- events ----------
function selectTab(tab: Tab): void {
  state.tab = tab;
  (tabsEl as HTMLElement & { selectedIndex: number }).selectedIndex = tabs.indexOf(tab);
  save();
}

// vscode-tabs selects a tab on Enter only; the ARIA tabs pattern has Space do it too.
tabsEl.addEventListener('keydown', (event) => {
  const header = (event.target as HTMLElement).closest('vscode-tab-header');
  if ((event as KeyboardEvent).key !== ' ' || !header) return;
  event.preventDefault();
  const index = [...tabsEl.querySelectorAll('vscode-tab-header')].indexOf(header);
  const tab = tabs[index];
  if (tab) selectTab(tab);
});
tabsEl.addEventListener('vsc-tabs-select', (event) => {
  const index = (event as CustomEvent<{ selectedIndex: number }>).detail.selectedIndex;
  state.tab = tabs[index] ?? 'image';
  save();
});
targetSelect.addEventListener('change', () => {
  const value = targetSelect.value;
  if (value === customValue) {
    customForm.hidden = false;
    urlField.focus();
    return;
  }
  customForm.hidden = true;
  post({ type: 'target/select', key: value });
});
refreshButton.addEventListener('click', () => post({ type: 'target/refresh' }));
const useUrl = (): void => {
  const url = urlField.value.trim();
  if (!url) {
    notice('error', 'Type the scoring URI first, for example http://127.0.0.1:5001/score.');
    urlField.focus();
    return;
  }
  post({ type: 'target/custom', url, model: modelField.value.trim() || undefined });
};
useUrlButton.addEventListener('click', useUrl);
for (const f of [urlField, modelField]) f.addEventListener('keydown', (e) => (e as KeyboardEvent).key === 'Enter' && useUrl());
setKeyButton.addEventListener('click', () => post({ type: 'target/setKey' }));
clearKeyButton.addEventListener('click', () => post({ type: 'target/clearKey' }));

fileButton.addEventListener('click', (e) => {
  e.stopPropagation();
  post({ type: 'image/pick' });
});
dropZone.addEventListener('click', () => post({ type: 'image/pick' }));
dropZone.addEventListener('keydown', (e) => {
  if (e.target === dropZone && (e.key === 'Enter' || e.key === ' ')) {
    e.preventDefault();
    post({ type: 'image/pick' });
  }
});
dropZone.addEventListener('dragover', (e) => {
  e.preventDefault();
  dropZone.classList.add('dragging');
});
dropZone.addEventListener('dragleave', () => dropZone.classList.remove('dragging'));
dropZone.addEventListener('drop', (e) => {
  e.preventDefault();
  dropZone.classList.remove('dragging');
  if (e.dataTransfer?.files.length) void addFiles(e.dataTransfer.files);
});
document.addEventListener('paste', (e) => {
  const files = [...(e.clipboardData?.files ?? [])];
  if (files.length === 0) return;
  e.preventDefault();
  selectTab('image');
  void addFiles(files);
});
clearImages.addEventListener('click', () => {
  for (const image of images) URL.revokeObjectURL(image.url);
  images = [];
  renderImages();
});
encodingGroup.addEventListener('change', (e) => {
  const value = (e.target as HTMLElement & { value?: string }).value;
  if (value !== 'raw' && value !== 'base64' && value !== 'v2') return;
  state.encoding = value;
  save();
  renderEncodingOptions();
});
sendImage.addEventListener('click', () => send('image'));
sendJson.addEventListener('click', () => send('json'));
sendV2.addEventListener('click', () => send('v2'));
jsonArea.addEventListener('input', () => {
  if (info) state.json[info.key] = jsonArea.value;
  save();
});
v2Area.addEventListener('input', () => {
  if (info) state.v2[info.key] = v2Area.value;
  save();
});
resetJson.addEventListener('click', () => {
  jsonArea.value = info?.jsonExample ?? '';
  if (info) state.json[info.key] = jsonArea.value;
  save();
});
resetV2.addEventListener('click', () => {
  v2Area.value = info?.v2Example ?? '';
  if (info) state.v2[info.key] = v2Area.value;
  save();
});
snippetGroup.addEventListener('change', (e) => {
  const value = (e.target as HTMLElement & { value?: string }).value;
  if (value !== 'curl' && value !== 'python' && value !== 'javascript') return;
  state.snippetLanguage = value;
  save();
  renderSnippet(state.lastSnippets);
});
snippetCopy.addEventListener('click', () => post({ type: 'snippet/copy', language: state.snippetLanguage }));
loadStart.addEventListener('click', startLoad);
loadStop.addEventListener('click', () => post({ type: 'loadtest/stop' }));
loadCopy.addEventListener('click', () => post({ type: 'clipboard/copy', text: loadSummaryText }));
historyClear.addEventListener('click', () => post({ type: 'history/clear' }));
document.addEventListener('keydown', (e) => {
  if ((e.ctrlKey || e.metaKey) && e.key === 'Enter' && state.tab !== 'load') {
    e.preventDefault();
    send();
  }
});

// ---------- start ----------
selectTab(state.tab);
renderImages();
renderHistory();
renderInfo();
if (state.lastResult) renderResult(state.lastResult, state.lastSnippets);
renderLoadWhat();
drawLoadCharts();
post({ type: 'panel/ready' });
