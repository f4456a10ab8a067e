// Scores requests with an Azure ML score.py: the script runs in Python worker processes (pythonWorker.ts), one
// request at a time each, like the reference server's gunicorn sync workers; Node keeps HTTP. The worker decides
// the mode (plain, schema-typed, raw) when it loads the script and applies the reference's rules; this side
// queues requests for free workers, replaces a worker that crashes or stops answering, and drains on close.
import { basename } from 'node:path';
import { ConfigError, ModelportError } from '../../../core/errors';
import type { Logger } from '../../logger';
import type { ResolvedModelSource } from '../../models/modelSources';
import { InitFailedError, RunFailedError } from '../entryScript/entryScriptScorer';
import type { ScoreRequest, ScoreResult, Scorer, ScorerDescription } from '../scorer';
import { linkAzureModelLayout, type AzureModelLayout } from './azureModelLayout';
import { PythonWorker, RequestNotStartedError, WorkerExitedError, WorkerStartError, type WorkerReady, type WorkerReply, type WorkerRequest, type WorkerSpec } from './pythonWorker';
import { bootFileIn, pythonAssetsDir } from './workerAssets';

/** How long after the scoring timeout a worker that has not answered is killed (its run() ignored the TimeoutError or is stuck in native code). */
export const workerKillGraceMs = 5_000;
const restartAttempts = 3;

/**
 * A busy worker is sent more requests, which wait in its pipe, while those already there would keep it busy for
 * less than this (their count times its recent run time). It then reads the next request the moment it has
 * answered one, instead of sleeping through the round trip through Node (answer read, next request written,
 * worker woken), and it reads several in one system call. For a run of a fraction of a millisecond, one waiting
 * request left a worker idle a third of the time; with two workers, two in flight per worker still left both
 * sleeping between bursts (BENCHMARKS.md, the Python runtime). The price: a request may wait behind its worker's
 * queue while another worker frees up (by this bound, a short wait), and if a run that is usually short hangs,
 * the requests behind it wait for the scoring timeout's kill before another worker takes them (at most
 * maxPipelineDepth - 1 of them).
 */
export const pipelineWaitMs = 2;
/** The most requests in one worker's pipe, however short its runs. */
const maxPipelineDepth = 8;

/** A request on its way to a worker: queued here until one can take it, then sent. */
interface Job {
  request: WorkerRequest;
  resolve(reply: WorkerReply): void;
  reject(err: Error): void;
  /** The worker began it: from now its run is timed. */
  started(worker: PythonWorker): void;
}

export interface PythonScorerOptions {
  /** Absolute path of score.py. */
  script: string;
  sourceDir: string | undefined;
  python: string;
  workers: number;
  timeoutMs: number;
  /** `--model` sources: laid out as azureml-models/<name>/<version>/ in a temporary folder. */
  models: readonly ResolvedModelSource[];
  /** AZUREML_MODEL_DIR as given (used as it is when no --model is given). */
  modelDir: string | undefined;
  env: NodeJS.ProcessEnv;
  logger: Logger;
  /** The first worker listens for a Python debugger (debugpy) on this loopback port (0: any free port). */
  debugPort?: number;
  /** @internal Tests only: `pipelineWaitMs` for this scorer. */
  pipelineWaitMs?: number;
  /** @internal Tests only: `workerKillGraceMs` for this scorer. */
  killGraceMs?: number;
}

/** score.py did not load or its init() raised: exit code 3, as under the reference server. */
export class ScriptStartError extends InitFailedError {
  constructor(file: string, message: string) {
    super(file, new Error(message));
    this.message = message;
    this.name = 'ScriptStartError';
  }
}

class WorkerFailure extends ModelportError {
  constructor(
    private readonly code: number,
    message: string,
  ) {
    super(code === 500 ? 'internal' : 'unavailable', message);
    this.name = 'WorkerFailure';
  }
  override get status(): number {
    return this.code;
  }
}

