// Both doubles started together, with one subscription, one resource group and one service principal granted
// Contributor on it, and the environment a caller needs to reach them exactly as it would reach Azure:
// AZURE_AUTHORITY_HOST, AZURE_RESOURCE_MANAGER_ENDPOINT, the principal's AZURE_TENANT_ID / AZURE_CLIENT_ID /
// AZURE_CLIENT_SECRET, NODE_EXTRA_CA_CERTS for the test CA, and nss_wrapper (LD_PRELOAD, NSS_WRAPPER_HOSTS) so
// that `<label>.<region>.azurecontainer.io` resolves to the loopback address the double published the group on.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AciSpec, specDir } from './aciSpec';
import { ArmDouble } from './armDouble';
import { EntraDouble, type Principal } from './entraDouble';
import { makeTestCa, type TestCa } from './testCa';

export const nssWrapperLibrary = ['/usr/lib/x86_64-linux-gnu/libnss_wrapper.so', '/usr/lib/aarch64-linux-gnu/libnss_wrapper.so', '/usr/lib64/libnss_wrapper.so'].find((p) => existsSync(p));

/** Why the Azure doubles cannot run here, or false. */
export function azureDoublesSkipReason(): string | false {
  if (!process.env.DOCKER_HOST) return 'DOCKER_HOST is not set: the ACI double runs container groups on a real engine (bash ../shared/container-engine/engine.sh up; source its env file)';
  if (!process.env.CTR_REGISTRY) return 'CTR_REGISTRY is not set: the aci target pushes to a real registry (bash ../shared/container-engine/engine.sh registry-up)';
  if (!nssWrapperLibrary) return 'libnss_wrapper.so is missing (apt-get install libnss-wrapper): it resolves the double-made azurecontainer.io names';
  if (!existsSync(join(specDir, 'containerInstance.json'))) return `the ACI OpenAPI spec is missing at ${specDir}`;
  if (process.getuid?.() !== 0) return 'the ACI double publishes groups on port 80 of a loopback address, which needs root';
  return false;
}

export interface AzureDoubles {
  ca: TestCa;
  entra: EntraDouble;
  arm: ArmDouble;
  principal: Principal;
  subscriptionId: string;
  resourceGroup: string;
  location: string;
  hostsFile: string;
  /** For the processes that call the doubles (CLI children, the extension host). */
  env: Record<string, string>;
  close(): Promise<void>;
}

export async function startAzureDoubles(options: { subscriptionId?: string; resourceGroup?: string; location?: string } = {}): Promise<AzureDoubles> {
  const dir = mkdtempSync(join(tmpdir(), 'modelport-azure-doubles-'));
  const ca = makeTestCa();
  const entra = new EntraDouble();
  await entra.start(ca);
  const hostsFile = join(dir, 'hosts');
  const arm = new ArmDouble({ entra, spec: new AciSpec(), hostsFile, runArgs: (process.env.CTR_RUN_NET_ARGS ?? '').split(/\s+/).filter(Boolean) });
  await arm.start(ca);
  const subscriptionId = options.subscriptionId ?? crypto.randomUUID();
  const resourceGroup = options.resourceGroup ?? 'modelport-tests';
  const location = options.location ?? 'westeurope';
  arm.addSubscription(subscriptionId, 'Modelport test subscription');
  arm.addResourceGroup(subscriptionId, resourceGroup, location);
  const principal = entra.addPrincipal();
  arm.grant(principal.objectId, `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}`);
  const env: Record<string, string> = {
    NODE_EXTRA_CA_CERTS: ca.caFile,
    AZURE_AUTHORITY_HOST: entra.origin,
    AZURE_RESOURCE_MANAGER_ENDPOINT: arm.origin,
    AZURE_TENANT_ID: entra.tenantId,
    AZURE_CLIENT_ID: principal.clientId,
    AZURE_CLIENT_SECRET: principal.clientSecret,
    LD_PRELOAD: nssWrapperLibrary ?? '',
    NSS_WRAPPER_HOSTS: hostsFile,
  };
  return {
    ca,
    entra,
    arm,
    principal,
    subscriptionId,
    resourceGroup,
    location,
    hostsFile,
    env,
    async close() {
      await arm.close();
      await entra.close();
      ca.remove();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
