// The CLI signs in to Azure as Azure's own tools do: DefaultAzureCredential (an environment service principal
// AZURE_TENANT_ID / AZURE_CLIENT_ID / AZURE_CLIENT_SECRET, workload identity, managed identity, the Azure CLI's
// login, …). Loaded only when an ACI service is used.
import { DefaultAzureCredential } from '@azure/identity';
import { isMicrosoftAuthority, resourceManagerEndpoint, resourceManagerScope, type AzureAccess } from './azureAccess';

export const cliSignInHint =
  'Sign in to Azure: `az login` (Azure CLI), or set AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET for a service principal ' +
  '(a managed or workload identity works too). Other clouds: AZURE_AUTHORITY_HOST and AZURE_RESOURCE_MANAGER_ENDPOINT.';

export function cliAzureAccess(env: NodeJS.ProcessEnv): AzureAccess {
  const authorityHost = env.AZURE_AUTHORITY_HOST || undefined;
  const endpoint = resourceManagerEndpoint(env.AZURE_RESOURCE_MANAGER_ENDPOINT);
  const credential = new DefaultAzureCredential({
    ...(authorityHost ? { authorityHost } : {}),
    // MSAL would otherwise ask the public cloud to validate a sovereign or private authority first.
    ...(isMicrosoftAuthority(authorityHost) ? {} : { disableInstanceDiscovery: true }),
  });
  return { credential, resourceManagerEndpoint: endpoint, scope: resourceManagerScope(endpoint), signInHint: cliSignInHint };
}
