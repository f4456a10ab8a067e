// The service's front door: owns the scoring port and forwards each request to the current instance. A
// switch between instances happens between requests, so an update never fails one (the way a cloud front
// end moves traffic to a new revision). A crashed or missing instance answers 502/503 with a JSON message.
//
// It buffers like a hardened reverse proxy (nginx's proxy_request_buffering and proxy_buffering): a request
// reaches the instance only once its whole body has arrived, re-framed with an exact Content-Length by undici
// (which refuses hop-by-hop framing headers and length mismatches by construction), and the instance's answer
// is read whole before it is written to the client. So a client's framing can never desynchronise a pooled
// upstream connection, and a slow or vanished client never holds one. Health checks have their own small pool
// and skip the admission bounds, so `GET /` keeps answering while the host is saturated.
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import https from 'node:https';
import { Pool, errors as undiciErrors } from 'undici';
import { Admission } from './admission';
import { framingProblem, isHealthCheck } from './framing';
import type { HostLimits } from './hostLimits';
import type { ScoringInstance } from './scoringInstance';

const hopByHop = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te', 'trailer', 'expect', 'content-length', 'http2-settings']);
const retriable = new Set(['GET', 'HEAD', 'OPTIONS']);

export interface ProxyOptions {
  limits: HostLimits;
  /** PEM certificate and key: the host serves HTTPS (deploymentconfig sslEnabled). */
  tls?: { cert: Buffer; key: Buffer };
}

function sendError(res: ServerResponse, status: number, message: string, close = false): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = JSON.stringify({ message });
  const headers: http.OutgoingHttpHeaders = { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) };
  if (close) headers.connection = 'close';
  res.writeHead(status, headers);
  res.end(body);
}

/** Headers to forward: hop-by-hop ones and those the Connection header names are the sender's business only. */
function endToEnd(headers: http.IncomingHttpHeaders): Record<string, string | string[]> {
  const named = new Set(String(headers.connection ?? '').split(',').map((t) => t.trim().toLowerCase()).filter(Boolean));
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(headers)) if (v !== undefined && !hopByHop.has(k) && !named.has(k)) out[k] = v;
  return out;
}

interface Pools {
  main: Pool;
  health: Pool;
}

export class ServiceProxy {
  readonly server: http.Server;
  readonly admission: Admission;
  current: ScoringInstance | undefined;
  /** Why there is no instance to forward to, for the 503 message. */
  unavailableReason = 'The service is starting.';
  private readonly pools = new Map<ScoringInstance, Pools>();
  private readonly limits: HostLimits;
  /** Whether the port serves HTTPS (fixed for the host's life). */
  readonly tls: boolean;
  /** Set by close(): answers still to come end their connections (kept alive, they would hold the close open). */
  private closing = false;