/** The credentials the Node server checks never reach the script's process. */
const privateVariables = ['MODELPORT_PRIMARY_KEY', 'MODELPORT_SECONDARY_KEY', 'MODELPORT_TOKEN_SECRET'];

function headerPairs(headers: ScoreRequest['headers']): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const [k, v] of Object.entries(headers)) {
    if (v === undefined) continue;
    for (const one of Array.isArray(v) ? v : [v]) out.push([k, one]);
  }
  return out;
}

function resultHeaders(pairs: Array<[string, string]>): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of pairs) {
    const key = k.toLowerCase();
    const had = out[key];
    out[key] = had === undefined ? v : Array.isArray(had) ? [...had, v] : [had, v];
  }
  return out;
}

export class PythonScorer implements Scorer {
  /** The worker raises TimeoutError inside run() at the scoring timeout; the route must not answer first. */
  readonly ownsTimeout = true;
  private readonly waiting: Job[] = [];
  private readonly all = new Set<PythonWorker>();
  private starting = 0;
  private closing = false;
  private lastStartProblem = '';

  private constructor(
    private readonly options: PythonScorerOptions,
    private readonly spec: Omit<WorkerSpec, 'env'> & { env: NodeJS.ProcessEnv },
    private readonly info: WorkerReady,
    private readonly layout: AzureModelLayout | undefined,
  ) {}

  get name(): string {
    return 'entry-script';
  }

  static async create(options: PythonScorerOptions): Promise<PythonScorer> {
    const { logger } = options;
    const assets = pythonAssetsDir(options.env);
    const layout = options.models.length > 0 ? await linkAzureModelLayout(options.models) : undefined;
    const appRoot = options.env.AML_APP_ROOT || layout?.appRoot || process.cwd();
    const env: NodeJS.ProcessEnv = {
      ...options.env,
      AML_APP_ROOT: appRoot,
      AZUREML_ENTRY_SCRIPT: options.script,
      MODELPORT_PYTHON_SCRIPT: options.script,
      PYTHONUNBUFFERED: '1',
      SCORING_TIMEOUT_MS: String(options.timeoutMs),
    };
    const modelDir = layout?.modelDir ?? options.modelDir;
    if (modelDir) env.AZUREML_MODEL_DIR = modelDir;
    else delete env.AZUREML_MODEL_DIR;
    if (options.sourceDir) env.AZUREML_SOURCE_DIRECTORY = options.sourceDir;
    for (const k of privateVariables) delete env[k];
    // Only the first worker listens for a debugger (one port); replacements never do.
    delete env.MODELPORT_DEBUGPY_PORT;
    const spec = { python: options.python, bootFile: bootFileIn(assets), cwd: options.env.AML_APP_ROOT ? appRoot : process.cwd(), env, logger };
    logger.info(`Starting ${options.workers} Python worker(s) with ${options.python} for ${options.script}`);
    const workers = Array.from({ length: options.workers }, (_, i) => new PythonWorker(i === 0 && options.debugPort !== undefined ? { ...spec, env: { ...env, MODELPORT_DEBUGPY_PORT: String(options.debugPort) } } : spec));
    let ready: WorkerReady[];
    try {
      ready = await Promise.all(workers.map((w) => w.ready));
    } catch (err) {
      await Promise.all(workers.map((w) => w.stop(1_000)));
      await layout?.remove();
      if (err instanceof WorkerStartError) {
        const detail = err.detail ? `\n${err.detail.trimEnd()}` : '';
        if (err.phase === 'start') throw new ConfigError(`${err.message}${detail}`);
        throw new ScriptStartError(options.script, `${err.message}${detail}`);
      }
      throw err;
    }
    const info = ready[0] as WorkerReady;
    const scorer = new PythonScorer(options, spec, info, layout);
    for (const w of workers) {
      scorer.all.add(w);
      scorer.watch(w);
    }
    const inputs = info.mode === 'schema' && info.inputSample && typeof info.inputSample === 'object' ? ` (${Object.keys(info.inputSample).join(', ')})` : '';
    const schemaBy = info.mode === 'schema' ? `; inference-schema: ${info.schemaImplementation === 'package' ? 'the installed package' : "Modelport's implementation"}` : '';
    logger.info(`Entry script ready: ${options.script}, ${info.mode === 'schema' ? 'schema-typed' : info.mode} run()${inputs}; ${options.workers} worker(s), Python ${info.python} (${info.executable})${schemaBy}; init() took ${info.initMs.toFixed(0)} ms`);
    return scorer;
  }

