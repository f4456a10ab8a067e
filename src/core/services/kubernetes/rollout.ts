// Waits for a Deployment's rollout as `kubectl rollout status` does, and says meanwhile what a user would look
// up by hand: each new status sentence, why a pod of the new generation is not ready (with a crashing
// container's last log lines) and the Warning events of those pods. Ends at the progress deadline.
import type { V1Deployment } from '@kubernetes/client-node' with { 'resolution-mode': 'import' };
import { sleep } from '../../async/sleep';
import { CancelledError } from '../../errors';
import { DeploymentFailedError } from '../deploymentFailedError';
import type { LifecycleOptions } from '../types';
import type { KubeConnection } from './kubeClient';
import { kubeCall, type CallSite } from './kubeErrors';
import { labelKeys, labelSelector } from './manifests';
import { adviceFor, eventLine, podProblems, problemLine, type PodProblem } from './podDiagnostics';
import { rolloutStatus } from './rolloutStatus';

const pollMs = 1000;
const crashLogLines = 15;

export interface RolloutTarget {
  name: string;
  namespace: string;
  generation: number;
  progressDeadlineSeconds: number;
}

async function lastLogLines(conn: KubeConnection, namespace: string, pod: string): Promise<string[]> {
  for (const previous of [true, false]) {
    try {
      const text = await conn.core.readNamespacedPodLog({ name: pod, namespace, container: 'scoring', previous, tailLines: crashLogLines });
      const lines = String(text).split('\n').filter((l) => l.trim() !== '');
      if (lines.length > 0) return lines;
    } catch {
      // No previous container yet, or the pod is gone: try the current one.
    }
  }
  return [];
}

export async function waitForRollout(conn: KubeConnection, target: RolloutTarget, options: LifecycleOptions): Promise<V1Deployment> {
  const site: CallSite = { context: conn.context, server: conn.server, namespace: target.namespace, action: `read Deployment ${target.name}` };
  const say = (line: string): void => options.onProgress?.(line);
  const told = new Set<string>();
  const crashLogs = new Map<string, string[]>();
  let lastMessage = '';
  // Our own bound, beyond the cluster's progress deadline, in case its controller is not running at all.
  const deadline = Date.now() + (target.progressDeadlineSeconds + 120) * 1000;
  const podSelector = `${labelSelector(target.name)},${labelKeys.version}=${target.generation}`;
  for (;;) {
    if (options.signal?.aborted) throw new CancelledError('Cancelled while waiting for the rollout; the cluster goes on with it.');
    const deployment = await kubeCall(site, () => conn.apps.readNamespacedDeployment({ name: target.name, namespace: target.namespace }));
    const status = rolloutStatus(deployment);
    if (status.message !== lastMessage) {
      say(status.message);
      lastMessage = status.message;
    }
    if (status.phase === 'done') return deployment;
    const pods = await kubeCall({ ...site, action: 'list pods' }, () => conn.core.listNamespacedPod({ namespace: target.namespace, labelSelector: podSelector }));
    const lastProblems: PodProblem[] = podProblems(pods.items);
    for (const p of lastProblems) {
      const key = `${p.pod}/${p.reason}`;
      if (told.has(key)) continue;
      told.add(key);
      say(problemLine(p));
      if (p.crashed) {
        const lines = await lastLogLines(conn, target.namespace, p.pod);
        crashLogs.set(p.pod, lines);
        for (const l of lines) say(`  ${p.pod} | ${l}`);
      }
    }
    const podNames = new Set(pods.items.map((p) => p.metadata?.name ?? ''));
    const events = await conn.core.listNamespacedEvent({ namespace: target.namespace, fieldSelector: 'type=Warning' }).catch(() => undefined);
    for (const e of events?.items ?? []) {
      if (!podNames.has(e.involvedObject.name ?? '')) continue;
      const key = `event/${e.metadata?.uid ?? ''}/${e.count ?? 1}`;
      if (told.has(key)) continue;
      told.add(key);
      say(eventLine(e));
    }
    if (status.phase === 'failed' || Date.now() > deadline) {
      const reasons = [...new Set(lastProblems.map((p) => p.reason))];
      const why = reasons.length > 0 ? ` Pods of generation ${target.generation}: ${reasons.join(', ')}. ${reasons.map(adviceFor).join(' ')}` : '';
      const message =
        status.phase === 'failed'
          ? `Deployment '${target.name}' exceeded its progress deadline (${target.progressDeadlineSeconds} s): ${status.message}.${why}`
          : `Deployment '${target.name}' did not finish rolling out, and the cluster did not report a failure: ${status.message}.${why}`;
      throw new DeploymentFailedError(message, [...crashLogs.entries()].flatMap(([pod, lines]) => lines.map((l) => `${pod} | ${l}`)));
    }
    await sleep(pollMs);
  }
}
