// `service logs` for a Kubernetes service: the lines of every pod of the service, each prefixed by its pod;
// with `follow`, each pod's log is streamed and pods that appear later (a rollout, a scale-up) join in.
import { Writable } from 'node:stream';
import { sleep } from '../../async/sleep';
import type { LogOptions } from '../types';
import type { KubeConnection } from './kubeClient';
import { kubeCall } from './kubeErrors';
import { labelSelector } from './manifests';

const newPodPollMs = 2000;

async function podNames(conn: KubeConnection, namespace: string, service: string): Promise<string[]> {
  const pods = await kubeCall({ context: conn.context, server: conn.server, namespace, action: 'list pods' }, () =>
    conn.core.listNamespacedPod({ namespace, labelSelector: labelSelector(service) }),
  );
  return pods.items
    .filter((p) => !p.metadata?.deletionTimestamp)
    .map((p) => p.metadata?.name ?? '')
    .filter(Boolean)
    .sort();
}

function prefixed(pod: string, text: string): string[] {
  return text
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => `[${pod}] ${l}`);
}

export async function* podLogs(conn: KubeConnection, namespace: string, service: string, options: LogOptions): AsyncIterable<string> {
  const pods = await podNames(conn, namespace, service);
  if (!options.follow) {
    for (const pod of pods) {
      const text = await kubeCall({ context: conn.context, server: conn.server, namespace, action: `read the log of pod ${pod}` }, () =>
        conn.core.readNamespacedPodLog({ name: pod, namespace, container: 'scoring', ...(options.tail !== undefined ? { tailLines: options.tail } : {}) }),
      );
      yield* prefixed(pod, String(text));
    }
    return;
  }
  const queue: string[] = [];
  let wake: (() => void) | undefined;
  const push = (line: string): void => {
    queue.push(line);
    wake?.();
  };
  const following = new Map<string, AbortController>();
  const log = new conn.k8s.Log(conn.config);
  const follow = async (pod: string, tail: number | undefined): Promise<void> => {
    let partial = '';
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        const text = partial + chunk.toString('utf8');
        const lines = text.split('\n');
        partial = lines.pop() ?? '';
        for (const l of lines) if (l !== '') push(`[${pod}] ${l}`);
        done();
      },
    });
    try {
      following.set(pod, await log.log(namespace, pod, 'scoring', sink, { follow: true, ...(tail !== undefined ? { tailLines: tail } : {}) }));
    } catch {
      following.delete(pod);
    }
  };
  const stop = new AbortController();
  options.signal?.addEventListener('abort', () => stop.abort(), { once: true });
  // One listener for the whole stream: the reader below waits on `wake`, which an abort also calls.
  stop.signal.addEventListener('abort', () => wake?.(), { once: true });
  for (const pod of pods) {
    following.set(pod, new AbortController());
    await follow(pod, options.tail);
  }
  // New pods join with their whole log.
  const watchPods = (async () => {
    while (!stop.signal.aborted) {
      await sleep(newPodPollMs, stop.signal);
      if (stop.signal.aborted) break;
      const now = await podNames(conn, namespace, service).catch(() => [...following.keys()]);
      for (const pod of now) {
        if (following.has(pod)) continue;
        following.set(pod, new AbortController());
        await follow(pod, undefined);
      }
    }
  })();
  try {
    while (!stop.signal.aborted) {
      const line = queue.shift();
      if (line !== undefined) {
        yield line;
        continue;
      }
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
      wake = undefined;
    }
  } finally {
    stop.abort();
    for (const c of following.values()) c.abort();
    await watchPods;
  }
}
