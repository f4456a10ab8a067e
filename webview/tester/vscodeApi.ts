// The one handle a webview has on its host. `acquireVsCodeApi` is injected by VS Code (or by the test harness).
import type { WebviewMessage } from '../../src/protocol/tester';

export interface VsCodeApi<S> {
  postMessage(message: WebviewMessage): void;
  getState(): S | undefined;
  setState(state: S): void;
}

declare function acquireVsCodeApi<S>(): VsCodeApi<S>;

export function vscodeApi<S>(): VsCodeApi<S> {
  return acquireVsCodeApi<S>();
}

/** The webview's console (Developer Tools): the only place its own diagnostics go. */
export function logWarning(message: string): void {
  // eslint-disable-next-line no-console
  console.warn(`[modelport tester] ${message}`);
}
