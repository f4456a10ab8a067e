// A deployment target runs a service somewhere: a local process, a local container, Azure Container
// Instances, a Kubernetes cluster. The service manager owns records, models and credentials; a target
// only starts, inspects, reloads and stops what a record describes.
import type { StoredRecord } from './serviceStore';
import type { ComputeType, LifecycleOptions, ServiceState } from './types';

export interface TargetStatus {
  state: ServiceState;
  detail: string | undefined;
}

export interface StartedService {
  /** The port the service answers on, as the target exposes it. */
  port: number;
  scoringUri: string;
  swaggerUri: string;
}

export interface DeploymentTarget {
  readonly computeType: ComputeType;
  /** Starts the service and resolves once it is Healthy; rejects with the reason and the log tail. */
  start(record: StoredRecord, options: LifecycleOptions): Promise<StartedService>;
  status(record: StoredRecord): Promise<TargetStatus>;
  /** Moves the running service to the record's current generation without failing a request. */
  reload(record: StoredRecord, options: LifecycleOptions): Promise<void>;
  stop(record: StoredRecord, options: LifecycleOptions): Promise<void>;
  /** Whether something of this service is running (so `reload` applies rather than `start`). */
  isRunning(record: StoredRecord): Promise<boolean>;
}
