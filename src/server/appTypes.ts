// What the routes share: per-request state that the app's hooks fill, and the service's dependencies.
import type { Logger } from './logger';
import type { ServiceMetrics } from './metrics';
import type { ModelSet } from './models/modelSet';
import type { ServeOptions } from './options';
import type { Scorer } from './scoring/scorer';
import type { RequestIds } from './http/requestIds';

export interface AppDeps {
  options: ServeOptions;
  models: ModelSet;
  scorer: Scorer;
  logger: Logger;
  metrics: ServiceMetrics;
  /** /metrics of a service of several server processes: every process's counts together (src/server/cluster). */
  metricsText?: () => Promise<string>;
}

declare module 'fastify' {
  interface FastifyRequest {
    mpIds: RequestIds;
    mpLogger: Logger;
    mpStart: bigint;
  }
}
