// Removing an image tag Modelport pushed, through the OCI distribution API: resolve the tag to its manifest
// digest (HEAD), then DELETE the manifest by digest (the API deletes by digest only; the registry must allow
// deletes, as the CNCF distribution server does with storage.delete.enabled and ACR always does).
import type { RegistryCredential } from './registryAccess';
import { isAzureContainerRegistry, registryBaseUrl } from './registryAccess';

const manifestTypes = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.docker.distribution.manifest.v2+json',
].join(', ');

export interface ImageReferenceParts {
  server: string;
  repository: string;
  tag: string;
}

export function parseReference(reference: string): ImageReferenceParts {
  const slash = reference.indexOf('/');
  const colon = reference.lastIndexOf(':');
  if (slash <= 0 || colon <= slash) throw new Error(`not a registry reference with a tag: ${reference}`);
  return { server: reference.slice(0, slash), repository: reference.slice(slash + 1, colon), tag: reference.slice(colon + 1) };
}

async function authorization(parts: ImageReferenceParts, credential: RegistryCredential | undefined, fetchImpl: typeof fetch): Promise<string | undefined> {
  if (!credential) return undefined;
  if (isAzureContainerRegistry(parts.server)) {
    // An ACR refresh token buys an access token scoped to this repository.
    const body = new URLSearchParams({ grant_type: 'refresh_token', service: parts.server, scope: `repository:${parts.repository}:pull,delete`, refresh_token: credential.password });
    const res = await fetchImpl(`${registryBaseUrl(parts.server)}/oauth2/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
    const json = (await res.json().catch(() => ({}))) as { access_token?: unknown };
    return typeof json.access_token === 'string' ? `Bearer ${json.access_token}` : undefined;
  }
  return `Basic ${Buffer.from(`${credential.username}:${credential.password}`).toString('base64')}`;
}

/** 'deleted', or 'missing' when the tag was already gone; throws with the registry's answer otherwise. */
export async function deleteImageTag(reference: string, credential: RegistryCredential | undefined, fetchImpl: typeof fetch = fetch): Promise<'deleted' | 'missing'> {
  const parts = parseReference(reference);
  const base = `${registryBaseUrl(parts.server)}/v2/${parts.repository}/manifests`;
  const auth = await authorization(parts, credential, fetchImpl);
  const headers: Record<string, string> = { accept: manifestTypes, ...(auth ? { authorization: auth } : {}) };
  const head = await fetchImpl(`${base}/${encodeURIComponent(parts.tag)}`, { method: 'HEAD', headers, signal: AbortSignal.timeout(30_000) });
  if (head.status === 404) return 'missing';
  const digest = head.headers.get('docker-content-digest');
  if (!head.ok || !digest) throw new Error(`the registry answered ${head.status} to HEAD ${parts.repository}:${parts.tag}`);
  const del = await fetchImpl(`${base}/${digest}`, { method: 'DELETE', headers, signal: AbortSignal.timeout(30_000) });
  if (del.status === 202 || del.status === 200 || del.status === 404) return del.status === 404 ? 'missing' : 'deleted';
  const text = await del.text().catch(() => '');
  throw new Error(
    del.status === 405 ? `the registry ${parts.server} does not allow deletes (405); delete ${reference} there yourself` : `the registry answered ${del.status} to DELETE ${parts.repository}@${digest}: ${text.slice(0, 300)}`,
  );
}
