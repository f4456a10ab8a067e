// `modelport service <verb>`: the table of service verbs and their help.
import { processIo, type CliIo } from '../common/io';
import { runNoun, verbList, type Noun } from '../common/nounCommand';
import type { Verb } from '../common/verb';
import { deleteService } from './deleteService';
import { deployService } from './deployService';
import { exportDockerfile } from './exportDockerfile';
import { exportManifestsVerb } from './exportManifests';
import { listServices } from './listServices';
import { pruneServices } from './pruneServices';
import { scaleService } from './scaleService';
import { serviceLogs } from './serviceLogs';
import { genericServiceHint } from './serviceHints';
import { regenerateKey, serviceKeys } from './serviceKeys';
import { serviceToken } from './serviceToken';
import { showService } from './showService';
import { startService, stopService } from './stopService';
import { updateService } from './updateService';

/** In the order `--help` lists them. */
export const serviceVerbs: readonly Verb[] = [
  deployService,
  listServices,
  showService,
  serviceLogs,
  updateService,
  scaleService,
  stopService,
  startService,
  deleteService,
  serviceKeys,
  regenerateKey,
  serviceToken,
  exportDockerfile,
  exportManifestsVerb,
  pruneServices,
];

export const serviceUsage = `Usage: modelport service <verb> [options]

Verbs:
${verbList(serviceVerbs)}

Workspace: --workspace DIR, else $MODELPORT_WORKSPACE, else ./.modelport.
Every verb takes --help; listings take --json.

Exit codes: 0 success; 1 failure (deployment failed — the reason and the log tail are printed —,
name taken, wrong auth mode); 2 bad usage or configuration (unknown flag, bad name, broken config file
with its location); 4 no such service or model; 130 cancelled.
`;

const noun: Noun = { name: 'service', verbs: serviceVerbs, usage: serviceUsage, genericHint: genericServiceHint };

export function serviceCommand(argv: string[], io: CliIo = processIo()): Promise<number> {
  return runNoun(noun, argv, io);
}
