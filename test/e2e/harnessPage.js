// Runs in the harness page before the panel's bundle (playwright addInitScript): plays VS Code's part in the
// page. A fake `acquireVsCodeApi` forwards messages to the Node side (typed arrays as base64, as VS Code
// transfers them as buffers), keeps getState/setState, applies the theme's --vscode-* variables like VS Code,
// and records CSP violations. Helpers under `__harness` drop and paste real File objects.
/* global window, document, btoa, atob, MessageEvent, DataTransfer, File, DragEvent, ClipboardEvent */
(() => {
  const config = window.__harnessConfig;
  const violations = [];
  window.__cspViolations = violations;
  document.addEventListener('securitypolicyviolation', (e) => violations.push(`${e.violatedDirective} ${e.blockedURI} ${e.sample}`));

  const b64 = (bytes) => {
    let s = '';
    for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    return btoa(s);
  };
  const toBytes = (text) => Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
  const replacer = (_k, v) => (v instanceof Uint8Array ? { __bytes: b64(v) } : v instanceof ArrayBuffer ? { __bytes: b64(new Uint8Array(v)) } : v);
  const reviver = (_k, v) => (v && typeof v === 'object' && typeof v.__bytes === 'string' ? toBytes(v.__bytes) : v);

  let state = config.state;
  let acquired = false;
  window.acquireVsCodeApi = () => {
    if (acquired) throw new Error('An instance of the VS Code API has already been acquired');
    acquired = true;
    return Object.freeze({
      postMessage: (m) => window.__hostReceive(JSON.stringify(m, replacer)),
      getState: () => state,
      setState: (s) => {
        state = s;
        window.__harnessSetState(JSON.stringify(s));
      },
    });
  };
  window.__deliver = (json) => window.dispatchEvent(new MessageEvent('message', { data: JSON.parse(json, reviver) }));

  const files = (list) => {
    const dt = new DataTransfer();
    for (const f of list) dt.items.add(new File([toBytes(f.base64)], f.name, { type: f.type }));
    return dt;
  };
  window.__harness = {
    drop(selector, list) {
      const target = document.querySelector(selector);
      const dataTransfer = files(list);
      target.dispatchEvent(new DragEvent('dragover', { bubbles: true, cancelable: true, dataTransfer }));
      target.dispatchEvent(new DragEvent('drop', { bubbles: true, cancelable: true, dataTransfer }));
    },
    paste(list) {
      document.dispatchEvent(new ClipboardEvent('paste', { bubbles: true, cancelable: true, clipboardData: files(list) }));
    },
    /** A message that no schema accepts, as a compromised or outdated page might send. */
    postRaw(message) {
      window.__hostReceive(JSON.stringify(message));
    },
  };

  // VS Code sets the theme's variables on <html>, and its classes (a high-contrast light theme gets
  // vscode-high-contrast-light and vscode-high-contrast), kind, name and id on <body>.
  const applyVars = () => {
    for (const [k, v] of Object.entries(config.theme.vars)) document.documentElement.style.setProperty(k, v);
  };
  if (document.documentElement) applyVars();
  document.addEventListener('DOMContentLoaded', () => {
    applyVars();
    document.body.classList.add(...config.theme.bodyClasses);
    document.body.setAttribute('data-vscode-theme-kind', config.theme.kind);
    document.body.setAttribute('data-vscode-theme-name', config.theme.name);
    document.body.setAttribute('data-vscode-theme-id', config.theme.id);
  });
})();
