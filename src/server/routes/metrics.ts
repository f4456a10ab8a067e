import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../appTypes';

export function registerMetricsRoute(app: FastifyInstance, deps: AppDeps): void {
  app.get('/metrics', async (_req, reply) => reply.type('text/plain; version=0.0.4; charset=utf-8').send(deps.metricsText ? await deps.metricsText() : deps.metrics.render()));
}
