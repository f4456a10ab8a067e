// Runs the Azure doubles as a process of their own, for the in-editor suite (scripts/integration.sh): the
// extension host must be started with NODE_EXTRA_CA_CERTS, the authority, the endpoint and nss_wrapper already in
// its environment. Writes those, plus where to deploy (AZURE_SUBSCRIPTION_ID, AZURE_RESOURCE_GROUP,
// MODELPORT_REGISTRY), as `export` lines to the file given, then serves until SIGTERM/SIGINT, and on the way out
// removes every container it started.
//   node --import tsx test/doubles/azure/serveDoubles.ts ENV_FILE
import { renameSync, writeFileSync } from 'node:fs';
import { azureDoublesSkipReason, startAzureDoubles } from './azureDoubles';
import { startDnsProxy } from './dnsProxy';

const envFile = process.argv[2];
if (!envFile) throw new Error('usage: serveDoubles.ts ENV_FILE');
const quote = (v: string): string => `'${v.replace(/'/g, `'\\''`)}'`;

const skip = azureDoublesSkipReason();
if (skip) {
  writeFileSync(envFile, `export MODELPORT_TEST_AZURE_SKIP=${quote(skip)}\n`);
  process.exit(0);
}

void startAzureDoubles().then(async (d) => {
  // The extension host loses LD_PRELOAD (VS Code strips it): there the doubles' names resolve through this proxy.
  const proxy = await startDnsProxy(d.hostsFile);
  const env: Record<string, string> = {
    MODELPORT_TEST_HTTP_PROXY: proxy.url,
    ...d.env,
    AZURE_SUBSCRIPTION_ID: d.subscriptionId,
    AZURE_RESOURCE_GROUP: d.resourceGroup,
    MODELPORT_REGISTRY: process.env.CTR_REGISTRY ?? '',
    MODELPORT_TEST_ARM_DOUBLE: d.arm.origin,
  };
  writeFileSync(envFile + '.tmp', Object.entries(env).map(([k, v]) => `export ${k}=${quote(v)}\n`).join(''));
  // Renamed into place: the script waits for the file, and must never read half of it.
  renameSync(envFile + '.tmp', envFile);
  let closing = false;
  const stop = (): void => {
    if (closing) return;
    closing = true;
    // Never outlive the script that started us, whatever a connection does: give the close 60 s at most.
    setTimeout(() => process.exit(1), 60_000).unref();
    void proxy
      .close()
      .then(() => d.close())
      .finally(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
});
