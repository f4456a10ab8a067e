// The Python runtime's settings of `modelport serve`: which interpreter runs score.py and how many worker
// processes (the reference server's WORKER_COUNT). Flags win over the environment.
import { ConfigError } from '../../../core/errors';

export interface PythonServeOptions {
  /** `--python PATH` / MODELPORT_PYTHON; else `python3` on PATH. */
  interpreter: string;
  /** `--workers N` / WORKER_COUNT; default 1, like the reference. */
  workers: number;
  /** `--python-debug-port N` / MODELPORT_DEBUGPY_PORT: the first worker waits for debugpy on that loopback port. */
  debugPort: number | undefined;
}

export interface PythonServeFlags {
  python?: string;
  workers?: string;
  debugPort?: string;
}

export const defaultPythonInterpreter = 'python3';

function count(value: string, what: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1 || n > 64) throw new ConfigError(`${what} must be a whole number from 1 to 64, got '${value}'.`);
  return n;
}

export function resolvePythonOptions(flags: PythonServeFlags, env: NodeJS.ProcessEnv): PythonServeOptions {
  const workers = flags.workers ?? (env.WORKER_COUNT || undefined);
  const debugPort = flags.debugPort ?? (env.MODELPORT_DEBUGPY_PORT || undefined);
  if (debugPort !== undefined && (!/^\d+$/.test(debugPort) || Number(debugPort) > 65535)) {
    throw new ConfigError(`The Python debug port must be a port number from 0 to 65535, got '${debugPort}'.`);
  }
  return {
    interpreter: flags.python ?? (env.MODELPORT_PYTHON || defaultPythonInterpreter),
    workers: workers === undefined ? 1 : count(workers, flags.workers !== undefined ? '--workers' : 'WORKER_COUNT'),
    debugPort: debugPort === undefined ? undefined : Number(debugPort),
  };
}

/** A Python entry script (score.py) runs in the Python runtime; .js/.ts ones in Node. */
export function isPythonScript(file: string | undefined): boolean {
  return file !== undefined && /\.py$/i.test(file);
}
