// Which files can be entry scripts, and in which language: the one list the config loader, the server's module
// loaders, the scaffolder and the CLI's help all read. Python scripts run in the Python runtime's workers;
// JavaScript and TypeScript in the Node server (TypeScript compiled on load with esbuild).

export const pythonEntryExtensions = ['.py'] as const;
export const javascriptEntryExtensions = ['.js', '.mjs', '.cjs'] as const;
export const typescriptEntryExtensions = ['.ts', '.mts', '.cts'] as const;
/** What the Node server loads itself. */
export const nodeEntryExtensions = [...javascriptEntryExtensions, ...typescriptEntryExtensions] as const;
export const entryScriptExtensions = [...pythonEntryExtensions, ...nodeEntryExtensions] as const;

export type EntryScriptLanguage = 'python' | 'javascript' | 'typescript';

function extensionOf(file: string): string {
  const dot = file.lastIndexOf('.');
  return dot > file.lastIndexOf('/') && dot > file.lastIndexOf('\\') ? file.slice(dot).toLowerCase() : '';
}

export function entryScriptLanguage(file: string): EntryScriptLanguage | undefined {
  const ext = extensionOf(file);
  if ((pythonEntryExtensions as readonly string[]).includes(ext)) return 'python';
  if ((javascriptEntryExtensions as readonly string[]).includes(ext)) return 'javascript';
  if ((typescriptEntryExtensions as readonly string[]).includes(ext)) return 'typescript';
  return undefined;
}

/** `.py, .js, .mjs, .cjs, .ts, .mts or .cts` (or the list given), for messages and help. */
export function entryScriptExtensionList(extensions: readonly string[] = entryScriptExtensions): string {
  return `${extensions.slice(0, -1).join(', ')} or ${extensions.at(-1) ?? ''}`;
}
