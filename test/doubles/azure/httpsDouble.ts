// The HTTPS plumbing both doubles share: a server on a free 127.0.0.1 port with the test CA's certificate, JSON
// bodies, and a record of every request (method, path, query, body) for tests to assert on.
import type { Socket } from 'node:net';
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TestCa } from './testCa';

export interface DoubleRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: string;
}

export interface DoubleReply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export type Handler = (req: DoubleRequest) => Promise<DoubleReply> | DoubleReply;

export interface RunningDouble {
  origin: string;
  requests: DoubleRequest[];
  close(): Promise<void>;
}

export async function startHttpsDouble(ca: TestCa, handler: Handler): Promise<RunningDouble> {
  const requests: DoubleRequest[] = [];
  const server: Server = createServer({ cert: ca.cert, key: ca.key }, (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'https://double');
      const request: DoubleRequest = { method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      requests.push(request);
      Promise.resolve()
        .then(() => handler(request))
        .then(
          (reply) => send(res, reply),
          (err: unknown) => send(res, { status: 500, body: { error: { code: 'InternalServerError', message: err instanceof Error ? err.message : String(err) } } }),
        );
    });
  });
  // Every raw connection, TLS handshakes under way included (closeAllConnections knows HTTP ones only).
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    origin: `https://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        for (const socket of sockets) socket.destroy();
      }),
  };
}

function send(res: ServerResponse, reply: DoubleReply): void {
  const headers: Record<string, string> = { 'x-ms-request-id': crypto.randomUUID(), ...reply.headers };
  if (reply.body === undefined) {
    res.writeHead(reply.status, headers).end();
    return;
  }
  const text = JSON.stringify(reply.body);
  res.writeHead(reply.status, { 'content-type': 'application/json; charset=utf-8', ...headers }).end(text);
}
