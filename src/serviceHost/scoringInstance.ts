// What the service host and its proxy need of a scoring instance, whether a child process or a container, and
// how the host's composition root (src/cli.ts) says which kind of instance each target runs.
import type { ServiceRecord, TargetKind } from '../core/services/serviceRecord';
import type { StoredKeys } from '../core/services/serviceStore';
import type { InFlight } from './inFlight';

export interface ScoringInstance {
  readonly generation: number;
  /** Resolves with the loopback port the instance answers on once it is ready; rejects if it stops first. */
  readonly ready: Promise<number>;
  readonly exited: Promise<number | null>;
  readonly port: number | undefined;
  readonly pid: number | undefined;
  /** The loopback port of its Node inspector, when it runs under one. */
  readonly debugPort: number | undefined;
  /** The container it runs in, for container instances. */
  readonly containerId?: string | undefined;
  /** The requests the proxy is forwarding to it. */
  readonly inFlight: InFlight;
  stop(graceMs?: number): Promise<void>;
}

export interface InstanceContext {
  workspaceDir: string;
  /** `http://127.0.0.1:<port>`: where the host answers for the service (the instance's own port is private). */
  publicUrl: string;
  /** Writes one line of the instance's output to the service log. */
  log: (line: string) => void;
}

export interface InstanceFactory {
  /** What the log calls one ("instance", "container"). */
  readonly noun: string;
  /** How long a new one may take to answer its health check (a container may build its image first). */
  readonly readyTimeoutMs: number;
  create(record: ServiceRecord, keys: StoredKeys | undefined, context: InstanceContext): Promise<ScoringInstance>;
}

/** The instances a service host can run, by the target kind of its record. */
export type InstanceFactories = { readonly [K in TargetKind]?: InstanceFactory };
