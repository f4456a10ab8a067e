// What `modelport serve` runs with. Command-line options win over the environment variables that Azure ML's
// inference server reads, so a container built for Azure and a developer's terminal configure it alike.
import { availableParallelism } from 'node:os';
import { ConfigError } from '../core/errors';
import { parseRunAs, type RunAs } from './http/privilegedPort';
import { defaultWorkLimits, resolveWorkLimits, type LimitFlags, type WorkLimits } from './limits';
import { resolveRuntimeOptions, type RuntimeFlags, type RuntimeOptions } from './runtime/sessionOptions';
import { resolvePythonOptions, type PythonServeFlags, type PythonServeOptions } from './scoring/python/pythonOptions';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface ModelSource {
  /** A file (`model.onnx`) or a folder holding one model's files. */
  path: string;
  name?: string;
  version?: string;
}

export type AuthOptions =
  | { mode: 'none' }
  | { mode: 'key'; keys: string[] }
  | { mode: 'token'; secret: string };

export interface ServeOptions {
  models: ModelSource[];
  /** AZUREML_MODEL_DIR as given; entry scripts see it as `context.modelDir`. */
  modelDir: string | undefined;
  entryScript: string | undefined;
  sourceDir: string | undefined;
  port: number;
  host: string;
  timeoutMs: number;
  corsOrigins: string[];
  logLevel: LogLevel;
  serviceName: string;
  serviceVersion: string;
  maxBodyBytes: number;
  auth: AuthOptions;
  /**
   * Event-loop watchdog: the process is killed (SIGKILL, exit status 137) when its event loop stays blocked
   * longer than this, e.g. by a synchronous run() that never returns; 0 turns it off. When absent, the
   * scoring timeout plus 5 s. Only `serve()` runs the watchdog; apps built in-process never do.
   */
  watchdogMs?: number;
  /** onnxruntime session options and dynamic batching; read from the environment when absent. */
  runtime?: RuntimeOptions;
  /**
   * MODELPORT_RUN_AS: started as root (the ACI image, whose port 80 needs it), bind the port, then become this
   * user before loading anything. Ignored when not started as root.
   */
  runAs?: RunAs;
  /** The Python runtime of a score.py (interpreter, workers); read from the environment when absent. */
  python?: PythonServeOptions;
  /** Work per request and requests at once (src/server/limits.ts); the defaults when absent. */
  limits?: WorkLimits;
  /**
   * `--workers N` / WORKER_COUNT: processes that score, as gunicorn's workers (src/server/cluster/serverProcesses.ts):
   * N Node server processes sharing the port, or for a score.py N Python workers. Default 1.
   */
  workers: number;
}

export function limitsOf(options: ServeOptions): WorkLimits {
  return options.limits ?? defaultWorkLimits;
}

export const defaultPort = 5001;
export const defaultTimeoutMs = 60_000;
export const defaultMaxBodyBytes = 64 * 1024 * 1024;
/** Added to the scoring timeout for the watchdog's default limit: a run() may overrun its timeout a little and recover. */
export const watchdogGraceMs = 5_000;

export function defaultWatchdogMs(timeoutMs: number): number {
  return timeoutMs + watchdogGraceMs;
}

const logLevels: readonly LogLevel[] = ['debug', 'info', 'warn', 'error'];

export function parsePort(value: string, what: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n > 65535) {
    throw new ConfigError(`${what} must be a port number from 0 to 65535, got '${value}'.`);
  }
  return n;
}

function parsePositiveInt(value: string, what: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n <= 0) throw new ConfigError(`${what} must be a positive whole number, got '${value}'.`);
  return n;
}

function parseWatchdogMs(value: string, what: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n > 2 ** 31 - 1) {
    throw new ConfigError(`${what} must be a whole number of milliseconds (0 turns the watchdog off), got '${value}'.`);
  }
  return n;
}

/** `[name[:version]=]path` — the name defaults to the file or folder name without extension. */
export function parseModelArg(arg: string): ModelSource {
  const eq = arg.indexOf('=');
  if (eq <= 0) return { path: arg };
  const ref = arg.slice(0, eq);
  const path = arg.slice(eq + 1);
  const [name, version, extra] = ref.split(':');
  if (!name || extra !== undefined || version === '') {
    throw new ConfigError(`--model expects PATH or NAME[:VERSION]=PATH, got '${arg}'.`);
  }
  return version === undefined ? { path, name } : { path, name, version };
}

export function parseCorsOrigins(value: string | undefined): string[] {
  if (!value) return [];
  return value.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
}

