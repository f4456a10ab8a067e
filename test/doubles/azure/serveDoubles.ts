// Runs the Azure doubles as a process of their own, for the in-editor suite (scripts/integration.ts, through
// test/integration/host/azureDoubles.ts): the extension host must be started with NODE_EXTRA_CA_CERTS, the
// authority, the endpoint and nss_wrapper already in its environment. Writes those, plus where to deploy
// (AZURE_SUBSCRIPTION_ID, AZURE_RESOURCE_GROUP, MODELPORT_REGISTRY), as one JSON object of environment variables
// (owner-only: it holds the test principal's secret) to the file given, then serves until SIGTERM/SIGINT, and on
// the way out removes every container it started.
//   node --import tsx test/doubles/azure/serveDoubles.ts ENV_FILE
import { renameSync, writeFileSync } from 'node:fs';
import { azureDoublesSkipReason, startAzureDoubles } from './azureDoubles';
import { startDnsProxy } from './dnsProxy';

const envFile = process.argv[2];
if (!envFile) throw new Error('usage: serveDoubles.ts ENV_FILE');
const write = (env: Record<string, string>): void => {
  writeFileSync(envFile + '.tmp', JSON.stringify(env), { mode: 0o600 });
  // Renamed into place: the runner waits for the file, and must never read half of it.
  renameSync(envFile + '.tmp', envFile);
};

const skip = azureDoublesSkipReason();
if (skip) {
  write({ MODELPORT_TEST_AZURE_SKIP: skip });
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
  write(env);
  let closing = false;
  const stop = (): void => {
    if (closing) return;
    closing = true;
    // Never outlive the runner that started us, whatever a connection does: give the close 60 s at most.
    setTimeout(() => process.exit(1), 60_000).unref();
    void proxy
      .close()
      .then(() => d.close())
      .finally(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
});
