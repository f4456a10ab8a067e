// Exit codes of the `modelport` CLI, decided in one place from the error that ended a command.
import { ModelportError } from '../../core/errors';

export const ExitCode = {
  ok: 0,
  /** Anything that went wrong and is not one of the cases below (I/O, a refused delete, a file clash). */
  failure: 1,
  /** Bad usage or configuration: unknown flag, missing argument, bad model reference, broken config file. */
  usage: 2,
  /** `serve`: the entry script's init() failed. */
  initFailed: 3,
  /** The model, version (or other named thing) does not exist. */
  notFound: 4,
  /** The user stopped the command (Ctrl+C, or answered no); 128 + SIGINT, as a shell reports it. */
  cancelled: 130,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** node:util parseArgs errors (unknown option, missing value, unexpected positional). */
export function isParseArgsError(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS');
}

export function exitCodeFor(err: unknown): ExitCodeValue {
  if (isParseArgsError(err)) return ExitCode.usage;
  if (!(err instanceof ModelportError)) return ExitCode.failure;
  switch (err.kind) {
    case 'bad-request':
    case 'config':
    case 'unsupported-media-type':
      return ExitCode.usage;
    case 'not-found':
      return ExitCode.notFound;
    case 'cancelled':
      return ExitCode.cancelled;
    default:
      return ExitCode.failure;
  }
}
