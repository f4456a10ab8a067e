// The primary of `modelport serve --workers N` (N > 1): it owns the listening socket and forks N server processes,
// the way gunicorn's master owns the port for its workers. It accepts each connection paused and hands the socket
// to a server process over IPC; it never reads a byte of a request.
//
// Why not node:cluster's own sharing: Node 20 has no SO_REUSEPORT (`reusePort` arrived in Node 22.12/23.1); a
// shared accept queue (cluster's SCHED_NONE) piles connections on whichever process wakes first; and cluster's
// round robin keeps its copy of a connection until the process acknowledges it, and never closes it if the
// process died or is stuck, so that client hangs for good (seen here: a client waited > 2 minutes after a kill -9).
// Here the primary keeps its copy of each connection it hands over (`keepOpen`) until the process says it holds
// it (a message sent before it reads a byte), and closes the copies of a process that ends: a connection caught
// in a dying process fails at once instead of hanging. It also stops handing connections to a process that has
// not reported for 3 s (it reports every second; its event loop is stuck), so a stuck process costs the
// connections it holds, not new ones, until its watchdog ends it.
//
// What it does: listens, starts N processes and announces the service once all of them are ready (so a host's
// readiness means every process is ready); replaces a process that dies after start-up (a crash, or the
// event-loop watchdog's SIGKILL) with growing delays if they keep dying; fails the start as the process did (exit
// 3 when init() fails, 2 for configuration) when one dies before it was ever ready; drains all of them on
// SIGTERM/SIGINT or when the service host goes away; and answers /metrics scrapes with every process's counts.
import cluster, { type Worker } from 'node:cluster';
import { createServer, type Server, type Socket } from 'node:net';
import { constants } from 'node:os';
import { errorMessage } from '../../core/errors';
import type { Logger } from '../logger';
import { Counter, Gauge, ServiceMetrics, type MetricsSnapshot } from '../metrics';
import { watchParentLink } from '../parentLink';
import { isClusterMessage, type ClusterMessage } from './clusterMessages';

const snapshotTimeoutMs = 2_000;
/** A process that has sent nothing for this long (it reports every second) gets no new connections. */
const silentAfterMs = 3_000;
const maxRestartDelayMs = 10_000;

export interface PrimaryOptions {
  processes: number;
  port: number;
  host: string;
  logger: Logger;
  /** The port, already bound by a privileged start (ACI's port 80): listened on instead of binding. */
  preBound?: Server;
  /** Called once every process is ready, with the port: prints the line the service host waits for. */
  onListening(port: number): void;
}

interface Member {
  index: number;
  worker: Worker;
  /** Ready for connections (models loaded, init() done). */
  listening: boolean;
  latest: MetricsSnapshot | undefined;
  /** When it last sent anything (performance.now()). */
  heardAt: number;
  /** Connections handed over that it has not yet said it holds, by id: the primary's copies. */
  handing: Map<number, Socket>;
}

function listen(server: Server, port: number, host: string, preBound: Server | undefined): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    const onListening = (): void => {
      server.off('error', reject);
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    };
    if (preBound) server.listen(preBound, onListening);
    else server.listen({ port, host }, onListening);
  });
}

function exitCodeOf(code: number | null, signal: string | null): number {
  if (code !== null) return code;
  return signal ? 128 + (constants.signals[signal as NodeJS.Signals] ?? 0) : 1;
}

