// What every command receives: the UI, the log, the workspace's registry and services, secrets and settings.
// Built once by the composition root (src/extension.ts); unit tests build it from fakes.
import type { ModelRegistry } from '../../core/registry/modelRegistry';
import type { AzureAccess } from '../../core/services/aci/azureAccess';
import type { AuthMode, ComputeType, ServiceLifecycle } from '../../core/services/types';
import type { Log } from '../logging';
import type { Ui } from './ui';

export interface Settings {
  /** The workspace folder, relative to the project folder (or absolute). */
  workspaceFolder: string;
  defaultTarget: ComputeType;
  defaultAuthMode: AuthMode;
  dockerRunArgs: string[];
  /** modelport.kubernetes.registry: the registry a Kubernetes cluster pulls service images from ('' when unset). */
  kubernetesRegistry: string;
}

/** SecretStorage's shape, so flows can be tested with a Map. */
export interface SecretStore {
  get(key: string): PromiseLike<string | undefined>;
  store(key: string, value: string): PromiseLike<void>;
  delete(key: string): PromiseLike<void>;
}

/** The Modelport workspace of the open project folder. */
export interface ModelportWorkspace {
  /** The project folder (the VS Code workspace folder). */
  projectDir: string;
  /** The Modelport workspace folder, `<project>/.modelport` by default. */
  dir: string;
  registry: Pick<ModelRegistry, 'register' | 'list' | 'get' | 'delete'>;
  services: ServiceLifecycle;
}

export interface ServiceLogs {
  /** Streams the service's log into its output channel and shows it. */
  show(name: string): Promise<void>;
  /** Stops following a deleted service. */
  forget(name: string): void;
}

export interface CommandDeps {
  ui: Ui;
  log: Log;
  settings(): Settings;
  /** Throws a NotFoundError telling the user to open a folder when none is open. */
  workspace(): ModelportWorkspace;
  secrets: SecretStore;
  serviceLogs: ServiceLogs;
  /** Asks the tree to refresh (debounced). */
  refresh(): void;
  /** Runs another Modelport command through its error-handling wrapper (message buttons use it). */
  runCommand(id: string, ...args: unknown[]): Promise<unknown>;
  /** Where the extension is installed: samples and the bundled CLI live there. */
  extensionDir: string;
  /** Signing in to Azure, for the aci target (absent where the editor offers no Azure sign-in). */
  azure?: AzureSignInApi;
}

/** The editor's Azure sign-in, as command flows use it (src/vscode/azure/azureSignIn.ts implements it). */
export interface AzureSignInApi {
  /** The signed-in account's label, without prompting; undefined when not signed in. */
  account(): Promise<string | undefined>;
  /** Signs in (prompting when needed) and resolves with the account's label. */
  signIn(): Promise<string>;
  /** What the aci target and the pickers call Azure with; tokens are fetched on each use. */
  access(): Promise<AzureAccess>;
}
