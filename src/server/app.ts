// buildApp() assembles the scoring service and returns it without listening: tests drive it over loopback
// on a random port, and only main.ts binds the configured one.
import fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import type { AppDeps } from './appTypes';
import { corsExposeHeaders, corsPolicy } from './http/cors';
import { mintedRequestIds, readRequestIds, requestIdHeaders } from './http/requestIds';
import { isV2Path, toWireError, wireBody } from './http/wireError';
import { registerAzureMlRoutes } from './routes/azureml';
import { registerDocsRoutes } from './routes/docs';
import { registerMetricsRoute } from './routes/metrics';
import { registerV2Routes } from './routes/v2';
import { NotFoundError } from '../core/errors';
import { modelportVersion } from '../core/version';

const serverVersion = `modelport/${modelportVersion}`;
/** werkzeug's wording, which clients of Azure ML services see for an unknown path. */
const notFoundMessage = 'The requested URL was not found on the server. If you entered the URL manually please check your spelling and try again.';
import { ConcurrencyGate } from './http/concurrencyGate';
import { limitsOf } from './options';

/** What the metrics and the log record for a request whose client closed the connection before its answer: nginx's "client closed request". */
export const clientClosedStatus = 499;
const clientLeftNote = 'the client closed the connection before the answer was sent';

function routeLabel(req: FastifyRequest): string {
  return req.routeOptions.url ?? 'unmatched';
}

function clientLeft(err: unknown, res: { destroyed: boolean; writableFinished: boolean }): boolean {
  return (err as { code?: string } | undefined)?.code === 'ERR_STREAM_PREMATURE_CLOSE' && res.destroyed && !res.writableFinished;
}

