// Modelport: Sign in to Azure: for the aci target (see src/vscode/azure/azureSignIn.ts for the ways to sign in).
import type { CommandDeps } from '../../common/deps';
import { azureOf } from '../../common/azurePickers';

export async function signIn(deps: CommandDeps): Promise<string> {
  const account = await azureOf(deps).signIn();
  deps.log.info(`Signed in to Azure as ${account}`);
  deps.refresh();
  void deps.ui.info(`Signed in to Azure as ${account}.`);
  return account;
}
