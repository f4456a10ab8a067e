// The endpoint tester's webview: shows and asks, never calls a service itself. Every message from the host is
// validated (src/protocol/tester.ts) before it is used; the host does the HTTP, the files and the clipboard.
// This file composes the panel's parts (one file each: target, image input, JSON/V2 editors, load test,
// response, snippets, history) and routes the host's messages to them through the typed dispatch.
import './zodConfig';
import './components';
import { dispatch, parseHostMessage, type Handlers, type HostMessage, type WebviewMessage } from '../../src/protocol/tester';
import { replace } from './dom';
import { createHistoryList } from './historyList';
import { createImageInput } from './imageInput';
import { createLoadTestTab } from './loadTest';
import { createNotice } from './notice';
import type { PanelContext } from './panelContext';
import { createRequestEditors } from './requestEditors';
import { createResults } from './results';
import { createSender } from './sending';
import { createSnippetView } from './snippets';
import { restoreState, stateToSave, type PanelState } from './state';
import { createTabs } from './tabs';
import { createTargetSection } from './targetSection';
import { logWarning, vscodeApi } from './vscodeApi';

// Lit falls back to <style> elements where constructable stylesheets are missing; they carry this nonce.
(window as Window & { litNonce?: string }).litNonce = (document.currentScript as HTMLScriptElement | null)?.nonce || undefined;

const api = vscodeApi<PanelState>();
const notice = createNotice();
const state = restoreState(api.getState());
const ctx: PanelContext = {
  state,
  save: () => api.setState(stateToSave(state)),
  post: (message: WebviewMessage) => api.postMessage(message),
  notice: notice.show,
};

// ---------- the parts, and the layout ----------
const images = createImageInput(ctx);
const editors = createRequestEditors(ctx);
const loadTest = createLoadTestTab(ctx);
const tabs = createTabs(ctx, { image: images.panel, json: editors.jsonPanel, v2: editors.v2Panel, load: loadTest.panel });
const snippets = createSnippetView(ctx);
const results = createResults(ctx, snippets, images.urlOf);
const sender = createSender(ctx, { image: images.send, json: editors.json, v2: editors.v2 }, results);
const history = createHistoryList(ctx);
// What follows the selected target: the editors' bodies and whether images can go as a V2 tensor.
const target = createTargetSection(ctx, (info) => {
  editors.showInfo(info);
  images.setInfo(info);
  ctx.save();
});

const app = document.getElementById('app') ?? document.body;
replace(app, target.element, notice.element, tabs.element, results.element, history.element);
app.removeAttribute('aria-busy');

// ---------- host messages ----------
const handlers: Handlers<HostMessage> = {
  'state/init': (m) => {
    target.setTargets(m.targets, m.selectedKey);
    target.renderInfo();
    history.show(m.history);
  },
  'targets/update': (m) => target.setTargets(m.targets, m.selectedKey),
  'target/info': (m) => target.setInfo(m.info),
  'image/added': (m) => {
    tabs.select('image');
    images.add(m.images, m.replace);
  },
  'input/load': (m) => {
    const input = m.input;
    if (input.mode === 'image') {
      state.encoding = input.encoding;
      images.add(input.images, true);
    } else {
      editors.load(input.mode, input.body);
    }
    tabs.select(input.mode);
  },
  // What the Send button of that tab does (the host asks after it loaded the images of a command).
  'request/trigger': (m) => {
    if (m.mode) tabs.select(m.mode);
    sender.send(m.mode);
  },
  'request/started': (m) => sender.setSending(true, m.summary),
  'request/finished': (m) => {
    sender.setSending(false);
    state.lastResult = m.result;
    state.lastSnippets = m.snippets;
    ctx.save();
    results.show(m.result, m.snippets);
    loadTest.renderWhat();
  },
  'request/failed': (m) => {
    sender.setSending(false);
    state.lastResult = undefined;
    state.lastSnippets = undefined;
    ctx.save();
    results.showFailure(m.message, m.requestId);
  },
  'history/update': (m) => history.show(m.entries),
  'loadtest/progress': (m) => loadTest.progress(m.progress),
  'loadtest/finished': (m) => loadTest.finished(m.summary, m.text),
  'loadtest/failed': (m) => loadTest.failed(m.message),
  'notice/show': (m) => notice.show(m.level, m.message),
};

window.addEventListener('message', (event: MessageEvent) => {
  const parsed = parseHostMessage(event.data);
  if (!parsed.ok) {
    logWarning(`ignored an invalid message from the host: ${parsed.error}`);
    return;
  }
  void dispatch(handlers, parsed.message);
});

// ---------- panel-wide keys: paste anywhere adds images, Ctrl+Enter sends ----------
document.addEventListener('paste', (e) => {
  const files = [...(e.clipboardData?.files ?? [])];
  if (files.length === 0) return;
  e.preventDefault();
  tabs.select('image');
  void images.addFiles(files);
});
document.addEventListener('keydown', (e) => {
  if ((e.ctrlKey || e.metaKey) && e.key === 'Enter' && state.tab !== 'load') {
    e.preventDefault();
    sender.send();
  }
});

// ---------- start ----------
tabs.select(state.tab);
target.renderInfo();
if (state.lastResult) results.show(state.lastResult, state.lastSnippets);
ctx.post({ type: 'panel/ready' });
