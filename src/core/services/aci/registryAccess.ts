// Getting the image to where ACI pulls it from. An Azure Container Registry (*.azurecr.io) is logged into with
// the Entra sign-in, exchanged for an ACR refresh token at https://<registry>/oauth2/exchange (user
// 00000000-0000-0000-0000-000000000000), as `az acr login` does. Any other registry uses the container engine's
// own login, or MODELPORT_REGISTRY_USERNAME / MODELPORT_REGISTRY_PASSWORD when ACI needs credentials to pull.
// Secrets go to `docker login` through stdin and to ARM in the request body; never to a file, log or argument.
import type { ImageRegistryCredential } from '@azure/arm-containerinstance';
import { loginCommand, type DockerRunner } from '../../docker/dockerCommand';
import { DockerCommandError } from '../../docker/dockerErrors';
import { ModelportError } from '../../errors';
import type { AzureAccess } from './azureAccess';

export const acrTokenUser = '00000000-0000-0000-0000-000000000000';

export function isAzureContainerRegistry(server: string): boolean {
  return /\.azurecr\.(io|us|cn)$/i.test(server.split(':')[0] ?? '');
}

/** Registries the engine reaches over plain HTTP by default (Docker and Podman treat loopback as insecure). */
export function registryBaseUrl(server: string): string {
  const host = server.replace(/:\d+$/, '').replace(/^\[|\]$/g, '');
  const plain = host === 'localhost' || host === '::1' || /^127\./.test(host);
  return `${plain ? 'http' : 'https'}://${server}`;
}

export class RegistryLoginError extends ModelportError {
  constructor(server: string, detail: string) {
    super(
      'unauthorized',
      `The registry ${server} refused the login: ${detail.trim()}\n` +
        (isAzureContainerRegistry(server)
          ? 'Your Azure account needs the AcrPush role on it (`az role assignment create --role AcrPush --assignee <you> --scope <registry id>`), and the registry must exist.'
          : 'Log the container engine in (`docker login ' + server + '`), or set MODELPORT_REGISTRY_USERNAME and MODELPORT_REGISTRY_PASSWORD.'),
    );
    this.name = 'RegistryLoginError';
  }
}

export interface RegistryCredential {
  username: string;
  password: string;
}

/** An ACR refresh token for the signed-in identity. */
export async function acrRefreshToken(server: string, access: AzureAccess, fetchImpl: typeof fetch = fetch): Promise<string> {
  const token = await access.credential.getToken(access.scope);
  if (!token) throw new RegistryLoginError(server, 'no Azure token to exchange');
  const body = new URLSearchParams({ grant_type: 'access_token', service: server, access_token: token.token });
  const res = await fetchImpl(`${registryBaseUrl(server)}/oauth2/exchange`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body, signal: AbortSignal.timeout(30_000) });
  const json = (await res.json().catch(() => ({}))) as { refresh_token?: unknown; errors?: Array<{ message?: string }> };
  if (!res.ok || typeof json.refresh_token !== 'string') throw new RegistryLoginError(server, `${res.status} ${json.errors?.[0]?.message ?? res.statusText}`);
  return json.refresh_token;
}

/** The credential ACI and the engine use for this registry, if any. */
export async function registryCredential(server: string, access: AzureAccess, env: NodeJS.ProcessEnv): Promise<RegistryCredential | undefined> {
  const username = env.MODELPORT_REGISTRY_USERNAME;
  const password = env.MODELPORT_REGISTRY_PASSWORD;
  if (username && password) return { username, password };
  if (username || password) throw new RegistryLoginError(server, 'MODELPORT_REGISTRY_USERNAME and MODELPORT_REGISTRY_PASSWORD go together: set both or neither');
  if (isAzureContainerRegistry(server)) return { username: acrTokenUser, password: await acrRefreshToken(server, access) };
  return undefined;
}

/** `docker login` with the secret on stdin; without a credential the engine's existing login is used. */
export async function engineLogin(server: string, credential: RegistryCredential | undefined, runner: DockerRunner): Promise<void> {
  if (!credential) return;
  try {
    await runner.run(loginCommand(server, credential.username), { stdin: credential.password });
  } catch (err) {
    if (err instanceof DockerCommandError) throw new RegistryLoginError(server, err.stderr.split('\n').filter(Boolean).at(-1) ?? '');
    throw err;
  }
}

export function groupRegistryCredential(server: string, credential: RegistryCredential | undefined): ImageRegistryCredential | undefined {
  return credential ? { server, username: credential.username, password: credential.password } : undefined;
}
