// How a failed command reports itself: `modelport: <what happened>` and, when there is one, a line
// saying what to do next.
import { errorMessage } from '../../core/errors';
import { sanitizeText } from './output';

export function renderError(err: unknown, hint?: string): string {
  const lines = [`modelport: ${sanitizeText(errorMessage(err))}`];
  if (hint) lines.push(sanitizeText(hint));
  return `${lines.join('\n')}\n`;
}
