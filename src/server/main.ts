// `modelport serve`: runs a scoring service until SIGTERM/SIGINT, then drains and exits. Exit codes follow
// the reference server where it has one: 3 when init() fails; 2 for a configuration error; 1 otherwise; and
// 137 (SIGKILL) when the event-loop watchdog ends a process whose loop stays blocked (see eventLoopWatchdog.ts).
import cluster from 'node:cluster';
import { url as inspectorUrl } from 'node:inspector';
import type { Server } from 'node:net';
import { ConfigError, errorMessage } from '../core/errors';
import { takeConnectionsFromPrimary, type ConnectionIntake } from './cluster/connectionIntake';
import { runPrimary } from './cluster/primary';
import { serverProcessPlan } from './cluster/serverProcesses';
import { bindPort, dropPrivileges } from './http/privilegedPort';
import { createLogger, type Logger } from './logger';
import { defaultWatchdogMs, type ServeOptions } from './options';
import { EventLoopWatchdog, startupWatchdogMs } from './runtime/eventLoopWatchdog';
import { widenHeapGrowth } from './runtime/heapGrowth';
import { InitFailedError } from './scoring/entryScript/entryScriptScorer';
import { watchParentLink } from './parentLink';
import { containUnhandledRejections } from './scoring/entryScript/requestScope';
import { createService } from './service';

export const exitCodes = { ok: 0, failure: 1, config: 2, initFailed: 3 } as const;

/** Started before the entry script loads, so a stuck init() is caught too (with the longer start-up limit). */
function startWatchdog(options: ServeOptions, logger: Logger): EventLoopWatchdog | undefined {
  const limitMs = options.watchdogMs ?? defaultWatchdogMs(options.timeoutMs);
  if (limitMs === 0) return undefined;
  const startupLimitMs = startupWatchdogMs(limitMs);
  const started = EventLoopWatchdog.start({
    limitMs,
    startupLimitMs,
    scoringTimeoutMs: options.timeoutMs,
    culprit: options.entryScript ? "an entry script's run() or init() is not returning" : 'a model run is not returning',
    onWorkerError: (err) => logger.warn(`The event-loop watchdog stopped: ${errorMessage(err)}`),
  });
  if ('off' in started) {
    logger.info(`Event-loop watchdog off: ${started.off}.`);
    return undefined;
  }
  logger.debug(`Event-loop watchdog: the process exits when its event loop is blocked for more than ${limitMs} ms (${startupLimitMs} ms while starting).`);
  return started.watchdog;
}

/** The line a service host (and a person at a terminal) waits for: the service answers from now on. */
function announceListening(options: ServeOptions, port: number, logger: Logger): void {
  const shownHost = options.host === '0.0.0.0' || options.host === '::' ? '127.0.0.1' : options.host;
  // Behind a service host (MODELPORT_PUBLIC_URL), this port is private: say so, and where callers go instead.
  const publicUrl = process.env.MODELPORT_PUBLIC_URL;
  if (publicUrl) logger.info(`Instance listening: http://${shownHost}:${port}/ (private; the service answers at ${publicUrl}/score)`);
  else logger.info(`Scoring service listening: http://${shownHost}:${port}/score (swagger: http://${shownHost}:${port}/swagger.json)`);
}

/**
 * Serves until SIGTERM/SIGINT. With `--workers N` (N > 1, no score.py, no inspector) this process becomes the
 * primary of N server processes sharing the port (src/server/cluster/primary.ts); each of them runs this function
 * again as a cluster worker and serves alone, then exits with its code.
 */
