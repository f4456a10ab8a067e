// A server process's side of `modelport serve --workers N`: it answers the primary's requests for its counts,
// reports them every second (so that the counts of a process that is killed survive it, up to that second), and
// turns a scrape of /metrics that lands on it into one answer for the whole service, built by the primary.
import cluster from 'node:cluster';
import type { ServiceMetrics } from '../metrics';
import { isClusterMessage, type ClusterMessage } from './clusterMessages';

const reportEveryMs = 1_000;
/** A scrape waits this long for the primary; past it, this process's own counts answer (and say so in a comment). */
const aggregateTimeoutMs = 5_000;

export interface WorkerLink {
  /** The Prometheus text of every server process of the service together. */
  metricsText(): Promise<string>;
  close(): void;
}

/** Undefined when this process is not a server process of a primary. */
export function joinCluster(metrics: ServiceMetrics): WorkerLink | undefined {
  if (!cluster.isWorker || !process.send) return undefined;
  const send = (m: ClusterMessage): void => {
    if (process.connected) process.send?.(m);
  };
  const waiting = new Map<number, (text: string) => void>();
  let nextId = 1;
  const onMessage = (m: unknown): void => {
    if (!isClusterMessage(m)) return;
    if (m.mp === 'snapshot-request') send({ mp: 'snapshot', id: m.id, snapshot: metrics.snapshot() });
    else if (m.mp === 'metrics') {
      waiting.get(m.id)?.(m.text);
      waiting.delete(m.id);
    }
  };
  process.on('message', onMessage);
  const report = setInterval(() => send({ mp: 'snapshot', id: 0, snapshot: metrics.snapshot() }), reportEveryMs);
  report.unref();
  return {
    metricsText: () =>
      new Promise<string>((resolve) => {
        const id = nextId++;
        const timer = setTimeout(() => {
          waiting.delete(id);
          resolve(`# The primary did not answer within ${aggregateTimeoutMs} ms: the counts of server process ${process.pid} alone.\n${metrics.render()}`);
        }, aggregateTimeoutMs);
        timer.unref();
        waiting.set(id, (text) => {
          clearTimeout(timer);
          resolve(text);
        });
        send({ mp: 'metrics-request', id });
      }),
    close: () => {
      clearInterval(report);
      // A last report, so that a drained process's counts stay in the service's totals.
      send({ mp: 'snapshot', id: 0, snapshot: metrics.snapshot() });
      process.off('message', onMessage);
    },
  };
}
