// One problem in a config file, with the exact place it is at, and the error that carries all of them.
// The CLI prints the message; the extension turns `issues` into editor diagnostics (offset + length).
import { ConfigError } from '../errors';
import { positionAt } from './jsonLocation';

export interface ConfigIssue {
  /** JSON pointer of the value at fault ("" for the whole document). */
  pointer: string;
  /** Starts with the pointer where there is one: `/port must be <= 65535`. */
  message: string;
  line: number;
  column: number;
  offset: number;
  length: number;
}

export function makeIssue(text: string, pointer: string, message: string, offset: number, length: number): ConfigIssue {
  const { line, column } = positionAt(text, offset);
  return { pointer, message, line, column, offset, length };
}

export function issueLine(fileLabel: string, issue: ConfigIssue): string {
  return `${fileLabel}:${issue.line}:${issue.column}: ${issue.message}`;
}

// Enough to fix a file in one pass without burying the first problem under a wall of text.
const maxListedIssues = 5;

export class ConfigValidationError extends ConfigError {
  readonly issues: readonly ConfigIssue[];
  constructor(fileLabel: string, file: string, issues: readonly ConfigIssue[]) {
    const lines = issues.slice(0, maxListedIssues).map((i) => issueLine(fileLabel, i));
    if (issues.length > maxListedIssues) lines.push(`… and ${issues.length - maxListedIssues} more problems in ${fileLabel}`);
    const first = issues[0];
    const location = first === undefined ? undefined : `${fileLabel}:${first.line}:${first.column} ${first.pointer || '/'}`;
    super(lines.join('\n'), file, location);
    this.name = 'ConfigValidationError';
    this.issues = issues;
  }
}

export function throwIfIssues(fileLabel: string, file: string, issues: readonly ConfigIssue[]): void {
  if (issues.length > 0) throw new ConfigValidationError(fileLabel, file, issues);
}
