// Assembles a scoring service from its options: models opened, entry script initialised, routes built.
// Start-up failures (a missing model, a broken script, an init() that throws) surface here, before the
// service listens, so it never reports Healthy while it cannot score.
import type { FastifyInstance } from 'fastify';
import { ConfigError } from '../core/errors';
import { buildApp } from './app';
import { joinCluster } from './cluster/workerLink';
import type { Logger } from './logger';
import { ServiceMetrics } from './metrics';
import { ModelSet } from './models/modelSet';
import { resolveModelSources } from './models/modelSources';
import { limitsOf, type ServeOptions } from './options';
import { runtimeOptionsFromEnv } from './runtime/sessionOptions';
import { EntryScriptScorer } from './scoring/entryScript/entryScriptScorer';
import { OnnxScorer } from './scoring/onnx/onnxScorer';
import { isPythonScript, resolvePythonOptions } from './scoring/python/pythonOptions';
import { PythonScorer } from './scoring/python/pythonScorer';
import type { Scorer } from './scoring/scorer';
import { resolve } from 'node:path';

export interface ScoringService {
  app: FastifyInstance;
  models: ModelSet;
  scorer: Scorer;
  metrics: ServiceMetrics;
  /** Stops accepting requests, lets in-flight ones finish, then releases the models. */
  close(): Promise<void>;
}

export async function createService(options: ServeOptions, logger: Logger, env: NodeJS.ProcessEnv = process.env): Promise<ScoringService> {
  if (options.models.length === 0 && !options.modelDir && !options.entryScript) {
    throw new ConfigError('Nothing to serve: pass --model PATH or --entry-script FILE (or set AZUREML_MODEL_DIR / AZUREML_ENTRY_SCRIPT).');
  }
  const sources = await resolveModelSources(options.models, options.modelDir);
  const models = await ModelSet.load(sources, options.runtime ?? runtimeOptionsFromEnv(env), logger);
  const metrics = new ServiceMetrics();
  for (const m of models.models) {
    const label = `${m.name}:${m.version}`;
    m.session?.instrument(metrics.batchObserver(label), { info: (msg) => logger.info(msg), warn: (msg) => logger.warn(msg) }, (threads) => metrics.inferenceThreads.set(threads, { model: label }));
    if (m.session?.unbatchedBecause) logger.debug(`Model ${label}: requests run one by one (${m.session.unbatchedBecause}).`);
  }
  let scorer: Scorer;
  try {
    if (isPythonScript(options.entryScript)) {
      const python = options.python ?? resolvePythonOptions({}, env);
      scorer = await PythonScorer.create({
        script: resolve(options.sourceDir ?? process.cwd(), options.entryScript as string),
        sourceDir: options.sourceDir === undefined ? undefined : resolve(options.sourceDir),
        python: python.interpreter,
        workers: python.workers,
        timeoutMs: options.timeoutMs,
        models: options.models.length > 0 ? sources : [],
        modelDir: options.modelDir,
        env,
        logger,
        ...(python.debugPort !== undefined ? { debugPort: python.debugPort } : {}),
      });
    } else if (options.entryScript) {
      const file = resolve(options.sourceDir ?? process.cwd(), options.entryScript);
      scorer = await EntryScriptScorer.create(file, models, options.modelDir ?? models.first?.dir, logger);
    } else {
      const first = models.first;
      if (!first) throw new ConfigError(`No model found in ${options.modelDir}.`);
      if (models.models.length > 1) logger.info(`POST /score scores ${first.name}:${first.version}; every model is reachable through /v2/models/{name}.`);
      const onnxScorer = new OnnxScorer(first, logger, limitsOf(options));
      await onnxScorer.warmUp(logger);
      scorer = onnxScorer;
    }
  } catch (err) {
    await models.close();
    throw err;
  }
  // A server process of `--workers N` answers /metrics for the whole service, through its primary.
  const link = joinCluster(metrics);
  const app = buildApp({ options, models, scorer, logger, metrics, ...(link ? { metricsText: () => link.metricsText() } : {}) });
  return {
    app,
    models,
    scorer,
    metrics,
    async close() {
      await app.close();
      link?.close();
      await scorer.close();
      await models.close();
    },
  };
}
