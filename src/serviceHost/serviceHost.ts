// `modelport service-host DIR`: keeps one service running on this machine. It owns the scoring port (a proxy),
// runs the scoring instance (a child process or a local container: the instance factory of the record's target
// kind, given by the composition root), reports its state in host.json, replaces the instance without dropping a
// request when told to (SIGHUP, after the record changed), restarts a crashed instance, and on SIGTERM
// drains and stops. Its output is the service log.
import { basename, dirname } from 'node:path';
import { errorMessage } from '../core/errors';
import { endpointOf, hostPortOf } from '../core/services/host/serviceHostController';
import { generationTag } from '../core/services/logLine';
import type { ServiceRecord } from '../core/services/serviceRecord';
import { ServiceStore, type HostState, type StoredKeys } from '../core/services/serviceStore';
import { hostLimitsFromEnv } from './hostLimits';
import { hostTls } from './hostTls';
import { ServiceProxy } from './proxy';
import { watchOwnRecord } from './recordWatch';
import type { InstanceFactories, InstanceFactory, ScoringInstance } from './scoringInstance';

function log(line: string): void {
  process.stdout.write(`${new Date().toISOString()} HOST ${line}\n`);
}

const restartDelaysMs = [1000, 2000, 5000, 10_000, 30_000];

export async function runServiceHost(serviceDir: string, instances: InstanceFactories): Promise<number> {
  // Listen for SIGHUP before host.json names this pid: a command that finds the host by that file may signal it
  // while it still starts, and SIGHUP's default action would end it. A signal that early is taken up once the
  // first instance serves.
  let updateSignalledEarly = false;
  let onUpdateSignal = (): void => {
    updateSignalledEarly = true;
  };
  process.on('SIGHUP', () => onUpdateSignal());
  const name = basename(serviceDir);
  const store = new ServiceStore(dirname(dirname(serviceDir)));
  let proxy: ServiceProxy;
  try {
    proxy = new ServiceProxy({ limits: hostLimitsFromEnv(process.env), ...(await hostTls(store, name)) });
  } catch (err) {
    log(`cannot start: ${errorMessage(err)}`);
    await store.writeHostState(name, { pid: process.pid, port: 0, state: 'Failed', detail: errorMessage(err), generation: 0, updatedTime: new Date().toISOString() }).catch(() => undefined);
    return 1;
  }
  let state: HostState = { pid: process.pid, port: 0, state: 'Transitioning', generation: 0, updatedTime: new Date().toISOString() };
  let stopping = false;
  let crashes = 0;
  let queue: Promise<void> = Promise.resolve();

  const instanceFields = (i: ScoringInstance): Pick<HostState, 'instancePid' | 'instanceContainer' | 'debugPort'> => ({
    instancePid: i.pid,
    instanceContainer: i.containerId,
    debugPort: i.debugPort,
  });

  const report = async (patch: Partial<HostState>): Promise<void> => {
    state = { ...state, ...patch, pid: process.pid, updatedTime: new Date().toISOString() };
    await store.writeHostState(name, state);
  };

  /** What the service should run: a pending update's record (the CLI wrote it before signalling), else the record. */
  const desired = async (): Promise<ServiceRecord> => {
    const record = await store.readRecord(name);
    const pending = await store.readPending(name);
    return pending && pending.record.generation > record.generation ? pending.record : record;
  };

  /** Once a generation serves, the record says so, whether or not the command that asked for it is still there. */
  const promote = async (record: ServiceRecord): Promise<void> => {
    const stored = await store.readRecord(name);
    if (record.generation > stored.generation || stored.scoringUri === '') {
      await store.writeRecord({ ...record, ...endpointOf(record, state.port), target: endpointOf(record, state.port).target ?? record.target });
    }
    await store.removePending(name, record.generation);
  };

  const startInstance = async (record: ServiceRecord): Promise<ScoringInstance> => {
    const keys: StoredKeys | undefined = record.authMode === 'none' ? undefined : await store.readKeys(name);
    const factory: InstanceFactory | undefined = instances[record.target.kind];
    if (!factory) throw new Error(`this service host cannot run '${record.target.kind}' instances`);
    log(`starting ${factory.noun} for generation ${record.generation}`);
    // Each instance's lines carry its generation, so an update's two instances can be told apart in the log.
    const tag = generationTag(record.generation);
    const instance = await factory.create(record, keys, {
      workspaceDir: store.workspaceDir,
      publicUrl: `http://127.0.0.1:${state.port}`,
      log: (line) => void process.stdout.write(tag + line + '\n'),
    });
    const limitMs = factory.readyTimeoutMs;
    const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`the scoring instance was not ready after ${limitMs / 1000} s`)), limitMs).unref());
    try {
      const port = await Promise.race([instance.ready, timeout]);
      const res = await fetch(`http://127.0.0.1:${port}/`);
      if (res.status !== 200) throw new Error(`the instance's health check answered ${res.status}`);
      await res.arrayBuffer();
    } catch (err) {
      await instance.stop();
      throw err;
    }
    watchCrash(instance);
    return instance;
  };

  /** A crashed instance is replaced, with growing pauses so a crash loop does not spin. */
  const scheduleRestart = (): void => {
    const delay = restartDelaysMs[Math.min(crashes, restartDelaysMs.length - 1)] ?? 30_000;
    crashes += 1;
    log(`restarting the instance in ${delay / 1000} s`);
    setTimeout(() => {
      queue = queue.then(async () => {
        if (stopping || proxy.current) return;
        try {
          // A crashed instance is replaced by what the record says serves.
          const next = await startInstance(await store.readRecord(name));
          proxy.current = next;
          crashes = 0;
          await report({ state: 'Healthy', detail: undefined, ...instanceFields(next), generation: next.generation });
          log('instance restarted');
        } catch (err) {
          log(`restart failed: ${errorMessage(err)}`);
          await report({ state: 'Unhealthy', detail: `Restart failed: ${errorMessage(err)}` });
          scheduleRestart();
        }
      });
    }, delay).unref();
  };

  const watchCrash = (instance: ScoringInstance): void => {
    void instance.exited.then(async (code) => {
      if (stopping || proxy.current !== instance) return;
      proxy.current = undefined;
      proxy.unavailableReason = `The service instance exited with code ${code}; it is being restarted. See the service logs.`;
      log(`instance exited with code ${code}`);
      await report({ state: 'Unhealthy', detail: `The scoring instance exited with code ${code}; restarting.`, instancePid: undefined, instanceContainer: undefined, debugPort: undefined });
      scheduleRestart();
    });
  };

  /** Start the new instance, check it, switch traffic to it, then let the old one finish and stop it. */
  const update = async (): Promise<void> => {
    const record = await desired();
    if (record.generation === state.generation && proxy.current) {
      // It serves already (the host started with it while the command's signal waited): the command waits for this.
      if ((state.lastUpdate?.generation ?? 0) < record.generation) await report({ lastUpdate: { generation: record.generation, outcome: 'succeeded' } });
      return;
    }
    log(`update to generation ${record.generation} requested`);
    await report({ updating: record.generation });
    let next: ScoringInstance;
    try {
      if (Boolean(record.tls) !== proxy.tls) throw new Error(`sslEnabled cannot change on a running service (its port serves ${proxy.tls ? 'HTTPS' : 'HTTP'}): delete the service and deploy it again`);
      next = await startInstance(record);
    } catch (err) {
      const reason = errorMessage(err);
      log(`update to generation ${record.generation} failed: ${reason}; the previous instance keeps serving`);
      await store.removePending(name, record.generation).catch(() => undefined);
      await report({ updating: undefined, lastUpdate: { generation: record.generation, outcome: 'failed', reason } });
      return;
    }
    const old = proxy.current;
    proxy.current = next;
    await promote(record);
    // Logged before it is reported: a command that sees the report reads the log once more and shows this line.
    log(`generation ${record.generation} is serving`);
    await report({ state: 'Healthy', detail: undefined, updating: undefined, generation: next.generation, ...instanceFields(next), lastUpdate: { generation: record.generation, outcome: 'succeeded' } });
    if (old) {
      await old.inFlight.idle();
      // Its pooled keep-alive connections first, so the instance's own drain has nothing to wait for.
      await proxy.retire(old);
      await old.stop();
      log(`generation ${old.generation} retired`);
    }
  };

  let record;
  try {
    record = await store.readRecord(name);
    const port = await proxy.listen(hostPortOf(record));
    await report({ port, state: 'Transitioning' });
    log(`listening on 127.0.0.1:${port}`);
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code === 'EADDRINUSE' ? `Port ${record ? hostPortOf(record) : '?'} is already in use.` : errorMessage(err);
    log(`cannot start: ${reason}`);
    await report({ state: 'Failed', detail: reason }).catch(() => undefined);
    return 1;
  }

  try {
    const wanted = await desired();
    const first = await startInstance(wanted);
    proxy.current = first;
    await promote(wanted);
    log('Healthy');
    await report({ state: 'Healthy', generation: first.generation, ...instanceFields(first), detail: undefined });
  } catch (err) {
    const reason = errorMessage(err);
    log(`deployment failed: ${reason}`);
    await report({ state: 'Failed', detail: reason });
    await proxy.close();
    return 1;
  }

  return new Promise<number>((resolveExit) => {
    onUpdateSignal = () => {
      queue = queue.then(update).catch((err: unknown) => log(`update error: ${errorMessage(err)}`));
    };
    if (updateSignalledEarly) onUpdateSignal();
    const stop = (): void => {
      if (stopping) return;
      stopping = true;
      log('stopping: draining in-flight requests');
      void queue.then(async () => {
        const current = proxy.current;
        const closed = proxy.close();
        if (current) {
          await current.inFlight.idle();
          await current.stop();
        }
        await closed;
        // The folder may be gone (the host stops because its record was removed): nothing to report to then.
        await report({ state: 'Stopped', instancePid: undefined, instanceContainer: undefined, debugPort: undefined, detail: 'Stopped by request.' }).catch(() => undefined);
        log('stopped');
        resolveExit(0);
      });
    };
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
    // A host whose record or workspace was removed (by hand, or by a delete that could not reach it) stops.
    watchOwnRecord(store.recordFile(name), () => {
      log('the service record is gone: stopping');
      stop();
    });
  });
}
