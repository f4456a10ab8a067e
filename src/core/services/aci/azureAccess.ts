// How Modelport reaches Azure: a credential (DefaultAzureCredential in the CLI, the editor's Microsoft account in
// VS Code) and the Resource Manager endpoint. Other clouds, and the contract doubles in tests, are reached the way
// the Azure SDKs document: AZURE_AUTHORITY_HOST selects the Entra authority, AZURE_RESOURCE_MANAGER_ENDPOINT the
// Resource Manager endpoint.
import type { TokenCredential } from '@azure/identity';

export interface AzureAccess {
  credential: TokenCredential;
  /** `https://management.azure.com` unless another cloud is configured. */
  resourceManagerEndpoint: string;
  /** The scope ARM tokens are asked for. */
  scope: string;
  /** How to sign in, for the message a missing or refused sign-in gets. */
  signInHint: string;
}

export const publicResourceManager = 'https://management.azure.com';

/** The Resource Manager scope of the sovereign clouds; any other endpoint (a proxy, a double) takes the public one. */
const cloudScopes: Readonly<Record<string, string>> = {
  'management.usgovcloudapi.net': 'https://management.usgovcloudapi.net/.default',
  'management.chinacloudapi.cn': 'https://management.chinacloudapi.cn/.default',
};

export function resourceManagerEndpoint(value: string | undefined): string {
  const endpoint = (value?.trim() || publicResourceManager).replace(/\/+$/, '');
  const url = new URL(endpoint);
  if (url.protocol !== 'https:') throw new Error(`The Resource Manager endpoint must be https (got ${endpoint}): Azure's SDKs never send a bearer token over plain HTTP.`);
  return endpoint;
}

export function resourceManagerScope(endpoint: string): string {
  return cloudScopes[new URL(endpoint).hostname] ?? `${publicResourceManager}/.default`;
}

/** Microsoft's own Entra authorities: MSAL may ask them for instance discovery; any other host it must not. */
const microsoftAuthorities = ['login.microsoftonline.com', 'login.microsoftonline.us', 'login.chinacloudapi.cn', 'login.microsoft.com', 'login.windows.net', 'login.partner.microsoftonline.cn'];

export function isMicrosoftAuthority(authorityHost: string | undefined): boolean {
  if (!authorityHost) return true;
  try {
    return microsoftAuthorities.includes(new URL(authorityHost).hostname.toLowerCase());
  } catch {
    return false;
  }
}
