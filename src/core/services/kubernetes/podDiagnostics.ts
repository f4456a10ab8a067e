// Why pods of a rollout are not ready, as a user reads it in `kubectl describe pod`: the waiting reason of a
// container (ImagePullBackOff, CrashLoopBackOff…), a container that exited, and Warning events.
import type { CoreV1Event, V1Pod } from '@kubernetes/client-node' with { 'resolution-mode': 'import' };

/** Waiting reasons that do not fix themselves: each is told once per pod. */
export const failingReasons = new Set(['ImagePullBackOff', 'ErrImagePull', 'InvalidImageName', 'CrashLoopBackOff', 'CreateContainerConfigError', 'CreateContainerError', 'RunContainerError']);

export interface PodProblem {
  pod: string;
  reason: string;
  message: string;
  /** Whether the container ran and stopped (its log says why). */
  crashed: boolean;
}

export function podProblems(pods: readonly V1Pod[]): PodProblem[] {
  const problems: PodProblem[] = [];
  for (const pod of pods) {
    const name = pod.metadata?.name ?? '';
    for (const c of pod.status?.containerStatuses ?? []) {
      const waiting = c.state?.waiting;
      if (waiting?.reason && failingReasons.has(waiting.reason)) {
        const last = c.lastState?.terminated;
        const exit = last ? ` (last exit code ${last.exitCode}${last.reason ? `, ${last.reason}` : ''})` : '';
        problems.push({ pod: name, reason: waiting.reason, message: `${waiting.message ?? ''}${exit}`.trim(), crashed: waiting.reason === 'CrashLoopBackOff' });
      }
    }
  }
  return problems;
}

export function problemLine(p: PodProblem): string {
  return `pod ${p.pod}: ${p.reason}${p.message ? `: ${p.message}` : ''}`;
}

/** What to do about a reason, in one sentence. */
export function adviceFor(reason: string): string {
  switch (reason) {
    case 'ImagePullBackOff':
    case 'ErrImagePull':
    case 'InvalidImageName':
      return 'The cluster cannot pull the image: check that the registry is reachable from the cluster and that the nodes may pull from it (for AKS: az aks update --attach-acr REGISTRY, or an image pull secret).';
    case 'CrashLoopBackOff':
      return 'The scoring container keeps exiting: its last log lines above say why (a failing init(), a missing dependency, too little memory).';
    case 'CreateContainerConfigError':
      return "A container setting refers to something missing (often the service's Secret): redeploy the service.";
    default:
      return 'See kubectl describe pod for details.';
  }
}

export function eventLine(e: CoreV1Event): string {
  return `${e.involvedObject.kind?.toLowerCase() ?? 'object'} ${e.involvedObject.name ?? ''}: ${e.reason ?? ''}: ${e.message ?? ''}`;
}
