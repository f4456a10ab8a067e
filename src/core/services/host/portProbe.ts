// Whether another process holds a loopback port now: a listen that fails with EADDRINUSE. A hint for failing
// early only; the host's own listen stays the judge (the port can be taken or freed a moment later).
import { createServer } from 'node:net';

export function loopbackPortInUse(port: number): Promise<boolean> {
  if (port === 0) return Promise.resolve(false);
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', (err: NodeJS.ErrnoException) => resolve(err.code === 'EADDRINUSE'));
    server.listen({ port, host: '127.0.0.1', exclusive: true }, () => server.close(() => resolve(false)));
  });
}
