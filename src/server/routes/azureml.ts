// The Azure ML scoring API: GET / health, GET /swagger.json, and /score with its headers and statuses.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ModelportError, NotFoundError, errorMessage } from '../../core/errors';
import type { AppDeps } from '../appTypes';
import { checkAuthorization } from '../http/auth';
import { corsAllowHeaders } from '../http/cors';
import { buildSwagger, swaggerVersionOf, swaggerVersions } from '../swagger/buildSwagger';
import { readUserSwagger } from '../swagger/userSwagger';
import type { ScoreResult } from '../scoring/scorer';

class ScoringTimeoutError extends ModelportError {
  constructor(ms: number) {
    super('timeout', `Scoring timeout after ${ms} ms`);
  }
  override get status(): number {
    return 500;
  }
}

/** werkzeug's 405 wording for a method the path does not take; HEAD on /score gets the server's own. */
const methodNotAllowed = 'The method is not allowed for the requested URL.';
/** run() returned what JSON cannot write; the reference server's words, the details in the log. */
class NotSerialisableError extends ModelportError {
  constructor(detail: string) {
    super('internal', 'An unexpected internal error occurred. Check the logs for more info.', { cause: new Error(detail) });
    this.name = 'NotSerialisableError';
  }
}

class MethodNotAllowedError extends ModelportError {
  constructor(message = methodNotAllowed) {
    super('bad-request', message);
  }
  override get status(): number {
    return 405;
  }
}

/** Methods a path does not take answer 405, not 404; OPTIONS answers 200 with the methods it does take. */
function refuseOtherMethods(app: FastifyInstance, url: string, allowed: readonly string[]): void {
  const others = ['POST', 'PUT', 'PATCH', 'DELETE'].filter((m) => !allowed.includes(m));
  if (others.length > 0) {
    app.route({ method: others, url, handler: async () => {
      throw new MethodNotAllowedError();
    } });
  }
  app.options(url, async (_req, reply) => reply.header('allow', [...allowed, 'HEAD', 'OPTIONS'].join(', ')).code(200).send());
}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ScoringTimeoutError(ms)), ms);
  });
  // A run() that finishes after its timeout must not surface as an unhandled rejection.
  work.catch(() => undefined);
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

function sendResult(reply: FastifyReply, result: ScoreResult): FastifyReply {
  reply.code(result.status ?? 200);
  for (const [k, v] of Object.entries(result.headers ?? {})) reply.header(k, v);
  if (result.encoded) {
    if (!reply.hasHeader('content-type')) reply.type(Buffer.isBuffer(result.body) ? 'application/octet-stream' : 'text/plain; charset=utf-8');
    return reply.send(result.body);
  }
  let json: string | undefined;
  try {
    json = JSON.stringify(result.body);
  } catch (err) {
    throw new NotSerialisableError(errorMessage(err));
  }
  // A function or a symbol serialises to nothing at all: as the reference server does with what json.dumps
  // cannot write, that is a 500, not a 200 with an empty body.
  if (json === undefined) throw new NotSerialisableError(`run() returned a ${typeof result.body}, which is not JSON-serialisable`);
  return reply.type('application/json').send(json);
}

export function registerAzureMlRoutes(app: FastifyInstance, deps: AppDeps): void {
  const { options, scorer, metrics } = deps;
  const requireAuth = async (req: FastifyRequest): Promise<void> => checkAuthorization(options.auth, req.headers.authorization);

  app.get('/', async (_req, reply) => reply.type('text/plain; charset=utf-8').send('Healthy'));

  app.get('/swagger.json', async (req, reply) => {
    const asked = String((req.query as Record<string, unknown>).version ?? '2');
    const version = swaggerVersionOf(asked);
    if (!version) {
      throw new NotFoundError(`Swagger version [${asked}] is not valid. Supported versions: [${swaggerVersions.join(', ')}]`);
    }
    const doc =
      (await readUserSwagger(options.sourceDir, version)) ??
      buildSwagger(version, { serviceName: options.serviceName, serviceVersion: options.serviceVersion, authEnabled: options.auth.mode !== 'none' }, scorer.describe());
    return reply.type('application/json').send(JSON.stringify(doc));
  });

  refuseOtherMethods(app, '/', ['GET']);
  refuseOtherMethods(app, '/swagger.json', ['GET']);

  app.route({
    method: ['GET', 'POST', 'OPTIONS', 'PUT', 'PATCH', 'DELETE', 'HEAD'],
    url: '/score',
    exposeHeadRoute: false,
    handler: async (req, reply) => {
      if (req.method === 'HEAD') throw new MethodNotAllowedError('Method not allowed');
      if (req.method === 'OPTIONS') {
        if (reply.hasHeader('access-control-allow-origin')) {
          reply.header('access-control-allow-methods', 'GET, POST, OPTIONS');
          reply.header('access-control-allow-headers', corsAllowHeaders);
          reply.header('access-control-max-age', '600');
        }
        return reply.code(200).send();
      }
      if (req.method !== 'GET' && req.method !== 'POST') throw new MethodNotAllowedError();
      await requireAuth(req);
      const url = new URL(req.url, 'http://localhost');
      const started = process.hrtime.bigint();
      const finish = (failed: boolean): void => {
        const ms = Number(process.hrtime.bigint() - started) / 1e6;
        reply.header('x-ms-run-fn-exec-ms', ms.toFixed(3));
        reply.header('x-ms-run-function-failed', failed ? 'True' : 'False');
        metrics.modelRun.observe(ms / 1000, { model: scorer.name });
        if (failed) metrics.modelErrors.inc({ model: scorer.name });
      };
      let result: ScoreResult;
      try {
        const scoring = scorer.score({
          method: req.method,
          path: url.pathname,
          query: url.searchParams,
          headers: req.headers,
          body: Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0),
          requestId: req.mpIds.requestId,
          logger: req.mpLogger,
        });
        result = scorer.ownsTimeout ? await scoring : await withTimeout(scoring, options.timeoutMs);
      } catch (err) {
        finish(true);
        throw err;
      }
      finish(false);
      return sendResult(reply, result);
    },
  });
}
