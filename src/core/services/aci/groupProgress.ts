// What a deployment shows while Azure works, as wait_for_deployment(show_output=True) does: the container
// group's provisioning state, its events and its container's (Pulling, Pulled, Started…), each line once.
import type { Container, ContainerGroup, Event } from '@azure/arm-containerinstance';

export class GroupWatcher {
  private readonly seen = new Set<string>();
  private provisioningState: string | undefined;
  private containerState: string | undefined;

  constructor(private readonly onProgress: ((line: string) => void) | undefined) {}

  report(group: ContainerGroup): void {
    const say = this.onProgress;
    if (!say) return;
    const ps = group.provisioningState;
    if (ps && ps !== this.provisioningState) {
      this.provisioningState = ps;
      say(`Azure: container group ${group.name ?? ''} provisioning state ${ps}`);
    }
    const events: Event[] = [...(group.instanceView?.events ?? []), ...(group.containers.flatMap((c) => c.instanceView?.events ?? []))];
    for (const e of events.sort((a, b) => String(a.lastTimestamp ?? '').localeCompare(String(b.lastTimestamp ?? '')))) {
      const key = `${e.name ?? ''}|${String(e.firstTimestamp ?? '')}|${e.count ?? ''}|${e.message ?? ''}`;
      if (this.seen.has(key)) continue;
      this.seen.add(key);
      say(`Azure: ${e.type ?? 'Normal'} ${e.name ?? ''}: ${e.message ?? ''}${(e.count ?? 1) > 1 ? ` (×${e.count})` : ''}`);
    }
    const c = group.containers[0];
    const state = c ? containerStateText(c) : undefined;
    if (state && state !== this.containerState) {
      this.containerState = state;
      say(`Azure: container ${c?.name ?? ''} ${state}`);
    }
  }
}

export function containerStateText(c: Container): string | undefined {
  const s = c.instanceView?.currentState;
  if (!s?.state) return undefined;
  const exit = s.exitCode !== undefined && s.state !== 'Running' ? `, exit code ${s.exitCode}` : '';
  const detail = s.detailStatus ? ` (${s.detailStatus})` : '';
  return `${s.state}${detail}${exit}`;
}

/** One line for listings: provisioning state, container state, restarts, where it runs. */
export function groupSummary(group: ContainerGroup): string {
  const c = group.containers[0];
  const restarts = c?.instanceView?.restartCount ?? 0;
  return [`provisioning ${group.provisioningState ?? '?'}`, c ? `container ${containerStateText(c) ?? 'not started'}` : undefined, `restarts ${restarts}`]
    .filter(Boolean)
    .join(', ');
}

/** A container that keeps exiting: Azure restarts it (restartPolicy Always) and counts. */
export function crashLoop(group: ContainerGroup, limit = 3): string | undefined {
  const c = group.containers[0];
  const restarts = c?.instanceView?.restartCount ?? 0;
  if (restarts < limit) return undefined;
  const prev = c?.instanceView?.previousState;
  return `the container keeps exiting: Azure restarted it ${restarts} times${prev?.exitCode !== undefined ? ` (last exit code ${prev.exitCode})` : ''}`;
}
