// A server process's side of the connections its primary hands over: each socket is given to the HTTP server as if
// it had accepted it, and on SIGTERM the process drains them itself, since its HTTP server never listened (so
// closing that server would not wait for them): no new connections, each request in flight answered, every socket
// closed once it is idle, then the process may stop.
import type { Server } from 'node:http';
import { Socket } from 'node:net';
import { isClusterMessage, type ClusterMessage } from './clusterMessages';

export interface ConnectionIntake {
  /** Resolves once every handed-over connection has closed, each after its requests in flight were answered. */
  drain(): Promise<void>;
}

export function takeConnectionsFromPrimary(server: Server): ConnectionIntake {
  const active = new Map<Socket, number>();
  let draining = false;
  let drained: (() => void) | undefined;
  const settle = (): void => {
    if (draining && active.size === 0) drained?.();
  };
  server.on('request', (req, res) => {
    const socket = req.socket;
    const n = active.get(socket);
    if (n === undefined) return;
    active.set(socket, n + 1);
    res.once('close', () => {
      const left = (active.get(socket) ?? 1) - 1;
      if (!active.has(socket)) return;
      active.set(socket, left);
      if (draining && left === 0) socket.destroySoon();
    });
  });
  process.on('message', (m: unknown, handle: unknown) => {
    if (!isClusterMessage(m) || m.mp !== 'conn' || !(handle instanceof Socket)) return;
    if (draining) {
      handle.destroy();
      return;
    }
    // Before reading a byte: the primary closes its copy of the connection on this word (and only on it).
    process.send?.({ mp: 'got', id: m.id } satisfies ClusterMessage);
    active.set(handle, 0);
    handle.once('close', () => {
      active.delete(handle);
      settle();
    });
    server.emit('connection', handle);
    // The primary accepted it paused (it never reads); reading starts here.
    handle.resume();
  });
  return {
    drain: () =>
      new Promise<void>((resolve) => {
        draining = true;
        drained = resolve;
        for (const [socket, n] of active) if (n === 0) socket.destroySoon();
        settle();
      }),
  };
}
