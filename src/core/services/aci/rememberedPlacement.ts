// Where the last ACI deploy of this workspace went (subscription, resource group, region, registry), so the next
// one needs no flags: <workspace>/azure.json. Identifiers only, never a credential.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from '../../fs/atomicWrite';
import type { AzurePlacement } from '../target';

const placementSchema = z.object({
  subscriptionId: z.string().min(1).optional(),
  resourceGroup: z.string().min(1).optional(),
  location: z.string().min(1).optional(),
  registry: z.string().min(1).optional(),
});

export function placementFile(workspaceDir: string): string {
  return join(workspaceDir, 'azure.json');
}

/** What was remembered; nothing when the file is missing or unreadable (it is a convenience, not a record). */
export function readPlacement(workspaceDir: string): AzurePlacement {
  try {
    const parsed = placementSchema.safeParse(JSON.parse(readFileSync(placementFile(workspaceDir), 'utf8')));
    return parsed.success ? parsed.data : {};
  } catch {
    return {};
  }
}

export async function rememberPlacement(workspaceDir: string, placement: AzurePlacement): Promise<void> {
  const next = { ...readPlacement(workspaceDir), ...Object.fromEntries(Object.entries(placement).filter(([, v]) => v !== undefined && v !== '')) };
  await writeFileAtomic(placementFile(workspaceDir), JSON.stringify(next, null, 2) + '\n');
}
