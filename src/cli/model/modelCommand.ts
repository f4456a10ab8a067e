// `modelport model <verb>`: the table of model verbs and their help.
import { processIo, type CliIo } from '../common/io';
import { runNoun, verbList, type Noun } from '../common/nounCommand';
import type { Verb } from '../common/verb';
import { deleteModel } from './deleteModel';
import { downloadModel } from './downloadModel';
import { listModels } from './listModels';
import { genericModelHint } from './modelHints';
import { registerModel } from './registerModel';
import { showModel } from './showModel';

/** In the order `--help` lists them. */
export const modelVerbs: readonly Verb[] = [registerModel, listModels, showModel, downloadModel, deleteModel];

export const modelUsage = `Usage: modelport model <verb> [options]

Verbs:
${verbList(modelVerbs)}

References: NAME (the latest version), NAME:latest, NAME:VERSION.
Workspace: --workspace DIR, else $MODELPORT_WORKSPACE, else ./.modelport.
Every verb takes --json (machine-readable output on stdout) and --help.

Exit codes: 0 success; 1 failure (a version used by a service, files in the way, I/O);
2 bad usage or configuration (unknown flag, bad reference or name, missing PATH, damaged metadata);
4 no such model or version; 130 cancelled (Ctrl+C, or no at a prompt).
`;

const noun: Noun = { name: 'model', verbs: modelVerbs, usage: modelUsage, genericHint: genericModelHint };

export function modelCommand(argv: string[], io: CliIo = processIo()): Promise<number> {
  return runNoun(noun, argv, io);
}
