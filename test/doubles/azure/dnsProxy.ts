// An HTTP proxy on loopback that resolves the names the ARM double made (<label>.<region>.azurecontainer.io) to the
// loopback addresses it published the groups on: how the in-editor suite reaches them. VS Code strips LD_PRELOAD
// from its extension host, so nss_wrapper cannot do it there; the editor's own http.proxy setting can. Plain HTTP
// requests are forwarded, HTTPS goes through CONNECT tunnels (end-to-end TLS). Only loopback destinations are
// served: anything else is refused with 403, so nothing leaves the machine through it.
import { readFileSync } from 'node:fs';
import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import { connect, isIP, type Socket } from 'node:net';

export interface DnsProxy {
  url: string;
  close(): Promise<void>;
}

function lookup(hostsFile: string, host: string): string | undefined {
  if (host === 'localhost') return '127.0.0.1';
  if (isIP(host)) return host;
  for (const line of readFileSync(hostsFile, 'utf8').split('\n')) {
    const [ip, name] = line.trim().split(/\s+/);
    if (ip && name === host) return ip;
  }
  return undefined;
}

const loopback = (ip: string | undefined): ip is string => ip !== undefined && /^127\./.test(ip);

export async function startDnsProxy(hostsFile: string): Promise<DnsProxy> {
  // CONNECT tunnels leave the HTTP server's bookkeeping: close() ends them itself, or it would wait for them.
  const tunnels = new Set<Socket>();
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let url: URL;
    try {
      url = new URL(req.url ?? '');
    } catch {
      res.writeHead(400).end('absolute-form requests only');
      return;
    }
    const ip = lookup(hostsFile, url.hostname);
    if (!loopback(ip)) {
      res.writeHead(403).end(`the test proxy reaches loopback addresses only, not ${url.hostname}`);
      return;
    }
    const upstream = request({ host: ip, port: Number(url.port || 80), method: req.method, path: `${url.pathname}${url.search}`, headers: req.headers }, (r) => {
      res.writeHead(r.statusCode ?? 502, r.headers);
      r.pipe(res);
    });
    upstream.on('error', (err) => {
      if (!res.headersSent) res.writeHead(502);
      res.end(err.message);
    });
    req.pipe(upstream);
  });
  server.on('connect', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    tunnels.add(socket);
    socket.on('close', () => tunnels.delete(socket));
    const [host = '', port = '443'] = (req.url ?? '').split(/:(?=\d+$)/);
    const ip = lookup(hostsFile, host);
    if (!loopback(ip)) {
      socket.end('HTTP/1.1 403 Forbidden\r\n\r\n');
      return;
    }
    const upstream = connect(Number(port), ip, () => {
      socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(socket);
      socket.pipe(upstream);
    });
    tunnels.add(upstream);
    upstream.on('close', () => {
      tunnels.delete(upstream);
      socket.destroy();
    });
    socket.on('close', () => upstream.destroy());
    upstream.on('error', () => socket.end('HTTP/1.1 502 Bad Gateway\r\n\r\n'));
    socket.on('error', () => upstream.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        for (const socket of tunnels) socket.destroy();
      }),
  };
}
