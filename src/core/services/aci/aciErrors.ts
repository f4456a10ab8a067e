// What Azure answers when something is wrong, turned into errors that say what to do next. Resource Manager
// errors carry `{"error": {"code", "message"}}` (the SDK's RestError has them as `code` and `message`); the
// identity library throws CredentialUnavailableError / AuthenticationError when no sign-in works.
import { ModelportError, errorMessage, type ErrorKind } from '../../errors';

export class AzureError extends ModelportError {
  constructor(
    kind: ErrorKind,
    message: string,
    /** Azure's own error code (AuthorizationFailed, ResourceGroupNotFound…), when it sent one. */
    readonly code: string | undefined,
  ) {
    super(kind, message);
    this.name = 'AzureError';
  }
}

export interface AzureErrorContext {
  subscriptionId: string;
  resourceGroup: string;
  location?: string;
  containerGroupName?: string;
  dnsNameLabel?: string;
  image?: string;
  registry?: string;
  signInHint: string;
}

interface RestLike {
  code?: unknown;
  statusCode?: unknown;
  message?: unknown;
  name?: unknown;
}

function fields(err: unknown): { code: string | undefined; status: number | undefined; message: string; name: string } {
  const e = (typeof err === 'object' && err !== null ? err : {}) as RestLike;
  return {
    code: typeof e.code === 'string' ? e.code : undefined,
    status: typeof e.statusCode === 'number' ? e.statusCode : undefined,
    message: typeof e.message === 'string' ? e.message : errorMessage(err),
    name: typeof e.name === 'string' ? e.name : '',
  };
}

/** An error from Azure (or from signing in to it) as an AzureError; anything else as it is. */
export function translateAzureError(err: unknown, ctx: AzureErrorContext): unknown {
  if (err instanceof ModelportError) return err;
  const { code, status, message, name } = fields(err);
  const scope = `resource group '${ctx.resourceGroup}' of subscription ${ctx.subscriptionId}`;
  if (name === 'CredentialUnavailableError' || name === 'AuthenticationRequiredError' || name === 'AggregateAuthenticationError') {
    return new AzureError('unauthorized', `Not signed in to Azure: ${firstLine(message)}\n${ctx.signInHint}`, code);
  }
  if (name === 'AuthenticationError') {
    return new AzureError('unauthorized', `Azure refused the sign-in: ${firstLine(message)}\nCheck the tenant, client id and secret (or sign in again). ${ctx.signInHint}`, code);
  }
  switch (code) {
    case 'InvalidAuthenticationToken':
    case 'ExpiredAuthenticationToken':
    case 'InvalidAuthenticationTokenTenant':
    case 'AuthenticationFailed':
      return new AzureError('unauthorized', `Azure Resource Manager did not accept the sign-in (${code}): ${message}\n${ctx.signInHint}`, code);
    case 'AuthorizationFailed':
    case 'LinkedAuthorizationFailed':
      return new AzureError(
        'unauthorized',
        `No permission in ${scope} (${code}): ${message}\nAsk an owner of the resource group for the Contributor role (or a role with Microsoft.ContainerInstance/containerGroups/*), e.g. ` +
          `\`az role assignment create --assignee <your id> --role Contributor --resource-group ${ctx.resourceGroup}\`, then sign in again.`,
        code,
      );
    case 'SubscriptionNotFound':
    case 'InvalidSubscriptionId':
      return new AzureError('not-found', `Subscription ${ctx.subscriptionId} was not found (${code}), or this account cannot see it. List yours with \`az account list -o table\` and pass --subscription ID (or set AZURE_SUBSCRIPTION_ID).`, code);
    case 'ResourceGroupNotFound':
      return new AzureError(
        'not-found',
        `Resource group '${ctx.resourceGroup}' was not found in subscription ${ctx.subscriptionId} (${code}). Create it with \`az group create --name ${ctx.resourceGroup} --location <region>\`, or pass --resource-group NAME.`,
        code,
      );
    case 'MissingSubscriptionRegistration':
    case 'NoRegisteredProviderFound':
      return new AzureError('config', `Azure Container Instances is not registered in subscription ${ctx.subscriptionId} (${code}): ${message}\nRegister it once with \`az provider register --namespace Microsoft.ContainerInstance\`.`, code);
    case 'LocationNotAvailableForResourceType':
    case 'LocationNotAvailableForResourceGroup':
    case 'InvalidLocation':
      return new AzureError('config', `Azure Container Instances is not available in region '${ctx.location ?? '?'}' (${code}): ${message}\nChoose another region with --location (or "location" in deploymentconfig.json).`, code);
    case 'DnsNameLabelAlreadyTaken':
    case 'DnsNameLabelNotAvailable':
      return new AzureError(
        'conflict',
        `The DNS name label '${ctx.dnsNameLabel ?? '?'}' is already used in region '${ctx.location ?? '?'}' (${code}). Choose another "dnsNameLabel" in deploymentconfig.json, or leave it out for a generated one.`,
        code,
      );
    case 'InaccessibleImage':
    case 'RegistryErrorResponse':
      return new AzureError(
        'unavailable',
        `Azure could not pull the image ${ctx.image ?? ''} (${code}): ${message}\nCheck that the image was pushed to ${ctx.registry ?? 'the registry'} and that ACI may pull from it: an *.azurecr.io registry gets a token from your sign-in; ` +
          'any other private registry needs MODELPORT_REGISTRY_USERNAME and MODELPORT_REGISTRY_PASSWORD.',
        code,
      );
  }
  if (code && /quota/i.test(code)) {
    return new AzureError('unavailable', `Over the Azure Container Instances quota in region '${ctx.location ?? '?'}' (${code}): ${message}\nDelete container groups you no longer need, deploy to another region with --location, or ask for more quota (Azure portal → Quotas).`, code);
  }
  if (code && /capacity|SkuNotAvailable|ServiceUnavailable/i.test(code)) {
    return new AzureError('unavailable', `Region '${ctx.location ?? '?'}' cannot run this container group now (${code}): ${message}\nTry fewer CPU cores or less memory, another region (--location), or again later.`, code);
  }
  if (status === 401) return new AzureError('unauthorized', `Azure did not accept the sign-in: ${message}\n${ctx.signInHint}`, code);
  if (status === 403) return new AzureError('unauthorized', `Azure refused (${code ?? 403}): ${message}`, code);
  if (status !== undefined || code !== undefined) return new AzureError(status !== undefined && status >= 500 ? 'unavailable' : 'bad-request', `Azure answered ${status ?? ''} ${code ?? ''}: ${message}`.replace(/\s+/g, ' ').trim(), code);
  return err;
}

function firstLine(text: string): string {
  return text.split('\n')[0] ?? text;
}
