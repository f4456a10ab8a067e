// Signing in to Azure from the editor. By default with VS Code's built-in Microsoft account
// (vscode.authentication, provider 'microsoft'); with the setting modelport.azure.signIn =
// "defaultAzureCredential", with the same credential chain as the CLI (an environment service principal, workload
// or managed identity, the Azure CLI's login) — for remote, container and browser-hosted editors where no
// Microsoft account provider exists, and for CI. That setting is also how the in-editor tests sign in to the Entra
// double: nothing here accepts a token from anywhere but an authority.
import * as vscode from 'vscode';
import type { AccessToken, TokenCredential } from '@azure/identity';
import { resourceManagerEndpoint, resourceManagerScope, type AzureAccess } from '../../core/services/aci/azureAccess';
import { AzureError } from '../../core/services/aci/aciErrors';
import type { AzureSignInApi } from '../common/deps';

type SignInMode = 'microsoftAccount' | 'defaultAzureCredential';

export const signInHowTo = 'Run "Modelport: Sign in to Azure" (or choose modelport.azure.signIn = defaultAzureCredential to use the Azure CLI login or AZURE_TENANT_ID / AZURE_CLIENT_ID / AZURE_CLIENT_SECRET).';

function settings(): { mode: SignInMode; authorityHost: string | undefined; endpoint: string } {
  const c = vscode.workspace.getConfiguration('modelport.azure');
  const mode = c.get<string>('signIn') === 'defaultAzureCredential' ? 'defaultAzureCredential' : 'microsoftAccount';
  const authorityHost = c.get<string>('authorityHost')?.trim() || process.env.AZURE_AUTHORITY_HOST || undefined;
  const endpoint = resourceManagerEndpoint(c.get<string>('resourceManagerEndpoint')?.trim() || process.env.AZURE_RESOURCE_MANAGER_ENDPOINT);
  return { mode, authorityHost, endpoint };
}

export class AzureSignIn implements AzureSignInApi {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private envAccount: string | undefined;

  constructor(context: vscode.ExtensionContext) {
    context.subscriptions.push(
      this.changed,
      vscode.authentication.onDidChangeSessions((e) => {
        if (e.provider.id === 'microsoft') this.changed.fire();
      }),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('modelport.azure')) {
          this.envAccount = undefined;
          this.changed.fire();
        }
      }),
    );
  }

  private async session(scope: string, createIfNone: boolean): Promise<vscode.AuthenticationSession | undefined> {
    try {
      return await vscode.authentication.getSession('microsoft', [scope], createIfNone ? { createIfNone: true } : { silent: true });
    } catch (err) {
      if (createIfNone) throw new AzureError('unauthorized', `Could not sign in to Azure with the editor's Microsoft account: ${err instanceof Error ? err.message : String(err)}\n${signInHowTo}`, undefined);
      return undefined;
    }
  }

  async account(): Promise<string | undefined> {
    const s = settings();
    if (s.mode === 'defaultAzureCredential') return this.envAccount;
    return (await this.session(resourceManagerScope(s.endpoint), false))?.account.label;
  }

  async signIn(): Promise<string> {
    const s = settings();
    if (s.mode === 'defaultAzureCredential') {
      const access = await this.access();
      await access.credential.getToken(access.scope);
      this.envAccount = process.env.AZURE_CLIENT_ID ? `service principal ${process.env.AZURE_CLIENT_ID}` : 'DefaultAzureCredential';
      this.changed.fire();
      return this.envAccount;
    }
    const session = await this.session(resourceManagerScope(s.endpoint), true);
    if (!session) throw new AzureError('unauthorized', `Not signed in to Azure. ${signInHowTo}`, undefined);
    this.changed.fire();
    return session.account.label;
  }

  async access(): Promise<AzureAccess> {
    const s = settings();
    const scope = resourceManagerScope(s.endpoint);
    if (s.mode === 'defaultAzureCredential') {
      const { cliAzureAccess } = await import('../../core/services/aci/cliAzureAccess.js');
      const env = { ...process.env, ...(s.authorityHost ? { AZURE_AUTHORITY_HOST: s.authorityHost } : {}), AZURE_RESOURCE_MANAGER_ENDPOINT: s.endpoint };
      return { ...cliAzureAccess(env), signInHint: signInHowTo };
    }
    const credential: TokenCredential = {
      getToken: async (): Promise<AccessToken> => {
        const session = await this.session(scope, false);
        if (!session) throw new AzureError('unauthorized', `Not signed in to Azure. ${signInHowTo}`, undefined);
        // The session does not say when its token expires: ask again in a few minutes (VS Code refreshes it).
        return { token: session.accessToken, expiresOnTimestamp: Date.now() + 5 * 60_000 };
      },
    };
    return { credential, resourceManagerEndpoint: s.endpoint, scope, signInHint: signInHowTo };
  }
}
