// Deployment progress goes to stderr as plain lines (terminal or pipe alike: they are log lines, and CI
// logs want them), so stdout keeps only the result.
import type { CliIo } from '../common/io';
import { sanitizeText } from '../common/output';

export function progressTo(io: CliIo, quiet: boolean | undefined): ((line: string) => void) | undefined {
  if (quiet) return undefined;
  return (line) => io.stderr.write(`${sanitizeText(line)}\n`);
}