export interface ServeFlags {
  model?: string[];
  entryScript?: string;
  sourceDir?: string;
  port?: string;
  host?: string;
  timeoutMs?: string;
  corsOrigins?: string;
  logLevel?: string;
  maxBodyBytes?: string;
  watchdogMs?: string;
  runtime?: RuntimeFlags;
  python?: PythonServeFlags;
  limits?: LimitFlags;
  /** `--workers N`; WORKER_COUNT from the environment when absent. */
  workers?: string;
}

/** Authentication is configured by the environment only, so keys never show in a process listing. */
function resolveAuth(env: NodeJS.ProcessEnv): AuthOptions {
  const mode = env.MODELPORT_AUTH_MODE ?? 'none';
  if (mode === 'none') return { mode };
  if (mode === 'key') {
    const keys = [env.MODELPORT_PRIMARY_KEY, env.MODELPORT_SECONDARY_KEY].filter((k): k is string => !!k);
    if (keys.length === 0) throw new ConfigError('MODELPORT_AUTH_MODE=key needs MODELPORT_PRIMARY_KEY (and optionally MODELPORT_SECONDARY_KEY).');
    return { mode, keys };
  }
  if (mode === 'token') {
    const secret = env.MODELPORT_TOKEN_SECRET;
    if (!secret) throw new ConfigError('MODELPORT_AUTH_MODE=token needs MODELPORT_TOKEN_SECRET.');
    return { mode, secret };
  }
  throw new ConfigError(`MODELPORT_AUTH_MODE must be none, key or token, got '${mode}'.`);
}

function withWorkers(python: PythonServeOptions): { python: PythonServeOptions; workers: number } {
  return { python, workers: python.workers };
}

export function resolveServeOptions(flags: ServeFlags, env: NodeJS.ProcessEnv): ServeOptions {
  const modelDir = env.AZUREML_MODEL_DIR || undefined;
  const models = flags.model && flags.model.length > 0 ? flags.model.map(parseModelArg) : [];
  const logLevel = (flags.logLevel ?? env.AZUREML_LOG_LEVEL ?? 'info').toLowerCase();
  if (!logLevels.includes(logLevel as LogLevel)) {
    throw new ConfigError(`Log level must be one of ${logLevels.join(', ')}, got '${logLevel}'.`);
  }
  const port = flags.port ?? env.SERVER_PORT;
  const timeout = flags.timeoutMs ?? env.SCORING_TIMEOUT_MS;
  const maxBody = flags.maxBodyBytes ?? env.MODELPORT_MAX_BODY_BYTES;
  const timeoutMs = timeout === undefined ? defaultTimeoutMs : parsePositiveInt(timeout, flags.timeoutMs ? '--timeout-ms' : 'SCORING_TIMEOUT_MS');
  const watchdog = flags.watchdogMs ?? (env.MODELPORT_WATCHDOG_MS || undefined);
  // One worker count for both runtimes: --workers wins over WORKER_COUNT, and both are checked alike.
  const processes = withWorkers(resolvePythonOptions({ ...flags.python, workers: flags.workers ?? flags.python?.workers }, env));
  return {
    models,
    modelDir,
    entryScript: flags.entryScript ?? (env.AZUREML_ENTRY_SCRIPT || undefined),
    sourceDir: flags.sourceDir ?? (env.AZUREML_SOURCE_DIRECTORY || undefined),
    port: port === undefined ? defaultPort : parsePort(port, flags.port ? '--port' : 'SERVER_PORT'),
    host: flags.host ?? env.MODELPORT_HOST ?? '127.0.0.1',
    timeoutMs,
    corsOrigins: parseCorsOrigins(flags.corsOrigins ?? env.AML_CORS_ORIGINS),
    logLevel: logLevel as LogLevel,
    serviceName: env.SERVICE_NAME || 'modelport',
    serviceVersion: env.SERVICE_VERSION || '1',
    maxBodyBytes: maxBody === undefined ? defaultMaxBodyBytes : parsePositiveInt(maxBody, '--max-body-bytes'),
    auth: resolveAuth(env),
    watchdogMs: watchdog === undefined ? defaultWatchdogMs(timeoutMs) : parseWatchdogMs(watchdog, flags.watchdogMs !== undefined ? '--watchdog-ms' : 'MODELPORT_WATCHDOG_MS'),
    // Server processes share the cores: each one's automatic inference threads are its share of them.
    runtime: resolveRuntimeOptions(flags.runtime ?? {}, env, { cores: availableParallelism(), processes: processes.workers }),
    ...(env.MODELPORT_RUN_AS ? { runAs: parseRunAs(env.MODELPORT_RUN_AS) } : {}),
    ...processes,
    limits: resolveWorkLimits(flags.limits ?? {}, env),
  };
}