  /** A worker that exits while idle (killed from outside, out of memory) is replaced too. */
  private watch(worker: PythonWorker): void {
    void worker.exited.then((how) => {
      if (!this.all.has(worker)) return;
      this.all.delete(worker);
      if (this.closing) return;
      this.options.logger.warn(`A Python worker (pid ${worker.pid}) ended (${how}); starting a new one`);
      this.startReplacement(0);
    });
  }

  private startReplacement(attempt: number): void {
    this.starting++;
    const worker = new PythonWorker(this.spec);
    worker.ready.then(
      () => {
        this.starting--;
        if (this.closing) {
          void worker.stop(1_000);
          return;
        }
        this.all.add(worker);
        this.watch(worker);
        this.pump();
      },
      (err: unknown) => {
        this.starting--;
        this.lastStartProblem = err instanceof Error ? err.message : String(err);
        this.options.logger.error(`A new Python worker could not start: ${this.lastStartProblem}`);
        if (!this.closing && attempt + 1 < restartAttempts) {
          const timer = setTimeout(() => this.startReplacement(attempt + 1), 1_000 * (attempt + 1));
          timer.unref();
        } else {
          this.failWaitersIfNoWorker();
        }
      },
    );
  }

  private failWaitersIfNoWorker(): void {
    if (this.all.size > 0 || this.starting > 0) return;
    const err = new WorkerFailure(503, `No Python worker is running: ${this.lastStartProblem || 'every worker ended'}. See the service log.`);
    for (const w of this.waiting.splice(0)) w.reject(err);
  }

  /** The worker to send a request to now, if any: an idle one, else the least busy one if its queue is short (pipelineWaitMs). */
  private pick(): PythonWorker | undefined {
    let best: PythonWorker | undefined;
    for (const w of this.all) if (w.alive && (!best || w.load < best.load)) best = w;
    if (!best || best.load === 0) return best;
    // Under a debugger a run may rest on a breakpoint: nothing waits behind it.
    if (this.options.debugPort !== undefined || best.load >= maxPipelineDepth) return undefined;
    const budget = this.options.pipelineWaitMs ?? pipelineWaitMs;
    // What a request sent now would wait behind, by the worker's recent runs (infinite before its first answer).
    return budget === Number.POSITIVE_INFINITY || best.load * best.recentRunMs < budget ? best : undefined;
  }

  /** `again`: a request that waited on a worker that ended; it goes before those that arrived since. */
  private dispatch(job: Job, again = false): void {
    if (this.all.size === 0 && this.starting === 0) {
      job.reject(new WorkerFailure(503, `No Python worker is running: ${this.lastStartProblem || 'every worker ended'}. See the service log.`));
      return;
    }
    const worker = this.pick();
    if (worker) this.sendTo(worker, job);
    else if (again) this.waiting.unshift(job);
    else this.waiting.push(job);
  }

  private sendTo(worker: PythonWorker, job: Job): void {
    worker.send(job.request, () => job.started(worker)).then(
      (reply) => {
        job.resolve(reply);
        this.pump();
      },
      (err: unknown) => {
        // Queued behind a run that ended its worker: it never began, so another worker takes it.
        if (err instanceof RequestNotStartedError && !this.closing) {
          this.options.logger.info(`A request queued for the Python worker (pid ${worker.pid}) goes to another worker: that one ended (${err.exit}) before it began the request`);
          this.dispatch(job, true);
        } else job.reject(err instanceof Error ? err : new Error(String(err)));
        this.pump();
      },
    );
  }

