// `modelport <noun> <verb>`: finds the verb, prints help, and reports a failed verb with its hint and exit code.
import { closestName } from '../../core/config/didYouMean';
import { ExitCode, exitCodeFor } from './exitCodes';
import type { CliIo } from './io';
import { renderError } from './renderError';
import { unknownOptionMessage } from './unknownOption';
import type { Verb } from './verb';

export interface Noun {
  name: string;
  verbs: readonly Verb[];
  usage: string;
  /** What to do next after a failure no verb-specific hint covers. */
  genericHint(err: unknown, verb: string): string | undefined;
}

export function verbList(verbs: readonly Verb[]): string {
  return verbs.map((v) => `  ${v.name.padEnd(10)} ${v.summary}`).join('\n');
}

export async function runNoun(noun: Noun, argv: string[], io: CliIo): Promise<number> {
  const [verbName, ...rest] = argv;
  if (verbName === undefined) {
    io.stderr.write(noun.usage);
    return ExitCode.usage;
  }
  if (verbName === '--help' || verbName === '-h' || verbName === 'help') {
    io.stdout.write(noun.usage);
    return ExitCode.ok;
  }
  const verb = noun.verbs.find((v) => v.name === verbName);
  if (!verb) {
    const close = closestName(verbName, noun.verbs.map((v) => v.name));
    const hint = close ? `Did you mean 'modelport ${noun.name} ${close}'? ` : '';
    io.stderr.write(renderError(`Unknown verb '${verbName}' for 'modelport ${noun.name}'.`, `${hint}Run 'modelport ${noun.name} --help' to see the verbs.`));
    return ExitCode.usage;
  }
  try {
    return await verb.run(rest, io);
  } catch (err) {
    const command = `modelport ${noun.name} ${verb.name}`;
    io.stderr.write(renderError(unknownOptionMessage(err, command, verb.usage) ?? err, verb.hint?.(err) ?? noun.genericHint(err, verb.name)));
    return exitCodeFor(err);
  }
}
