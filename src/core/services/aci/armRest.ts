// The few Resource Manager reads outside Microsoft.ContainerInstance: a resource group (its region), and the
// subscriptions and resource groups an account can pick from. Plain REST with the same credential and endpoint.
import { z } from 'zod';
import type { AzureAccess } from './azureAccess';

const armErrorSchema = z.object({ error: z.object({ code: z.string(), message: z.string() }) });

/** Shaped like the SDK's RestError, so translateAzureError reads both alike. */
export class ArmRestError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string | undefined,
    message: string,
  ) {
    super(message);
    this.name = 'RestError';
  }
}

export async function armGet<T>(access: AzureAccess, path: string, apiVersion: string, schema: z.ZodType<T>, signal?: AbortSignal): Promise<T> {
  const token = await access.credential.getToken(access.scope, signal ? { abortSignal: signal } : {});
  if (!token) throw new ArmRestError(401, 'AuthenticationFailed', 'No token for Azure Resource Manager.');
  const url = new URL(`${access.resourceManagerEndpoint}${path}`);
  url.searchParams.set('api-version', apiVersion);
  const res = await fetch(url, { headers: { authorization: `Bearer ${token.token}`, accept: 'application/json' }, signal: signal ?? AbortSignal.timeout(30_000) });
  const json: unknown = await res.json().catch(() => undefined);
  if (!res.ok) {
    const e = armErrorSchema.safeParse(json);
    throw new ArmRestError(res.status, e.success ? e.data.error.code : undefined, e.success ? e.data.error.message : `${res.status} ${res.statusText}`);
  }
  return schema.parse(json);
}

async function armList<T>(access: AzureAccess, path: string, apiVersion: string, item: z.ZodType<T>): Promise<T[]> {
  const page = z.object({ value: z.array(item), nextLink: z.string().optional() });
  const out: T[] = [];
  let next: string | undefined = path;
  for (let i = 0; next && i < 50; i++) {
    const p: { value: T[]; nextLink?: string | undefined } = await armGet(access, next, apiVersion, page);
    out.push(...p.value);
    next = p.nextLink ? new URL(p.nextLink).pathname + new URL(p.nextLink).search.replace(/[?&]api-version=[^&]*/, '') : undefined;
  }
  return out;
}

const resourceGroupSchema = z.object({ name: z.string(), location: z.string() });
export type ResourceGroup = z.output<typeof resourceGroupSchema>;
const subscriptionSchema = z.object({ subscriptionId: z.string(), displayName: z.string(), state: z.string().optional(), tenantId: z.string().optional() });
export type Subscription = z.output<typeof subscriptionSchema>;

export function getResourceGroup(access: AzureAccess, subscriptionId: string, resourceGroup: string): Promise<ResourceGroup> {
  return armGet(access, `/subscriptions/${encodeURIComponent(subscriptionId)}/resourcegroups/${encodeURIComponent(resourceGroup)}`, '2021-04-01', resourceGroupSchema);
}

export function listSubscriptions(access: AzureAccess): Promise<Subscription[]> {
  return armList(access, '/subscriptions', '2022-12-01', subscriptionSchema);
}

export function listResourceGroups(access: AzureAccess, subscriptionId: string): Promise<ResourceGroup[]> {
  return armList(access, `/subscriptions/${encodeURIComponent(subscriptionId)}/resourcegroups`, '2021-04-01', resourceGroupSchema);
}