export async function runPrimary(options: PrimaryOptions): Promise<number> {
  const { logger, processes } = options;
  const pending: Socket[] = [];
  let turn = 0;
  let nextConnection = 1;
  // Set below, once the processes exist; connections that arrive before any is ready wait in `pending`.
  let dispatch: (socket: Socket) => void = (socket) => pending.push(socket);
  const server = createServer({ pauseOnConnect: true }, (socket) => dispatch(socket));
  let port: number;
  try {
    port = await listen(server, options.port, options.host, options.preBound);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    logger.error(code === 'EADDRINUSE' ? `Port ${options.port} on ${options.host} is already in use; choose another with --port.` : `Could not listen: ${errorMessage(err)}`);
    return 1;
  }
  const members = new Map<number, Member>();
  const retired = new ServiceMetrics();
  const restarts = new Counter('modelport_server_process_restarts_total', 'Server processes that ended and were replaced (a crash, or the event-loop watchdog).');
  restarts.inc({}, 0);
  let serving = false;
  let stopping = false;
  let recentDeaths: number[] = [];
  let nextScrape = 1;
  let exitCodeSoFar = 0;

  return new Promise<number>((resolveExit) => {
    let settled = false;
    const finish = (code: number): void => {
      if (settled) return;
      settled = true;
      server.close();
      for (const s of pending.splice(0)) s.destroy();
      resolveExit(code);
    };

    /** Round robin over the ready processes that reported lately; any ready one if none did; else wait. */
    dispatch = (socket: Socket): void => {
      if (stopping) {
        socket.destroy();
        return;
      }
      const ready = [...members.values()].filter((m) => m.listening && m.worker.isConnected());
      const now = performance.now();
      const lively = ready.filter((m) => now - m.heardAt < silentAfterMs);
      const choices = lively.length > 0 ? lively : ready;
      const member = choices[turn++ % Math.max(1, choices.length)];
      if (!member) {
        pending.push(socket);
        return;
      }
      const id = nextConnection++;
      member.handing.set(id, socket);
      member.worker.send({ mp: 'conn', id } satisfies ClusterMessage, socket, { keepOpen: true }, (err) => {
        // Not handed over (the process just died): another one takes it.
        if (err && member.handing.delete(id)) setImmediate(() => dispatch(socket));
      });
    };
    const flushPending = (): void => {
      for (const s of pending.splice(0)) dispatch(s);
    };

    const fork = (index: number): void => {
      // The service host's liveness link stays with the primary: it drains its processes when the host goes.
      const worker = cluster.fork({ MODELPORT_PARENT_LINK: '', MODELPORT_SERVER_PROCESS: String(index) });
      const member: Member = { index, worker, listening: false, latest: undefined, heardAt: performance.now(), handing: new Map() };
      members.set(worker.id, member);
      worker.on('message', (m: unknown) => onMessage(member, m));
      worker.on('exit', (code, signal) => onExit(member, exitCodeOf(code, signal)));
    };

    const onExit = (member: Member, code: number): void => {
      members.delete(member.worker.id);
      // Connections it never said it held: closing the last copy fails them at once (a client never hangs).
      for (const s of member.handing.values()) s.destroy();
      member.handing.clear();
      if (member.latest) retired.absorb(member.latest, false);
      if (stopping) {
        // While draining, a process that does not end cleanly fails the stop; while a failed start stops the
        // others, the code of the one that failed stands.
        if (serving && code !== 0) exitCodeSoFar = 1;
        if (members.size === 0) {
          if (serving) logger.info('Stopped');
          finish(exitCodeSoFar);
        }
        return;
      }
      if (!serving) {
        // A process that cannot start (a broken model, init() that throws) fails the service's start.
        logger.error(`Server process ${member.index} (pid ${member.worker.process.pid}) exited with code ${code} while starting; stopping the others.`);
        stopAll();
        exitCodeSoFar = code;
        if (members.size === 0) finish(code);
        return;
      }
      restarts.inc();
      const now = Date.now();
      recentDeaths = [...recentDeaths.filter((t) => now - t < 60_000), now];
      const delayMs = recentDeaths.length <= 1 ? 0 : Math.min(maxRestartDelayMs, 250 * 2 ** (recentDeaths.length - 2));
      logger.warn(`Server process ${member.index} (pid ${member.worker.process.pid}) exited with code ${code}; ${members.size} still serving, a replacement starts${delayMs ? ` in ${delayMs} ms` : ''}.`);
      const timer = setTimeout(() => {
        if (!stopping) fork(member.index);
      }, delayMs);
      timer.unref();
    };

    const stopAll = (): void => {
      stopping = true;
      // No new connections; those already handed over are drained by their processes.
      server.close();
      for (const s of pending.splice(0)) s.destroy();
      for (const m of members.values()) m.worker.process.kill('SIGTERM');
    };

    // ------------------------------------------------------------------------------------------- metrics
    const scrapes = new Map<number, { pending: Set<number>; done: () => void }>();
    const onMessage = (member: Member, m: unknown): void => {
      if (!isClusterMessage(m)) return;
      member.heardAt = performance.now();
      if (m.mp === 'got') {
        // The process holds the connection: closing this copy leaves the connection open in the process.
        member.handing.get(m.id)?.destroy();
        member.handing.delete(m.id);
      } else if (m.mp === 'ready') {
        member.listening = true;
        logger.debug(`Server process ${member.index} (pid ${member.worker.process.pid}) ready`);
        if (!serving && [...members.values()].filter((x) => x.listening).length === processes) {
          serving = true;
          options.onListening(port);
        }
        flushPending();
      } else if (m.mp === 'snapshot') {
        member.latest = m.snapshot;
        const scrape = scrapes.get(m.id);
        if (scrape) {
          scrape.pending.delete(member.worker.id);
          if (scrape.pending.size === 0) scrape.done();
        }
      } else if (m.mp === 'metrics-request') {
        void aggregate().then(
          (text) => send(member.worker, { mp: 'metrics', id: m.id, text }),
          (err: unknown) => logger.warn(`Could not gather metrics: ${errorMessage(err)}`),
        );
      }
    };
    const send = (worker: Worker, m: ClusterMessage): void => {
      if (worker.isConnected()) worker.send(m);
    };
    /** Asks every live process for its counts (waiting at most 2 s; a stuck one counts with its last report). */
    const aggregate = async (): Promise<string> => {
      const id = nextScrape++;
      const live = [...members.values()].filter((m) => m.worker.isConnected());
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          scrapes.delete(id);
          resolve();
        }, snapshotTimeoutMs);
        const pending = new Set(live.map((m) => m.worker.id));
        scrapes.set(id, {
          pending,
          done: () => {
            clearTimeout(timer);
            scrapes.delete(id);
            resolve();
          },
        });
        if (pending.size === 0) scrapes.get(id)?.done();
        for (const m of live) send(m.worker, { mp: 'snapshot-request', id });
      });
      const total = new ServiceMetrics();
      total.absorb(retired.snapshot(), false);
      for (const m of members.values()) if (m.latest) total.absorb(m.latest);
      const count = new Gauge('modelport_server_processes', 'Server processes serving this port (--workers / WORKER_COUNT).');
      count.set([...members.values()].filter((m) => m.listening).length);
      total.extra.push(count, restarts);
      return total.render();
    };

    // ------------------------------------------------------------------------------------------- lifecycle
    const stop = (why: string): void => {
      if (stopping) return;
      logger.info(`${why}: draining in-flight requests in ${members.size} server process(es)`);
      stopAll();
      if (members.size === 0) finish(exitCodeSoFar);
    };
    process.once('SIGTERM', () => stop('SIGTERM received'));
    process.once('SIGINT', () => stop('SIGINT received'));
    watchParentLink(process.env, () => stop('End of the service host link (the host is gone)'));

    logger.info(`Starting ${processes} server processes sharing one port (--workers / WORKER_COUNT)`);
    for (let i = 1; i <= processes; i++) fork(i);
  });
}
