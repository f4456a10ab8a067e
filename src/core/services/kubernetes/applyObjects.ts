// Server-side apply of a service's objects with field manager `modelport` (so fields another manager set — a
// replica count from an HPA, an annotation from a user — stay theirs), and deletion by label.
import type { KubernetesObject } from '@kubernetes/client-node' with { 'resolution-mode': 'import' };
import type { KubeConnection } from './kubeClient';
import { kubeCall, type CallSite } from './kubeErrors';
import { fieldManager } from './manifests';

export async function applyObject<T extends KubernetesObject>(conn: KubeConnection, object: T, options: { dryRun?: boolean } = {}): Promise<T> {
  const site: CallSite = { context: conn.context, server: conn.server, namespace: object.metadata?.namespace, action: `apply ${object.kind} ${object.metadata?.name ?? ''}` };
  // force: Modelport owns the fields it sets; a conflicting manager (kubectl edit) yields them on the next deploy.
  return kubeCall(site, () => conn.objects.patch(object, undefined, options.dryRun ? 'All' : undefined, fieldManager, true, conn.k8s.PatchStrategy.ServerSideApply));
}

/** The kinds a service may own, so delete finds every one of them. */
export const ownedKinds: ReadonlyArray<{ apiVersion: string; kind: string }> = [
  { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler' },
  { apiVersion: 'v1', kind: 'Service' },
  { apiVersion: 'apps/v1', kind: 'Deployment' },
  { apiVersion: 'v1', kind: 'Secret' },
];

export const kserveKind = { apiVersion: 'serving.kserve.io/v1beta1', kind: 'InferenceService' };

/** Names of the objects of one kind that carry the selector, in the namespace. */
export async function objectsWithLabels(conn: KubeConnection, kind: { apiVersion: string; kind: string }, namespace: string, selector: string): Promise<string[]> {
  const site: CallSite = { context: conn.context, server: conn.server, namespace, action: `list ${kind.kind} objects` };
  const list = await kubeCall(site, () => conn.objects.list(kind.apiVersion, kind.kind, namespace, undefined, undefined, undefined, undefined, selector));
  return list.items.map((i) => i.metadata?.name ?? '').filter(Boolean);
}

export async function deleteObject(conn: KubeConnection, kind: { apiVersion: string; kind: string }, namespace: string, name: string): Promise<void> {
  const site: CallSite = { context: conn.context, server: conn.server, namespace, action: `delete ${kind.kind} ${name}` };
  await kubeCall(site, () => conn.objects.delete({ apiVersion: kind.apiVersion, kind: kind.kind, metadata: { name, namespace } }, undefined, undefined, undefined, undefined, 'Background'));
}
