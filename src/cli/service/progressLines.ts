// Deployment progress goes to stderr as plain lines (terminal or pipe alike: they are log lines, and CI
// logs want them), so stdout keeps only the result.
import { DeploymentFailedError } from '../../core/services/deploymentFailedError';
import type { CliIo } from '../common/io';
import { sanitizeText } from '../common/output';

export function progressTo(io: CliIo, quiet: boolean | undefined): ((line: string) => void) | undefined {
  if (quiet) return undefined;
  return (line) => io.stderr.write(`${sanitizeText(line)}\n`);
}

/**
 * A failed deploy or update rethrown without the log tail when the log already went by as progress, so the
 * same lines are not printed twice; with --quiet the tail is the only place they appear.
 */
export function failureOnce(quiet: boolean | undefined): (err: unknown) => never {
  return (err) => {
    throw !quiet && err instanceof DeploymentFailedError ? err.withoutLogTail() : err;
  };
}