  constructor(options: ProxyOptions) {
    this.limits = options.limits;
    this.tls = options.tls !== undefined;
    this.admission = new Admission(options.limits);
    const serverOptions: http.ServerOptions = {
      // Node requires headersTimeout <= requestTimeout.
      headersTimeout: Math.min(options.limits.headersTimeoutMs, options.limits.requestTimeoutMs),
      requestTimeout: options.limits.requestTimeoutMs,
      // Node checks the two timeouts above on this period (30 s by default).
      connectionsCheckingInterval: Math.min(1000, options.limits.headersTimeoutMs),
      keepAliveTimeout: 65_000,
    };
    const handler = (req: IncomingMessage, res: ServerResponse): void => void this.forward(req, res);
    this.server = options.tls ? https.createServer({ ...serverOptions, cert: options.tls.cert, key: options.tls.key }, handler) : http.createServer(serverOptions, handler);
    // Requests Node's parser refuses (ambiguous framing, bad header syntax) get a JSON 400, then the connection closes.
    this.server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
      if (!socket.writable || (err.code === 'ECONNRESET')) {
        socket.destroy();
        return;
      }
      const timedOut = err.code === 'ERR_HTTP_REQUEST_TIMEOUT';
      const body = JSON.stringify({ message: timedOut ? 'The request was not received in time.' : `The request is malformed (${err.code ?? 'bad request'}).` });
      socket.end(`HTTP/1.1 ${timedOut ? '408 Request Timeout' : '400 Bad Request'}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`);
    });
  }

  private poolsOf(instance: ScoringInstance, port: number): Pools {
    let pools = this.pools.get(instance);
    if (!pools) {
      const origin = `http://127.0.0.1:${port}`;
      pools = { main: new Pool(origin, { connections: 64, keepAliveTimeout: 4000 }), health: new Pool(origin, { connections: 2, keepAliveTimeout: 4000 }) };
      this.pools.set(instance, pools);
    }
    return pools;
  }

  /** Closes the connections to an instance that no longer serves. */
  async retire(instance: ScoringInstance): Promise<void> {
    const pools = this.pools.get(instance);
    this.pools.delete(instance);
    if (pools) await Promise.all([pools.main.destroy(), pools.health.destroy()]).catch(() => undefined);
  }

  /** The whole body, within the size and buffering bounds; undefined when it was refused or the client left. */
  private readBody(req: IncomingMessage, res: ServerResponse): Promise<Buffer | undefined> {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > this.limits.maxBodyBytes) {
      sendError(res, 413, `Request body is larger than the limit of ${this.limits.maxBodyBytes} bytes.`, true);
      return Promise.resolve(undefined);
    }
    return new Promise((resolve) => {
      const chunks: Buffer[] = [];
      let size = 0;
      let settled = false;
      const finish = (body: Buffer | undefined): void => {
        if (settled) return;
        settled = true;
        this.admission.unreserve(size);
        req.off('data', onData);
        resolve(body);
      };
      const onData = (chunk: Buffer): void => {
        if (size + chunk.length > this.limits.maxBodyBytes) {
          sendError(res, 413, `Request body is larger than the limit of ${this.limits.maxBodyBytes} bytes.`, true);
          finish(undefined);
          return;
        }
        if (!this.admission.reserve(chunk.length)) {
          sendError(res, 503, 'The service is busy receiving other requests. Retry shortly.', true);
          finish(undefined);
          return;
        }
        size += chunk.length;
        chunks.push(chunk);
      };
      req.on('data', onData);
      req.once('end', () => finish(Buffer.concat(chunks, size)));
      req.once('error', () => finish(undefined));
      req.once('close', () => finish(req.complete ? Buffer.concat(chunks, size) : undefined));
    });
  }

  private async forward(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const problem = framingProblem(req);
    if (problem) {
      sendError(res, 400, problem, true);
      return;
    }
    const health = isHealthCheck(req);
    let release: (() => void) | undefined;
    if (!health) {
      const admitted = this.admission.admit(req.socket.remoteAddress ?? 'unknown');
      if (typeof admitted !== 'function') {
        sendError(res, admitted.status, admitted.message, true);
        return;
      }
      release = admitted;
    }
    const aborted = new AbortController();
    res.once('close', () => {
      release?.();
      if (!res.writableFinished) aborted.abort();
    });
    const body = await this.readBody(req, res);
    if (body === undefined || aborted.signal.aborted) return;

    const instance = this.current;
    const port = instance?.port;
    if (!instance || !port) {
      sendError(res, 503, this.unavailableReason);
      return;
    }
    const pools = this.poolsOf(instance, port);
    instance.inFlight.begin();
    try {
      const method = req.method ?? 'GET';
      const headers = endToEnd(req.headers);
      // Framing is ours: an exact length for every request that has a body or whose method expects one.
      if (body.length > 0 || !retriable.has(method)) headers['content-length'] = String(body.length);
      const send = () =>
        (health ? pools.health : pools.main).request({ method, path: req.url ?? '/', headers, body: body.length > 0 ? body : null, signal: aborted.signal });
      let upstream;
      try {
        upstream = await send();
      } catch (err) {
        // A pooled connection the instance had just closed: nothing reached it, so a safe method may go again.
        if (!(err instanceof undiciErrors.SocketError) || !retriable.has(method) || aborted.signal.aborted) throw err;
        upstream = await send();
      }
      const answer = Buffer.from(await upstream.body.arrayBuffer());
      const out: http.OutgoingHttpHeaders = {};
      for (const [k, v] of Object.entries(upstream.headers)) if (v !== undefined && !hopByHop.has(k)) out[k] = v;
      if (method === 'HEAD') {
        const length = upstream.headers['content-length'];
        if (typeof length === 'string') out['content-length'] = length;
      } else if (upstream.statusCode !== 204 && upstream.statusCode !== 304) {
        out['content-length'] = answer.length;
      }
      if (res.destroyed) return;
      if (this.closing) out.connection = 'close';
      res.writeHead(upstream.statusCode, out);
      res.end(method === 'HEAD' ? undefined : answer);
    } catch (err) {
      if (aborted.signal.aborted) return;
      const message = err instanceof Error ? err.message : String(err);
      sendError(res, 502, `The service instance did not answer (${message}). See the service logs.`);
    } finally {
      instance.inFlight.end();
    }
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
    this.closing = true;
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeIdleConnections();
    await closed;
    await Promise.all([...this.pools.keys()].map((i) => this.retire(i)));
  }
}
