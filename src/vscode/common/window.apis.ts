// The Ui of command flows, implemented with VS Code's window, env and commands APIs. Thin on purpose:
// everything worth testing happens in the flows, which unit tests drive with a scripted Ui.
import * as vscode from 'vscode';
import type { AttachConfiguration } from '../../core/docker/debugConfig';
import type { PythonAttachConfiguration } from '../../core/python/debugConfig';
import type { FileOptions, InputOptions, PickItem, ProgressReporter, Ui } from './ui';

export function createVscodeUi(): Ui {
  return {
    async pick<T>(items: ReadonlyArray<PickItem<T>>, options: { title: string; placeHolder?: string }): Promise<T | undefined> {
      const picked = await vscode.window.showQuickPick(
        items.map((i) => ({ label: i.label, description: i.description, detail: i.detail, item: i })),
        { title: options.title, placeHolder: options.placeHolder, ignoreFocusOut: true, matchOnDescription: true },
      );
      return picked?.item.value;
    },
    async input(options: InputOptions): Promise<string | undefined> {
      return vscode.window.showInputBox({
        title: options.title,
        prompt: options.prompt,
        value: options.value,
        placeHolder: options.placeHolder,
        ignoreFocusOut: true,
        validateInput: options.validate ? (v) => options.validate?.(v) ?? null : undefined,
      });
    },
    async pickFile(options: FileOptions): Promise<string | undefined> {
      const picked = await vscode.window.showOpenDialog({
        title: options.title,
        canSelectFiles: options.folders !== true,
        canSelectFolders: options.folders === true,
        canSelectMany: false,
        filters: options.filters,
        defaultUri: options.defaultPath ? vscode.Uri.file(options.defaultPath) : undefined,
      });
      return picked?.[0]?.fsPath;
    },
    async info(message: string, ...buttons: string[]): Promise<string | undefined> {
      return vscode.window.showInformationMessage(message, ...buttons);
    },
    async confirm(message: string, detail: string, confirmButton: string): Promise<boolean> {
      return (await vscode.window.showWarningMessage(message, { modal: true, detail }, confirmButton)) === confirmButton;
    },
    async error(message: string, ...buttons: string[]): Promise<string | undefined> {
      return vscode.window.showErrorMessage(message, ...buttons);
    },
    async progress<T>(title: string, task: (progress: ProgressReporter, signal: AbortSignal) => Promise<T>): Promise<T> {
      return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, (progress, token) => {
        const controller = new AbortController();
        const sub = token.onCancellationRequested(() => controller.abort());
        return task({ report: (message) => progress.report({ message }) }, controller.signal).finally(() => sub.dispose());
      });
    },
    async copy(text: string): Promise<void> {
      await vscode.env.clipboard.writeText(text);
    },
    async openExternal(url: string): Promise<void> {
      await vscode.env.openExternal(vscode.Uri.parse(url));
    },
    async openFile(path: string): Promise<void> {
      await vscode.window.showTextDocument(vscode.Uri.file(path), { preview: false });
    },
    async showText(content: string, language: string): Promise<void> {
      const doc = await vscode.workspace.openTextDocument({ content, language });
      await vscode.window.showTextDocument(doc, { preview: true, viewColumn: vscode.ViewColumn.Beside });
    },
    async revealInExplorer(path: string): Promise<void> {
      await vscode.commands.executeCommand('revealInExplorer', vscode.Uri.file(path));
    },
    async startDebugging(config: AttachConfiguration | PythonAttachConfiguration): Promise<boolean> {
      return vscode.debug.startDebugging(vscode.workspace.workspaceFolders?.[0], { ...config });
    },
  };
}
