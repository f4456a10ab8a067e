// Asking before something that cannot be undone: on a terminal a [y/N] question; elsewhere (scripts, CI)
// the command must say --yes, so nothing is deleted by a pipe that happened to hold a "y".
import { createInterface } from 'node:readline/promises';
import { CancelledError } from '../../core/errors';
import { isInteractive, type CliIo } from './io';
import { UsageError } from './usageError';

async function ask(io: CliIo, question: string): Promise<boolean> {
  const rl = createInterface({ input: io.stdin, output: io.stderr as NodeJS.WritableStream });
  try {
    const answer = await rl.question(`${question} [y/N] `);
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    rl.close();
  }
}

/** `what` names the action in the messages ("Deleting fashion:3"). */
export async function confirmOrThrow(io: CliIo, question: string, what: string): Promise<void> {
  if (!isInteractive(io.stderr, io.env) || io.stdin.isTTY !== true) throw new UsageError(`${what} needs confirmation: pass --yes.`);
  if (!(await ask(io, question))) throw new CancelledError(`${what}: cancelled.`);
}
