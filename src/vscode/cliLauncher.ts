// The `modelport` command of VS Code's integrated terminals: a launcher that runs this extension's bundled CLI
// (dist/cli.js) with the editor's own Node — Electron run as Node on the desktop, code-server's Node on the web —
// so the CLI commands the README shows work in the editor's terminals with nothing else installed. Written into a
// folder of the extension's storage, which terminalCli.ts puts first on the terminals' PATH. No `vscode` here.
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface CliLauncher {
  fileName: string;
  content: string;
}

/** A POSIX shell word holding `s` literally. */
function shellQuote(s: string): string {
  return `'${s.replaceAll("'", `'\\''`)}'`;
}

export function cliLauncher(platform: NodeJS.Platform, nodePath: string, cliPath: string): CliLauncher {
  if (platform === 'win32') {
    return { fileName: 'modelport.cmd', content: `@echo off\r\nset ELECTRON_RUN_AS_NODE=1\r\n"${nodePath}" "${cliPath}" %*\r\n` };
  }
  return {
    fileName: 'modelport',
    content: `#!/bin/sh\n# Written by the Modelport extension: its bundled CLI, run by the editor's Node.\nELECTRON_RUN_AS_NODE=1 exec ${shellQuote(nodePath)} ${shellQuote(cliPath)} "$@"\n`,
  };
}

/** Writes the launcher into `dir` (created), executable; returns its path. */
export async function writeCliLauncher(dir: string, nodePath: string, cliPath: string, platform: NodeJS.Platform = process.platform): Promise<string> {
  const launcher = cliLauncher(platform, nodePath, cliPath);
  await mkdir(dir, { recursive: true });
  const file = join(dir, launcher.fileName);
  await writeFile(file, launcher.content, { mode: 0o755 });
  await chmod(file, 0o755); // an older launcher keeps its mode through writeFile
  return file;
}
