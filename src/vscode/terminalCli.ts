// Puts the extension's `modelport` on the PATH of VS Code's integrated terminals (new ones; the collection
// persists, so terminals restored after a reload have it too), so CI/CD commands can be tried from the editor.
import { delimiter, join } from 'node:path';
import type * as vscode from 'vscode';
import { writeCliLauncher } from './cliLauncher';

/** Returns the folder put on PATH. */
export async function putCliOnTerminalPath(context: vscode.ExtensionContext): Promise<string> {
  const dir = join(context.globalStorageUri.fsPath, 'bin');
  await writeCliLauncher(dir, process.execPath, join(context.extensionPath, 'dist', 'cli.js'));
  const env = context.environmentVariableCollection;
  env.description = 'Puts the `modelport` command line of the Modelport extension on PATH.';
  env.prepend('PATH', `${dir}${delimiter}`);
  return dir;
}
