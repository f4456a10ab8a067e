// What command flows need from the editor's UI, as plain types: the VS Code adapter (window.apis.ts)
// implements it, unit tests implement it with scripted answers. No `vscode` import here.
import type { AttachConfiguration } from '../../core/docker/debugConfig';
import type { PythonAttachConfiguration } from '../../core/python/debugConfig';

export interface PickItem<T> {
  label: string;
  description?: string;
  detail?: string;
  value: T;
}

export interface InputOptions {
  title: string;
  prompt?: string;
  value?: string;
  placeHolder?: string;
  /** A message when the value is not acceptable, undefined when it is. */
  validate?: (value: string) => string | undefined;
}

export interface FileOptions {
  title: string;
  /** Label → extensions without dots, as VS Code's open dialog takes them. */
  filters?: Record<string, string[]>;
  folders?: boolean;
  defaultPath?: string;
}

export interface ProgressReporter {
  report(message: string): void;
}

export interface Ui {
  /** undefined when the user dismisses the pick. */
  pick<T>(items: ReadonlyArray<PickItem<T>>, options: { title: string; placeHolder?: string }): Promise<T | undefined>;
  input(options: InputOptions): Promise<string | undefined>;
  /** An absolute path, or undefined when dismissed. */
  pickFile(options: FileOptions): Promise<string | undefined>;
  info(message: string, ...buttons: string[]): Promise<string | undefined>;
  /** A modal warning returns the chosen button; dismissing it returns undefined. */
  confirm(message: string, detail: string, confirmButton: string): Promise<boolean>;
  error(message: string, ...buttons: string[]): Promise<string | undefined>;
  /** A cancellable progress notification; the signal aborts when the user cancels. */
  progress<T>(title: string, task: (progress: ProgressReporter, signal: AbortSignal) => Promise<T>): Promise<T>;
  copy(text: string): Promise<void>;
  openExternal(url: string): Promise<void>;
  /** Opens a file in an editor. */
  openFile(path: string): Promise<void>;
  /** Shows text in an untitled editor (JSON responses, tokens are never shown this way). */
  showText(content: string, language: string): Promise<void>;
  revealInExplorer(path: string): Promise<void>;
  /** Starts a debug session in the first workspace folder; false when VS Code could not start it. */
  startDebugging(config: AttachConfiguration | PythonAttachConfiguration): Promise<boolean>;
}
