// The `local` target: the service's detached host runs its scoring instance as a child process on this machine.
import type { ServiceRecord, TargetSettingsOf } from '../serviceRecord';
import type { StoredKeys } from '../serviceStore';
import type { DeploymentTarget, StartedService, TargetContext, TargetRequest, TargetStatus } from '../target';
import type { LifecycleOptions, LogOptions } from '../types';
import { ServiceHostController, hostPort, type LocalRuntime } from '../host/serviceHostController';

export class LocalTarget implements DeploymentTarget<'local'> {
  readonly kind = 'local';
  readonly updateStrategy = 'swap';
  private readonly host: ServiceHostController;

  constructor(context: TargetContext, runtime: LocalRuntime) {
    this.host = new ServiceHostController(context.store, runtime);
  }

  settings(request: TargetRequest, current: TargetSettingsOf<'local'> | undefined): TargetSettingsOf<'local'> {
    return { kind: 'local', port: hostPort(request, current) };
  }

  preflight(record: ServiceRecord): Promise<void> {
    return this.host.checkPort(record);
  }

  // The host reads the credentials from the service's owner-only keys file itself.
  start(record: ServiceRecord, _credentials: StoredKeys, options: LifecycleOptions): Promise<StartedService> {
    return this.host.start(record, options);
  }

  status(record: ServiceRecord): Promise<TargetStatus> {
    return this.host.status(record);
  }

  reload(record: ServiceRecord, _credentials: StoredKeys, options: LifecycleOptions): Promise<void> {
    return this.host.reload(record, options);
  }

  stop(record: ServiceRecord, options: LifecycleOptions): Promise<void> {
    return this.host.stop(record, options);
  }

  isRunning(record: ServiceRecord): Promise<boolean> {
    return this.host.isRunning(record);
  }

  logs(record: ServiceRecord, options: LogOptions): AsyncIterable<string> {
    return this.host.logs(record, options);
  }
}
