// `modelport model <verb>`: the table of model verbs, their help, and how their failures are reported.
import { closestName } from '../../core/config/didYouMean';
import { ExitCode, exitCodeFor } from '../common/exitCodes';
import { processIo, type CliIo } from '../common/io';
import { renderError } from '../common/renderError';
import { deleteModel } from './deleteModel';
import { downloadModel } from './downloadModel';
import { listModels } from './listModels';
import { genericModelHint } from './modelHints';
import { registerModel } from './registerModel';
import { showModel } from './showModel';
import type { ModelVerb } from './verb';

const verbs: readonly ModelVerb[] = [registerModel, listModels, showModel, downloadModel, deleteModel];

export const modelUsage = `Usage: modelport model <verb> [options]

Verbs:
${verbs.map((v) => `  ${v.name.padEnd(10)} ${v.summary}`).join('\n')}

References: NAME (the latest version), NAME:latest, NAME:VERSION.
Workspace: --workspace DIR, else $MODELPORT_WORKSPACE, else ./.modelport.
Every verb takes --json (machine-readable output on stdout) and --help.

Exit codes: 0 success; 1 failure (a version used by a service, files in the way, I/O);
2 bad usage or configuration (unknown flag, bad reference or name, missing PATH, damaged metadata);
4 no such model or version; 130 cancelled (Ctrl+C, or no at a prompt).
`;

export async function modelCommand(argv: string[], io: CliIo = processIo()): Promise<number> {
  const [verbName, ...rest] = argv;
  if (verbName === undefined) {
    io.stderr.write(modelUsage);
    return ExitCode.usage;
  }
  if (verbName === '--help' || verbName === '-h' || verbName === 'help') {
    io.stdout.write(modelUsage);
    return ExitCode.ok;
  }
  const verb = verbs.find((v) => v.name === verbName);
  if (!verb) {
    const close = closestName(verbName, verbs.map((v) => v.name));
    const hint = close ? `Did you mean 'modelport model ${close}'? ` : '';
    io.stderr.write(renderError(`Unknown verb '${verbName}' for 'modelport model'.`, `${hint}Run 'modelport model --help' to see the verbs.`));
    return ExitCode.usage;
  }
  try {
    return await verb.run(rest, io);
  } catch (err) {
    io.stderr.write(renderError(err, verb.hint?.(err) ?? genericModelHint(err, verb.name)));
    return exitCodeFor(err);
  }
}