export async function serve(options: ServeOptions): Promise<number> {
  const logger = createLogger(options.logLevel);
  // Each server process (cluster workers run this too) before it loads anything: see heapGrowth.ts.
  widenHeapGrowth();
  if (cluster.isWorker) {
    const code = await serveHere(options, logger);
    // The IPC channel to the primary would keep this process alive; its exit code is what the primary reads.
    process.exit(code);
  }
  // Root only long enough to bind a privileged port (ACI, port 80): see http/privilegedPort.ts. Server processes
  // forked after this run as the unprivileged user too.
  let bound: Server | undefined;
  if (options.runAs && process.getuid?.() === 0) {
    try {
      bound = await bindPort(options.port, options.host);
      dropPrivileges(options.runAs);
      logger.info(`Bound port ${options.port} as root, now running as user ${options.runAs.uid}:${options.runAs.gid}`);
    } catch (err) {
      bound?.close();
      logger.error(`Could not bind port ${options.port} and drop privileges: ${errorMessage(err)}`);
      return exitCodes.failure;
    }
  }
  const inspectorOn = inspectorUrl() !== undefined || process.execArgv.some((a) => a.startsWith('--inspect'));
  const plan = serverProcessPlan(options.workers, options.entryScript, inspectorOn);
  if (plan.note) logger.warn(plan.note);
  if (plan.processes > 1) {
    return runPrimary({
      processes: plan.processes,
      port: options.port,
      host: options.host,
      ...(bound ? { preBound: bound } : {}),
      logger,
      onListening: (port) => announceListening(options, port, logger),
    });
  }
  return serveHere(options, logger, bound);
}

/** `bound`: the port, already bound by the privileged start (the service listens on it instead of binding). */
async function serveHere(options: ServeOptions, logger: Logger, bound?: Server): Promise<number> {
  containUnhandledRejections((message) => logger.error(message));
  const watchdog = startWatchdog(options, logger);
  const exit = async (code: number): Promise<number> => {
    await watchdog?.stop();
    return code;
  };
  let service;
  try {
    service = await createService(options, logger);
  } catch (err) {
    bound?.close();
    if (err instanceof InitFailedError) {
      logger.error(err.message);
      return exit(exitCodes.initFailed);
    }
    logger.error(`The service could not start: ${errorMessage(err)}`);
    return exit(err instanceof ConfigError ? exitCodes.config : exitCodes.failure);
  }
  // A server process of a primary never listens: it serves the connections the primary hands it.
  let intake: ConnectionIntake | undefined;
  if (cluster.isWorker) {
    await service.app.ready();
    intake = takeConnectionsFromPrimary(service.app.server);
    process.send?.({ mp: 'ready', id: 0 });
    watchdog?.serving();
  } else {
    try {
      if (bound) {
        const preBound = bound;
        await service.app.ready();
        await new Promise<void>((resolveListen, rejectListen) => {
          service.app.server.once('error', rejectListen);
          service.app.server.listen(preBound, () => resolveListen());
        });
      } else {
        await service.app.listen({ port: options.port, host: options.host });
      }
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      logger.error(code === 'EADDRINUSE' ? `Port ${options.port} on ${options.host} is already in use; choose another with --port.` : `Could not listen: ${errorMessage(err)}`);
      await service.close();
      return exit(exitCodes.failure);
    }
    watchdog?.serving();
    const address = service.app.server.address();
    announceListening(options, typeof address === 'object' && address ? address.port : options.port, logger);
  }

  return new Promise<number>((resolveExit) => {
    let stopping = false;
    const stop = (signal: string): void => {
      if (stopping) return;
      stopping = true;
      logger.info(`${signal} received: draining in-flight requests`);
      // The watchdog keeps watching while requests drain: a run() that blocks now would hang the stop too.
      (intake ? intake.drain() : Promise.resolve()).then(() => service.close()).then(
        () => {
          logger.info('Stopped');
          resolveExit(exit(exitCodes.ok));
        },
        (err: unknown) => {
          logger.error(`Error while stopping: ${errorMessage(err)}`);
          resolveExit(exit(exitCodes.failure));
        },
      );
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
    watchParentLink(process.env, () => stop('End of the service host link (the host is gone)'));
  });
}
