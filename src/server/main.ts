// `modelport serve`: runs a scoring service until SIGTERM/SIGINT, then drains and exits. Exit codes follow
// the reference server where it has one: 3 when init() fails; 2 for a configuration error; 1 otherwise.
import { ConfigError, errorMessage } from '../core/errors';
import { createLogger } from './logger';
import type { ServeOptions } from './options';
import { InitFailedError } from './scoring/entryScript/entryScriptScorer';
import { createService } from './service';

export const exitCodes = { ok: 0, failure: 1, config: 2, initFailed: 3 } as const;

export async function serve(options: ServeOptions): Promise<number> {
  const logger = createLogger(options.logLevel);
  let service;
  try {
    service = await createService(options, logger);
  } catch (err) {
    if (err instanceof InitFailedError) {
      logger.error(err.message);
      return exitCodes.initFailed;
    }
    logger.error(`The service could not start: ${errorMessage(err)}`);
    return err instanceof ConfigError ? exitCodes.config : exitCodes.failure;
  }
  try {
    await service.app.listen({ port: options.port, host: options.host });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    logger.error(code === 'EADDRINUSE' ? `Port ${options.port} on ${options.host} is already in use; choose another with --port.` : `Could not listen: ${errorMessage(err)}`);
    await service.close();
    return exitCodes.failure;
  }
  const address = service.app.server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const shownHost = options.host === '0.0.0.0' || options.host === '::' ? '127.0.0.1' : options.host;
  logger.info(`Scoring service listening: http://${shownHost}:${port}/score (swagger: http://${shownHost}:${port}/swagger.json)`);

  return new Promise<number>((resolveExit) => {
    let stopping = false;
    const stop = (signal: string): void => {
      if (stopping) return;
      stopping = true;
      logger.info(`${signal} received: draining in-flight requests`);
      service.close().then(
        () => {
          logger.info('Stopped');
          resolveExit(exitCodes.ok);
        },
        (err: unknown) => {
          logger.error(`Error while stopping: ${errorMessage(err)}`);
          resolveExit(exitCodes.failure);
        },
      );
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
}
