// What `kubectl rollout status deployment/NAME` says about a Deployment, by the same algorithm
// (k8s.io/kubectl/pkg/polymorphichelpers/rollout_status.go, DeploymentStatusViewer): the controller must have
// observed the latest spec; then the new replicas must all be updated, the old ones gone, and the updated ones
// available; a Progressing condition with reason ProgressDeadlineExceeded ends the wait as a failure.
import type { V1Deployment } from '@kubernetes/client-node' with { 'resolution-mode': 'import' };

export type RolloutPhase = 'waiting' | 'done' | 'failed';

export interface RolloutStatus {
  phase: RolloutPhase;
  /** kubectl's sentence, word for word. */
  message: string;
}

export const progressDeadlineExceeded = 'ProgressDeadlineExceeded';

export function rolloutStatus(deployment: V1Deployment): RolloutStatus {
  const name = deployment.metadata?.name ?? '';
  const generation = deployment.metadata?.generation ?? 0;
  const status = deployment.status ?? {};
  if (generation > (status.observedGeneration ?? 0)) return { phase: 'waiting', message: 'Waiting for deployment spec update to be observed...' };
  const progressing = status.conditions?.find((c) => c.type === 'Progressing');
  if (progressing?.reason === progressDeadlineExceeded) return { phase: 'failed', message: `deployment "${name}" exceeded its progress deadline` };
  const desired = deployment.spec?.replicas;
  const updated = status.updatedReplicas ?? 0;
  const replicas = status.replicas ?? 0;
  const available = status.availableReplicas ?? 0;
  if (desired !== undefined && updated < desired) {
    return { phase: 'waiting', message: `Waiting for deployment "${name}" rollout to finish: ${updated} out of ${desired} new replicas have been updated...` };
  }
  if (replicas > updated) return { phase: 'waiting', message: `Waiting for deployment "${name}" rollout to finish: ${replicas - updated} old replicas are pending termination...` };
  if (available < updated) return { phase: 'waiting', message: `Waiting for deployment "${name}" rollout to finish: ${available} of ${updated} updated replicas are available...` };
  return { phase: 'done', message: `deployment "${name}" successfully rolled out` };
}

/** Ready and desired replicas, as `kubectl get deployment` shows them (READY 2/3). */
export function replicaCounts(deployment: V1Deployment): { ready: number; desired: number } {
  return { ready: deployment.status?.readyReplicas ?? 0, desired: deployment.spec?.replicas ?? 0 };
}

/**
 * A Deployment scaled to 0 is a stopped (paused) service whatever an earlier rollout left in its conditions (a
 * ProgressDeadlineExceeded stays until the next rollout) and however far its pods are in going away (a `service
 * stop` interrupted before they were gone): undefined when it is not scaled to 0, else the pods the controller
 * still counts (status.replicas: not yet removed, some perhaps still serving until it has seen the scale).
 */
export function scaledToZero(deployment: V1Deployment): { remaining: number } | undefined {
  if (deployment.spec?.replicas !== 0) return undefined;
  return { remaining: deployment.status?.replicas ?? 0 };
}
