// The one wrapper every command runs through: errors are logged and shown once, with a button that helps;
// a cancelled prompt ends the command quietly. No `vscode` import: the registration passes the Ui in.
import { CancelledError, ConfigError, ModelportError, errorMessage } from '../../core/errors';
import type { CommandDeps } from '../common/deps';
import type { CommandFlow } from './commandTable';

export interface CommandOutcome {
  id: string;
  error?: Error;
}

function isCancellation(err: unknown): boolean {
  return err instanceof CancelledError || (err instanceof Error && (err.name === 'AbortError' || err.name === 'Canceled'));
}

export async function runCommand(deps: CommandDeps, id: string, flow: CommandFlow, args: unknown[], onOutcome?: (o: CommandOutcome) => void): Promise<unknown> {
  try {
    const result = await flow(deps, ...args);
    onOutcome?.({ id });
    return result;
  } catch (err) {
    const error = err instanceof Error ? err : new Error(String(err));
    onOutcome?.({ id, error });
    if (isCancellation(err)) {
      deps.log.debug(`${id}: cancelled`);
      return undefined;
    }
    deps.log.error(`${id} failed: ${error.stack ?? error.message}`);
    const message = errorMessage(err);
    const file = err instanceof ConfigError ? err.file : undefined;
    // Expected failures (bad input, not found, conflicts) say what to do in their message; others add where to look.
    const expected = err instanceof ModelportError && err.kind !== 'internal';
    const buttons = file ? ['Open File', 'Show Logs'] : ['Show Logs'];
    if (!expected) deps.log.show(true);
    void deps.ui.error(message, ...buttons).then((button) => {
      if (button === 'Show Logs') deps.log.show();
      if (button === 'Open File' && file) void deps.ui.openFile(file);
    });
    return undefined;
  }
}
