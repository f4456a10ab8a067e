// node:util parseArgs says "Unknown option '--modle'. To specify a positional argument starting with a '-', …":
// this turns that into one line naming the command and, when one is close, the option the user meant, read from
// the verb's own help text (so the suggestion is always a documented flag).
import { closestName } from '../../core/config/didYouMean';

/** The documented flags of a usage text: every `--name` it mentions. */
export function flagsOf(usage: string): string[] {
  return [...new Set(usage.match(/--[a-z][a-z0-9-]*/g) ?? [])];
}

/** A clearer message for parseArgs' unknown-option error, or undefined for any other error. */
export function unknownOptionMessage(err: unknown, command: string, usage: string): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  if (code !== 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return undefined;
  const given = /Unknown option '([^']+)'/.exec((err as Error).message)?.[1];
  if (given === undefined) return undefined;
  const close = closestName(given, flagsOf(usage));
  return `Unknown option '${given}' for '${command}'.${close ? ` Did you mean '${close}'?` : ''}`;
}
