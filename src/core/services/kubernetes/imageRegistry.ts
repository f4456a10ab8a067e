// Which registry a cluster pulls the service's image from: `--registry LOGIN_SERVER`, else MODELPORT_REGISTRY,
// else the one the service was deployed with. Kept in one small file so it can be shared with the ACI target's
// registry handling (which owns `az acr login` for *.azurecr.io); other registries use the engine's own login.
import { registryServer } from '../../docker/registryPush';
import { ConfigError } from '../../errors';

export function resolveRegistry(flag: string | undefined, current: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  const value = flag ?? env.MODELPORT_REGISTRY ?? current;
  if (value === undefined || registryServer(value) === '') {
    throw new ConfigError(
      'A Kubernetes cluster pulls the service image from a registry: pass --registry LOGIN_SERVER (for AKS, the attached ACR: myregistry.azurecr.io) or set MODELPORT_REGISTRY. Log the engine in to it first (docker login, or az acr login).',
    );
  }
  return registryServer(value);
}
