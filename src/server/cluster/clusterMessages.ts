// The messages between the primary of `modelport serve --workers N` and its server processes, over node:cluster's
// IPC channel: readiness, accepted connections (the socket itself; the primary never reads a byte of it), metrics.
import type { MetricsSnapshot } from '../metrics';

/** A server process asks the primary for the metrics of the whole service (a scrape of /metrics landed on it). */
export interface MetricsRequest {
  mp: 'metrics-request';
  id: number;
}
/** The primary's answer: the Prometheus text of every process together. */
export interface MetricsAnswer {
  mp: 'metrics';
  id: number;
  text: string;
}
/** The primary asks a server process for its counts (`id`) for one scrape. */
export interface SnapshotRequest {
  mp: 'snapshot-request';
  id: number;
}
/** A server process's counts: the answer to a SnapshotRequest (`id` > 0), or its periodic report (`id` 0). */
export interface SnapshotReport {
  mp: 'snapshot';
  id: number;
  snapshot: MetricsSnapshot;
}

/** A server process is ready to take connections (its models loaded, init() done). */
export interface Ready {
  mp: 'ready';
  id: number;
}
/** The primary hands over an accepted connection (the socket travels with the message). */
export interface Connection {
  mp: 'conn';
  id: number;
}
/** The server process holds connection `id` now (sent before it reads a byte): the primary drops its copy. */
export interface ConnectionTaken {
  mp: 'got';
  id: number;
}

export type ClusterMessage = MetricsRequest | MetricsAnswer | SnapshotRequest | SnapshotReport | Ready | Connection | ConnectionTaken;

export function isClusterMessage(value: unknown): value is ClusterMessage {
  if (typeof value !== 'object' || value === null) return false;
  const { mp, id } = value as { mp?: unknown; id?: unknown };
  return typeof id === 'number' && (mp === 'metrics-request' || mp === 'metrics' || mp === 'snapshot-request' || mp === 'snapshot' || mp === 'ready' || mp === 'conn' || mp === 'got');
}