  /** Sends waiting requests to the workers that can take them, oldest first. */
  private pump(): void {
    while (this.waiting.length > 0) {
      const worker = this.pick();
      if (!worker) return;
      this.sendTo(worker, this.waiting.shift() as Job);
    }
  }

  async score(req: ScoreRequest): Promise<ScoreResult> {
    // Under a debugger a run() may rest on a breakpoint as long as it likes: no timeout, no killing.
    const debugging = this.options.debugPort !== undefined;
    const timeoutMs = debugging ? 0 : this.options.timeoutMs;
    let timedOut = false;
    let timer: NodeJS.Timeout | undefined;
    let ranOn: PythonWorker | undefined;
    let reply: WorkerReply;
    try {
      reply = await new Promise<WorkerReply>((resolve, reject) => {
        this.dispatch({
          request: { method: req.method, path: req.path, query: req.query.toString(), headers: headerPairs(req.headers), timeoutMs, body: req.body },
          resolve,
          reject,
          started: (worker) => {
            ranOn = worker;
            if (debugging) return;
            const graceMs = this.options.killGraceMs ?? workerKillGraceMs;
            timer = setTimeout(() => {
              timedOut = true;
              req.logger.error(`run() did not return within the scoring timeout (${timeoutMs} ms) + ${graceMs} ms: killing its Python worker (pid ${worker.pid}); a new one is starting`);
              worker.kill();
            }, timeoutMs + graceMs);
          },
        });
      });
    } catch (err) {
      if (timedOut) throw new WorkerFailure(500, `Scoring timeout after ${timeoutMs} ms`);
      if (err instanceof WorkerExitedError) {
        req.logger.error(`The Python worker (pid ${ranOn?.pid ?? '?'}) running ${basename(this.options.script)} exited while scoring this request (${err.exit})`);
        throw new WorkerFailure(502, `The Python worker running ${basename(this.options.script)} exited while scoring this request (${err.exit}); a new worker is starting. Check the logs for more info.`);
      }
      throw err;
    } finally {
      clearTimeout(timer);
    }
    const kind = reply.kind;
    if (reply.error) req.logger.error(reply.error.trimEnd());
    if (reply.failed && reply.status >= 500 && reply.error !== undefined) {
      const message = parseMessage(reply.body);
      if (kind === 'timeout' || message.startsWith('Scoring timeout')) throw new WorkerFailure(500, message);
      throw new RunFailedError(new Error(reply.error));
    }
    const headers = resultHeaders(reply.headers);
    headers['x-ms-run-function-failed'] = reply.failed ? 'True' : 'False';
    return { status: reply.status, headers, body: reply.body, encoded: true };
  }

  describe(): ScorerDescription {
    const { mode, inputSample, outputSample } = this.info;
    return {
      inputSample: mode === 'schema' ? inputSample : undefined,
      outputSample: mode === 'schema' ? outputSample : undefined,
      schemaTyped: mode === 'schema' && inputSample !== undefined,
      binaryContentTypes: [],
      raw: mode === 'raw',
    };
  }

  async close(): Promise<void> {
    this.closing = true;
    for (const w of this.waiting.splice(0)) w.reject(new WorkerFailure(503, 'The service is stopping.'));
    await Promise.all([...this.all].map((w) => w.stop()));
    await this.layout?.remove();
  }
}

function parseMessage(body: Buffer): string {
  try {
    const parsed = JSON.parse(body.toString('utf8')) as { message?: unknown };
    return typeof parsed.message === 'string' ? parsed.message : '';
  } catch {
    return '';
  }
}
