// What the host side of the endpoint tester is given, kept free of the `vscode` module: the VS Code adapter
// (testerPanel.ts) provides SecretStorage, workspaceState, the clipboard and dialogs; the browser harness of
// test/e2e provides in-memory ones. Every part of the host side (testerController.ts and the tester*.ts it
// composes) depends on these shapes only.
import type { ImageInput } from '../../core/client/request';
import type { KeyValueStore } from '../../core/client/history';
import type { PreprocessSpec } from '../../core/modelConfig';
import type { ImageTensor } from '../../core/preprocess/imageTensor';
import type { HostMessage, ResultView } from '../../protocol/tester';

/** A deployed Modelport service as the tester needs it. */
export interface TesterService {
  name: string;
  scoringUri: string;
  authMode: 'none' | 'key' | 'token';
  state?: string;
  /** Registry refs (`name:version`); the first one is the V2 model. */
  models: string[];
}

export interface TesterServiceSource {
  list(): Promise<TesterService[]>;
  /** `Bearer <primary key or token>` for a service with auth; undefined when it has none. */
  authorization(name: string): Promise<string | undefined>;
  /** The model config's preprocess section, for V2 tensors made from images. */
  preprocessSpec?(name: string): Promise<PreprocessSpec | undefined>;
  /** Shows the service's log lines of one request. */
  showRequestLog?(name: string, requestId: string): Promise<void>;
}

export interface SecretStore {
  get(key: string): PromiseLike<string | undefined>;
  store(key: string, value: string): PromiseLike<void>;
  delete(key: string): PromiseLike<void>;
}

export interface TesterLog {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export interface TesterHostEnv {
  post(message: HostMessage): unknown;
  secrets: SecretStore;
  /** Per-workspace storage (workspaceState): history and custom targets. */
  state: KeyValueStore;
  writeClipboard(text: string): PromiseLike<void>;
  /** A file dialog: the chosen images' bytes (the webview never sees paths). */
  pickImages(): PromiseLike<ImageInput[]>;
  /** Asks for a key or token without echoing it; undefined when the user cancels. */
  promptKey(targetLabel: string): PromiseLike<string | undefined>;
  log: TesterLog;
  /**
   * The server's own image preprocessing, for V2 tensors made from images. Given by the adapter: the extension
   * loads it (and sharp) on first use from a bundle of its own, so activation never does.
   */
  imagesToTensor(images: Buffer[], spec: PreprocessSpec): Promise<ImageTensor>;
  fetch?: typeof fetch;
  /** Told how every request ends (integration tests and the extension's API observe the panel through it). */
  onOutcome?(outcome: TesterOutcome): void;
}

/** How the last request of a panel ended: the answer as the panel shows it, or why it was not sent. */
export type TesterOutcome = { ok: true; result: ResultView } | { ok: false; message: string; requestId?: string };

/** What a command gives the panel besides its target: images already read, and whether to send at once. */
export interface TesterPreload {
  images?: ImageInput[];
  /** A JSON body for the JSON tab. */
  json?: string;
  send?: boolean;
}

/** Posts to the panel's webview; the controller's version drops messages once the panel is disposed. */
export type PostToWebview = (message: HostMessage) => void;