export function buildApp(deps: AppDeps): FastifyInstance {
  const { options, logger, metrics } = deps;
  const cors = corsPolicy(options.corsOrigins);
  const app = fastify({
    logger: false,
    bodyLimit: options.maxBodyBytes,
    // Slow clients must not hold connections forever; a scoring run has its own timeout on top.
    requestTimeout: options.timeoutMs + 30_000,
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    // `/score/` is not `/score` (the reference answers 404).
    routerOptions: { ignoreTrailingSlash: false },
  });

  // Every body arrives as bytes: the scorers decode it themselves so each failure gets its precise message.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: options.maxBodyBytes }, (_req, body, done) => done(null, body));

  app.decorateRequest('mpIds', null as never);
  app.decorateRequest('mpLogger', null as never);
  app.decorateRequest('mpStart', null as never);

  app.addHook('onRequest', async (req, reply) => {
    req.mpStart = process.hrtime.bigint();
    // On every response, health and errors included, as the reference server does.
    reply.header('x-ms-server-version', serverVersion);
    metrics.inFlight.add(1);
    // Fastify runs onResponse once the answer is written ('finish'): for a client that went away before that, it
    // never runs, and the request would stay in flight for good. It is settled here instead, once. 'finish' itself
    // says the answer went out: `writableFinished` also reads true for an answer ended on a socket already torn
    // down (Node drops the write and never emits 'finish'). Put first: Fastify's own 'finish' listener, which runs
    // onResponse, is in place before this hook runs.
    reply.raw.prependOnceListener('finish', () => delivered.add(req));
    reply.raw.once('close', () => {
      if (!delivered.has(req)) settle(req, clientClosedStatus, clientLeftNote);
    });
    const origin = cors.allowOrigin(req.headers.origin);
    if (origin) {
      reply.header('access-control-allow-origin', origin);
      reply.header('access-control-expose-headers', corsExposeHeaders);
      if (origin !== '*') reply.header('vary', 'Origin');
    }
    try {
      req.mpIds = readRequestIds(req.headers);
    } catch (err) {
      req.mpIds = mintedRequestIds();
      req.mpLogger = logger.child(req.mpIds.requestId);
      reply.headers(requestIdHeaders(req.mpIds));
      throw err;
    }
    req.mpLogger = logger.child(req.mpIds.requestId);
    reply.headers(requestIdHeaders(req.mpIds));
  });

  // maxConcurrentRequestsPerContainer / maxQueueWaitMs, for the routes that run the model or the entry script.
  const limits = limitsOf(options);
  if (limits.maxConcurrent !== undefined) {
    const gate = new ConcurrencyGate(limits.maxConcurrent, limits.maxQueueWaitMs);
    app.addHook('preHandler', async (req, reply) => {
      const path = req.url.split('?')[0] ?? '';
      const scoring = (path === '/score' && (req.method === 'POST' || req.method === 'GET')) || (req.method === 'POST' && path.startsWith('/v2/') && path.endsWith('/infer'));
      if (!scoring) return;
      const release = await gate.enter();
      // A client that left while waiting for its slot: its 'close' has been and gone, so the slot goes back now.
      if (reply.raw.destroyed) return release();
      reply.raw.once('close', release);
      reply.raw.once('finish', release);
    });
  }

  // Stopping (SIGTERM, or the host retiring this instance): the requests still running get their answers with
  // `Connection: close`, so their connections end with them. Kept alive, each would hold the drained server open
  // until the client dropped it (Keep-Alive: timeout=72), far past a `docker stop` or Kubernetes grace period.
  let closing = false;
  app.addHook('preClose', (done) => {
    closing = true;
    done();
  });
  app.addHook('onSend', async (_req, reply, payload) => {
    if (closing) reply.header('connection', 'close');
    return payload;
  });

  /** Counts a request as done and logs it: on its answer, or when its client leaves first, whichever comes first. */
  const settled = new WeakSet<FastifyRequest>();
  const delivered = new WeakSet<FastifyRequest>();
  function settle(req: FastifyRequest, status: number, note?: string): void {
    if (settled.has(req)) return;
    settled.add(req);
    metrics.inFlight.add(-1);
    const seconds = Number(process.hrtime.bigint() - req.mpStart) / 1e9;
    const route = routeLabel(req);
    metrics.requests.inc({ route, method: req.method, status: String(status) });
    metrics.latency.observe(seconds, { route });
    const path = req.url.split('?')[0] ?? req.url;
    (req.mpLogger ?? logger).info(`${req.method} ${path} ${status} ${(seconds * 1000).toFixed(1)}ms${note ? ` (${note})` : ''}`);
  }

  // Fastify runs onResponse on the response's 'error' too: a write that failed because the client left mid-answer.
  app.addHook('onResponse', async (req, reply) => (delivered.has(req) ? settle(req, reply.statusCode) : settle(req, clientClosedStatus, clientLeftNote)));

  app.setErrorHandler(async (err, req, reply) => {
    const wire = toWireError(err, options.maxBodyBytes);
    const log = req.mpLogger ?? logger;
    const cause = err instanceof Error && err.cause instanceof Error ? ` (cause: ${err.cause.message})` : '';
    // The answer's stream ended because its client left (logged as such when the connection closed): nothing failed here.
    if (clientLeft(err, reply.raw)) log.debug(`${req.method} ${req.url.split('?')[0]}: the answer was not sent, its client had left`);
    else if (wire.internal) log.error(`${req.method} ${req.url.split('?')[0]} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}${cause}`);
    else log.debug(`${req.method} ${req.url.split('?')[0]} → ${wire.status}: ${wire.message}`);
    return reply.code(wire.status).type('application/json').send(JSON.stringify(wireBody(req.url, wire.message)));
  });

  app.setNotFoundHandler(async (req) => {
    throw new NotFoundError(isV2Path(req.url) ? `No route for ${req.method} ${req.url.split('?')[0]}.` : notFoundMessage);
  });

  registerAzureMlRoutes(app, deps);
  registerV2Routes(app, deps);
  registerMetricsRoute(app, deps);
  registerDocsRoutes(app, options.serviceName);
  return app;
}
