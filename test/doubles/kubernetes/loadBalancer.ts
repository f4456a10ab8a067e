// A Service's load balancer, as kube-proxy and a cloud LB make it: a real TCP listener on its own loopback
// address (a distinct 127.x.y.z, like a cloud's public IP) that sends each new connection to one ready
// endpoint, round robin. A pod that is not ready — starting, or terminating — gets no new connection.
import { randomInt } from 'node:crypto';
import { connect, createServer, type Server, type Socket } from 'node:net';

export interface Endpoint {
  host: string;
  port: number;
}

export class LoadBalancer {
  private server: Server | undefined;
  private next = 0;
  private endpoints: Endpoint[] = [];
  private readonly sockets = new Set<Socket>();
  address = '';
  port = 0;
  /** Connections refused because no endpoint was ready. */
  refused = 0;

  setEndpoints(endpoints: Endpoint[]): void {
    this.endpoints = endpoints;
  }

  /** Listens on `port` of a fresh loopback address (another one is tried if that one is taken). */
  async listen(port: number, address?: string): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      const ip = address ?? `127.${randomInt(64, 250)}.${randomInt(0, 255)}.${randomInt(1, 254)}`;
      const server = createServer((client) => this.forward(client));
      try {
        await new Promise<void>((resolve, reject) => {
          server.once('error', reject);
          server.listen(port, ip, () => resolve());
        });
        this.server = server;
        this.address = ip;
        const a = server.address();
        this.port = typeof a === 'object' && a ? a.port : port;
        return;
      } catch (err) {
        if (address !== undefined || attempt > 10) throw err;
      }
    }
  }

  private forward(client: Socket): void {
    this.sockets.add(client);
    client.once('close', () => this.sockets.delete(client));
    const candidates = this.endpoints;
    if (candidates.length === 0) {
      this.refused++;
      client.destroy();
      return;
    }
    const target = candidates[this.next++ % candidates.length]!;
    const upstream = connect(target.port, target.host);
    this.sockets.add(upstream);
    upstream.once('close', () => this.sockets.delete(upstream));
    client.pipe(upstream);
    upstream.pipe(client);
    const end = (): void => {
      client.destroy();
      upstream.destroy();
    };
    client.once('error', end);
    upstream.once('error', end);
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
