// Code that repeats the exact request a user just made, in curl, Python `requests` and JavaScript `fetch`.
// The key is masked unless the caller asks for it (only the host asks, when it writes the clipboard).
import type { HttpRequestSpec } from './request';

export type SnippetLanguage = 'curl' | 'python' | 'javascript';
export const snippetLanguages: readonly SnippetLanguage[] = ['curl', 'python', 'javascript'];

export const maskedSecret = '<your-key>';

export interface SnippetOptions {
  /** `Bearer …` as it will be sent; omitted when the service has no auth. */
  authorization?: string;
  /** Put the real key in the snippet (for the clipboard). Default: masked. */
  reveal?: boolean;
}

function authValue(options: SnippetOptions): string | undefined {
  if (!options.authorization) return undefined;
  if (options.reveal) return options.authorization;
  const scheme = /^(\S+)\s/.exec(options.authorization)?.[1] ?? 'Bearer';
  return `${scheme} ${maskedSecret}`;
}

function headersOf(spec: HttpRequestSpec, options: SnippetOptions): Array<[string, string]> {
  const headers = Object.entries(spec.headers);
  const auth = authValue(options);
  return auth ? [...headers, ['Authorization', auth]] : headers;
}

/** POSIX shell single quotes: nothing inside is special but the quote itself. */
export function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

function jsString(text: string): string {
  return `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n').replace(/\r/g, '\\r')}'`;
}

function pyString(text: string): string {
  return JSON.stringify(text);
}

function curl(spec: HttpRequestSpec, options: SnippetOptions): string {
  const lines = [`curl -X POST ${shellQuote(spec.url)}`, ...headersOf(spec, options).map(([k, v]) => `  -H ${shellQuote(`${k}: ${v}`)}`)];
  const body = spec.snippetBody;
  switch (body.kind) {
    case 'json':
      return [...lines, `  --data-raw ${shellQuote(body.text)}`].join(' \\\n');
    case 'json-file':
      return [`# Save the request body (${body.bytes} bytes) as ${body.file} first.`, ...[...lines, `  --data-binary @${shellQuote(body.file)}`].join(' \\\n').split('\n')].join('\n');
    case 'image':
      return [...lines, `  --data-binary @${shellQuote(body.file)}`].join(' \\\n');
    case 'base64-images': {
      const template = body.files.length === 1 ? '{"image": "%s"}' : `{"images": [${body.files.map(() => '"%s"').join(', ')}]}`;
      const args = body.files.map((f) => `"$(base64 -w0 ${shellQuote(f)})"`).join(' ');
      return [`printf ${shellQuote(template)} ${args} |`, ...[...lines, '  --data-binary @-'].join(' \\\n').split('\n')].join('\n');
    }
  }
}

function python(spec: HttpRequestSpec, options: SnippetOptions): string {
  const headers = headersOf(spec, options)
    .map(([k, v]) => `    ${pyString(k)}: ${pyString(v)},`)
    .join('\n');
  const head = ['import requests', '', `url = ${pyString(spec.url)}`, `headers = {\n${headers}\n}`];
  const body = spec.snippetBody;
  const tail = ['print(response.status_code, response.headers.get("x-request-id"))', 'print(response.text)'];
  switch (body.kind) {
    case 'json':
      if (!body.text.includes("'''") && !body.text.includes('\\')) {
        return [...head, `body = '''${body.text}'''`, 'response = requests.post(url, data=body.encode("utf-8"), headers=headers, timeout=60)', ...tail].join('\n');
      }
      return [...head, `body = ${pyString(body.text)}`, 'response = requests.post(url, data=body.encode("utf-8"), headers=headers, timeout=60)', ...tail].join('\n');
    case 'json-file':
    case 'image':
      return [...head, `with open(${pyString(body.file)}, "rb") as f:`, '    body = f.read()', 'response = requests.post(url, data=body, headers=headers, timeout=60)', ...tail].join('\n');
    case 'base64-images': {
      const files = `[${body.files.map(pyString).join(', ')}]`;
      const payload = body.files.length === 1 ? '{"image": images[0]}' : '{"images": images}';
      return [
        'import base64',
        ...head,
        'images = []',
        `for name in ${files}:`,
        '    with open(name, "rb") as f:',
        '        images.append(base64.b64encode(f.read()).decode("ascii"))',
        `response = requests.post(url, json=${payload}, headers=headers, timeout=60)`,
        ...tail,
      ].join('\n');
    }
  }
}

function javascript(spec: HttpRequestSpec, options: SnippetOptions): string {
  const headers = headersOf(spec, options)
    .map(([k, v]) => `    ${jsString(k)}: ${jsString(v)},`)
    .join('\n');
  const body = spec.snippetBody;
  const needsFs = body.kind !== 'json';
  const call = (bodyExpr: string): string[] => [
    `const response = await fetch(${jsString(spec.url)}, {`,
    "  method: 'POST',",
    `  headers: {\n${headers}\n  },`,
    `  body: ${bodyExpr},`,
    '});',
    "console.log(response.status, response.headers.get('x-request-id'));",
    'console.log(await response.text());',
  ];
  const head = needsFs ? ["import { readFile } from 'node:fs/promises';", ''] : [];
  switch (body.kind) {
    case 'json':
      return [...head, `const body = ${jsString(body.text)};`, ...call('body')].join('\n');
    case 'json-file':
    case 'image':
      return [...head, ...call(`await readFile(${jsString(body.file)})`)].join('\n');
    case 'base64-images': {
      const files = `[${body.files.map(jsString).join(', ')}]`;
      const payload = body.files.length === 1 ? '{ image: images[0] }' : '{ images }';
      return [
        ...head,
        `const images = await Promise.all(${files}.map(async (name) => (await readFile(name)).toString('base64')));`,
        ...call(`JSON.stringify(${payload})`),
      ].join('\n');
    }
  }
}

export function generateSnippet(language: SnippetLanguage, spec: HttpRequestSpec, options: SnippetOptions = {}): string {
  if (language === 'curl') return curl(spec, options);
  if (language === 'python') return python(spec, options);
  return javascript(spec, options);
}

export function generateSnippets(spec: HttpRequestSpec, options: SnippetOptions = {}): Record<SnippetLanguage, string> {
  return { curl: curl(spec, options), python: python(spec, options), javascript: javascript(spec, options) };
}

