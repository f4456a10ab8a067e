// Where an ACI service goes, asked the way Azure's own extensions ask: sign in, pick a subscription, a resource
// group, then the registry. What the workspace used last comes first (core/services/aci/rememberedPlacement.ts).
import { NotFoundError } from '../../core/errors';
import { listResourceGroups, listSubscriptions } from '../../core/services/aci/armRest';
import { readPlacement } from '../../core/services/aci/rememberedPlacement';
import type { AzurePlacement } from '../../core/services/target';
import { required } from './args';
import type { AzureSignInApi, CommandDeps } from './deps';
import type { PickItem } from './ui';

export function azureOf(deps: CommandDeps): AzureSignInApi {
  if (!deps.azure) throw new NotFoundError('This editor offers no Azure sign-in, so the aci target is not available here. Use the modelport CLI, which signs in with DefaultAzureCredential.');
  return deps.azure;
}

function rememberedFirst<T>(items: PickItem<T>[], remembered: T | undefined): PickItem<T>[] {
  return [...items].sort((a, b) => Number(b.value === remembered) - Number(a.value === remembered)).map((i) => (i.value === remembered ? { ...i, detail: 'used last in this workspace' } : i));
}

export async function pickAzurePlacement(deps: CommandDeps, title: string, given: AzurePlacement = {}): Promise<AzurePlacement> {
  const azure = azureOf(deps);
  const account = await azure.signIn();
  const remembered = readPlacement(deps.workspace().dir);
  let subscriptionId = given.subscriptionId;
  if (subscriptionId === undefined) {
    const subscriptions = await listSubscriptions(await azure.access());
    if (subscriptions.length === 0) throw new NotFoundError(`${account} sees no Azure subscription. Sign in with another account, or ask for access to one.`);
    subscriptionId = required(
      await deps.ui.pick(rememberedFirst(subscriptions.map((s) => ({ label: s.displayName, description: s.subscriptionId, value: s.subscriptionId })), remembered.subscriptionId), { title: `${title}: subscription`, placeHolder: `Signed in as ${account}` }),
    );
  }
  let resourceGroup = given.resourceGroup;
  if (resourceGroup === undefined) {
    const groups = await listResourceGroups(await azure.access(), subscriptionId);
    if (groups.length === 0) throw new NotFoundError(`Subscription ${subscriptionId} has no resource group you can use. Create one (az group create --name NAME --location REGION) and try again.`);
    resourceGroup = required(await deps.ui.pick(rememberedFirst(groups.map((g) => ({ label: g.name, description: g.location, value: g.name })), remembered.resourceGroup), { title: `${title}: resource group` }));
  }
  const registry =
    given.registry ??
    required(
      await deps.ui.input({
        title: `${title}: container registry`,
        prompt: 'The registry the image is pushed to and Azure pulls from (its login server)',
        placeHolder: 'myregistry.azurecr.io',
        ...(remembered.registry !== undefined ? { value: remembered.registry } : {}),
        validate: (v) => (/^[a-z0-9.-]+(:\d+)?$/i.test(v.trim()) ? undefined : 'A login server such as myregistry.azurecr.io'),
      }),
    ).trim();
  const location = given.location ?? (resourceGroup === remembered.resourceGroup ? remembered.location : undefined);
  return { subscriptionId, resourceGroup, registry, ...(location !== undefined ? { location } : {}) };
}
