// The tester's HTML shell: no inline script or style, a nonce on the one script, and a strict CSP.
// @vscode-elements/elements (Lit) styles its shadow roots with constructable stylesheets (adoptedStyleSheets),
// which CSP does not govern; where a browser lacks them Lit falls back to <style> elements carrying
// `window.litNonce`, which the bundle sets from its own script's nonce: hence `'nonce-…'` in style-src.
// Everything else (tester.css, codicons) loads from the webview's own origin (`cspSource`).
import { randomBytes } from 'node:crypto';

export interface TesterHtmlOptions {
  /** `webview.cspSource` (in VS Code) or the harness page's origin. */
  cspSource: string;
  scriptUri: string;
  styleUri: string;
  codiconsUri: string;
  nonce?: string;
  /** Shown as the document title (screen readers announce it). */
  title?: string;
}

export function createNonce(): string {
  return randomBytes(18).toString('base64').replace(/[^A-Za-z0-9]/g, '');
}

export function testerCsp(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src ${cspSource} 'nonce-${nonce}'`,
    `img-src ${cspSource} data: blob:`,
    `font-src ${cspSource}`,
  ].join('; ');
}

const escapeAttr = (s: string): string => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

export function testerHtml(o: TesterHtmlOptions): string {
  const nonce = o.nonce ?? createNonce();
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${escapeAttr(testerCsp(o.cspSource, nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${escapeAttr(o.codiconsUri)}" id="vscode-codicon-stylesheet">
<link rel="stylesheet" href="${escapeAttr(o.styleUri)}">
<title>${escapeAttr(o.title ?? 'Modelport endpoint tester')}</title>
</head>
<body>
<main id="app" aria-busy="true"></main>
<script nonce="${nonce}" src="${escapeAttr(o.scriptUri)}"></script>
</body>
</html>`;
}
