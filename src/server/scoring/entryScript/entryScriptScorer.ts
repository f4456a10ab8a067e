// Scores requests with a user's entry script: init() once, run() per request, in one of three modes —
// untyped (run gets the parsed JSON), schema-typed (named parameters checked against inputSample) or raw.
import { ModelportError, UnsupportedMediaTypeError, errorMessage } from '../../../core/errors';
import { isJsonContentType, parseJsonBody, parseJsonDictionary, queryToJson } from '../../http/jsonBody';
import type { Logger } from '../../logger';
import type { ModelSet } from '../../models/modelSet';
import type { ScoreRequest, ScoreResult, Scorer, ScorerDescription } from '../scorer';
import { EntryScriptResponse, createInitContext, runContextFor, type InitContext } from './context';
import { checkEntryScript, type EntryScript } from './contract';
import { loadEntryModule } from './loadModule';
import { ParameterValidator } from './parameterValidator';
import { requestScope } from './requestScope';

/** init() failed: the service must not become healthy. The reference server exits with code 3. */
export class InitFailedError extends Error {
  constructor(file: string, cause: unknown) {
    super(`init() in ${file} failed: ${cause instanceof Error ? (cause.stack ?? cause.message) : String(cause)}`, { cause });
    this.name = 'InitFailedError';
  }
}

/** run() threw: callers get the generic message, the details go to the log. */
export class RunFailedError extends ModelportError {
  constructor(cause: unknown) {
    super('internal', 'An unexpected error occurred in scoring script. Check the logs for more info.', { cause });
    this.name = 'RunFailedError';
  }
}

export interface RawRequest {
  method: string;
  path: string;
  query: Record<string, string | string[]>;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  text(): string;
  json(): unknown;
}

function rawRequestOf(req: ScoreRequest): RawRequest {
  const query: Record<string, string | string[]> = {};
  for (const key of new Set(req.query.keys())) {
    const all = req.query.getAll(key);
    query[key] = all.length === 1 ? (all[0] ?? '') : all;
  }
  return {
    method: req.method,
    path: req.path,
    query,
    headers: req.headers,
    body: req.body,
    text: () => req.body.toString('utf8'),
    json: () => parseJsonBody(req.body),
  };
}

export class EntryScriptScorer implements Scorer {
  private constructor(
    private readonly script: EntryScript,
    private readonly context: InitContext,
    private readonly validator: ParameterValidator | undefined,
  ) {}

  get name(): string {
    return 'entry-script';
  }

  static async create(file: string, models: ModelSet, modelDir: string | undefined, logger: Logger): Promise<EntryScriptScorer> {
    const script = checkEntryScript(file, await loadEntryModule(file));
    const context = await createInitContext(models, modelDir, logger);
    const validator = script.inputSample ? new ParameterValidator(script.inputSample) : undefined;
    if (script.init) {
      logger.info(`Calling init() of ${file}`);
      try {
        await script.init(context);
      } catch (err) {
        throw new InitFailedError(file, err);
      }
    }
    const mode = script.raw ? 'raw' : validator ? `schema-typed (${validator.names.join(', ')})` : 'untyped';
    logger.info(`Entry script ready: ${file}, ${mode} run()`);
    return new EntryScriptScorer(script, context, validator);
  }

  private inputOf(req: ScoreRequest): unknown {
    if (this.script.raw) return rawRequestOf(req);
    if (this.validator) {
      if (req.method === 'GET') return this.validator.check(queryToJson(req.query));
      const ct = req.headers['content-type'];
      if (!isJsonContentType(ct)) {
        throw new UnsupportedMediaTypeError(`Expected Content-Type application/json, got ${ct ? `'${ct}'` : 'none'}.`);
      }
      return this.validator.check(parseJsonDictionary(req.body));
    }
    return req.method === 'GET' ? queryToJson(req.query) : parseJsonBody(req.body);
  }

  async score(req: ScoreRequest): Promise<ScoreResult> {
    const input = this.inputOf(req);
    let output: unknown;
    try {
      // A rejection the script leaves unhandled fails this request (requestScope.ts), whatever run() does next.
      output = await new Promise<unknown>((resolve, reject) => {
        requestScope.run({ fail: (reason) => reject(reason instanceof Error ? reason : new Error(`unhandled rejection: ${String(reason)}`)) }, () => {
          Promise.resolve()
            .then(() => this.script.run(input, runContextFor(this.context, req.requestId, req.logger)))
            .then(resolve, reject);
        });
      });
    } catch (err) {
      req.logger.error(`run() raised: ${err instanceof Error ? (err.stack ?? err.message) : errorMessage(err)}`);
      throw new RunFailedError(err);
    }
    if (output instanceof EntryScriptResponse) {
      const encoded = Buffer.isBuffer(output.body) || typeof output.body === 'string';
      return { status: output.status, headers: output.headers, body: output.body, encoded };
    }
    return { body: output === undefined ? null : output };
  }

  describe(): ScorerDescription {
    return {
      inputSample: this.script.inputSample,
      outputSample: this.script.outputSample,
      schemaTyped: this.validator !== undefined,
      binaryContentTypes: [],
      raw: this.script.raw,
    };
  }

  async close(): Promise<void> {
    // Sessions belong to the ModelSet, which the app closes.
  }
}
