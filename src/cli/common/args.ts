// Small helpers for the arguments every verb parses with node:util parseArgs (strict: an unknown flag is
// an error, exit code 2).
import { UsageError } from './usageError';

/** Options every model verb accepts. */
export const commonOptions = {
  workspace: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** The single positional a verb takes (`PATH`, `REF`), or a usage error naming what is missing or extra. */
export function onePositional(positionals: readonly string[], what: string, command: string): string {
  const [first, ...extra] = positionals;
  if (first === undefined) throw new UsageError(`'${command}' needs ${what}.`);
  if (extra.length > 0) throw new UsageError(`'${command}' takes one ${what}, got also: ${extra.join(' ')}.`);
  return first;
}

/** `--tag k=v --tag k2=v2` → { k: 'v', k2: 'v2' }; the value may hold '=' and be empty, the key may not. */
export function parseKeyValues(values: readonly string[] | undefined, flag: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of values ?? []) {
    const eq = item.indexOf('=');
    const key = eq > 0 ? item.slice(0, eq).trim() : '';
    if (key === '') throw new UsageError(`--${flag} expects KEY=VALUE, got '${item}'.`);
    if (Object.hasOwn(out, key)) throw new UsageError(`--${flag} ${key} is given twice.`);
    out[key] = item.slice(eq + 1);
  }
  return out;
}

/**
 * Runs `work` with a signal that aborts on Ctrl+C (SIGINT), so that a registration or download can clean
 * up after itself instead of dying half-way. The handler is removed afterwards.
 */
export async function withInterrupt<T>(work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const onSigint = () => controller.abort();
  process.once('SIGINT', onSigint);
  try {
    return await work(controller.signal);
  } finally {
    process.off('SIGINT', onSigint);
  }
}
