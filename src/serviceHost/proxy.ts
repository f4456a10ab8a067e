// The service's front door: owns the scoring port and forwards each request to the current instance. A
// switch between instances happens between requests, so an update never fails one (the way a cloud front
// end moves traffic to a new revision). A crashed or missing instance answers 502/503 with a JSON message.
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { ScoringInstance } from './scoringInstance';

const hopByHop = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te', 'trailer']);

function sendError(res: ServerResponse, status: number, message: string): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = JSON.stringify({ message });
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

export class ServiceProxy {
  readonly server: http.Server;
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  current: ScoringInstance | undefined;
  /** Why there is no instance to forward to, for the 503 message. */
  unavailableReason = 'The service is starting.';

  constructor() {
    this.server = http.createServer((req, res) => this.forward(req, res));
    this.server.keepAliveTimeout = 65_000;
  }

  private forward(req: IncomingMessage, res: ServerResponse): void {
    const instance = this.current;
    if (!instance?.port) {
      req.resume();
      sendError(res, 503, this.unavailableReason);
      return;
    }
    instance.inFlight.begin();
    let ended = false;
    const done = (): void => {
      if (!ended) {
        ended = true;
        instance.inFlight.end();
      }
    };
    res.once('close', done);
    const headers: http.OutgoingHttpHeaders = {};
    for (const [k, v] of Object.entries(req.headers)) if (!hopByHop.has(k) && v !== undefined) headers[k] = v;
    const upstream = http.request(
      { host: '127.0.0.1', port: instance.port, method: req.method, path: req.url, headers, agent: this.agent },
      (ures) => {
        const out: http.OutgoingHttpHeaders = {};
        for (const [k, v] of Object.entries(ures.headers)) if (!hopByHop.has(k) && v !== undefined) out[k] = v;
        res.writeHead(ures.statusCode ?? 502, out);
        ures.pipe(res);
        ures.once('error', () => res.destroy());
      },
    );
    upstream.once('error', (err) => {
      done();
      sendError(res, 502, `The service instance did not answer (${err.message}). See the service logs.`);
    });
    req.pipe(upstream);
  }

  listen(port: number): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', () => {
        this.server.off('error', reject);
        const address = this.server.address();
        resolve(typeof address === 'object' && address ? address.port : port);
      });
    });
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.agent.destroy();
  }
}
