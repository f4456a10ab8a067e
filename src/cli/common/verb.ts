// The shape every `modelport <noun> <verb>` file exports; each noun's command file holds the table of them.
import type { CliIo } from './io';

export interface Verb {
  name: string;
  /** One line for `modelport <noun> --help`. */
  summary: string;
  /** The full `--help` text. */
  usage: string;
  /** Returns the exit code; throws to fail (the noun's command renders the error and picks the code). */
  run(argv: string[], io: CliIo): Promise<number>;
  /** What to do next after this verb's own kinds of failure; the generic hints cover the rest. */
  hint?(err: unknown): string | undefined;
}
