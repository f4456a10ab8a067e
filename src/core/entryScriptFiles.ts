// Which files can be entry scripts, and in which language: the one list the config loader, the server's module
// loader, the scaffolder and the CLI's help all read.

export const javascriptEntryExtensions = ['.js', '.mjs', '.cjs'] as const;
/** Compiled on load with esbuild. */
export const typescriptEntryExtensions = ['.ts', '.mts', '.cts'] as const;
export const entryScriptExtensions = [...javascriptEntryExtensions, ...typescriptEntryExtensions] as const;

export type EntryScriptLanguage = 'javascript' | 'typescript';

function extensionOf(file: string): string {
  const dot = file.lastIndexOf('.');
  return dot > file.lastIndexOf('/') && dot > file.lastIndexOf('\\') ? file.slice(dot).toLowerCase() : '';
}

export function entryScriptLanguage(file: string): EntryScriptLanguage | undefined {
  const ext = extensionOf(file);
  if ((javascriptEntryExtensions as readonly string[]).includes(ext)) return 'javascript';
  if ((typescriptEntryExtensions as readonly string[]).includes(ext)) return 'typescript';
  return undefined;
}

/** `.js, .mjs, .cjs, .ts, .mts or .cts`, for messages and help. */
export function entryScriptExtensionList(): string {
  return `${entryScriptExtensions.slice(0, -1).join(', ')} or ${entryScriptExtensions.at(-1) ?? ''}`;
}
