// The shape every `modelport model <verb>` file exports; modelCommand.ts holds the table of them.
import type { CliIo } from '../common/io';

export interface ModelVerb {
  name: string;
  /** One line for `modelport model --help`. */
  summary: string;
  /** The full `--help` text. */
  usage: string;
  /** Returns the exit code; throws to fail (modelCommand renders the error and picks the code). */
  run(argv: string[], io: CliIo): Promise<number>;
  /** What to do next after this verb's own kinds of failure; the generic hints cover the rest. */
  hint?(err: unknown): string | undefined;
}
