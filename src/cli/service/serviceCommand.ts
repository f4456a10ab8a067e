// `modelport service <verb>`: the table of service verbs and their help.
import { processIo, type CliIo } from '../common/io';
import { runNoun, verbList, type Noun } from '../common/nounCommand';
import type { Verb } from '../common/verb';
import { deleteService } from './deleteService';
import { deployService } from './deployService';
import { exportDockerfile } from './exportDockerfile';
import { exportManifestsVerb } from './exportManifests';
import { listServices } from './listServices';
import { scaleService } from './scaleService';
import { serviceLogs } from './serviceLogs';
import { genericServiceHint } from './serviceHints';
import { regenerateKey, serviceKeys } from './serviceKeys';
import { serviceToken } from './serviceToken';
import { showService } from './showService';
import { updateService } from './updateService';

const verbs: readonly Verb[] = [
  deployService,
  listServices,
  showService,
  serviceLogs,
  updateService,
  scaleService,
  deleteService,
  serviceKeys,
  regenerateKey,
  serviceToken,
  exportDockerfile,
  exportManifestsVerb,
];

export const serviceUsage = `Usage: modelport service <verb> [options]

Verbs:
${verbList(verbs)}

Workspace: --workspace DIR, else $MODELPORT_WORKSPACE, else ./.modelport.
Every verb takes --help; listings take --json.

Exit codes: 0 success; 1 failure (deployment failed — the reason and the log tail are printed —,
name taken, wrong auth mode); 2 bad usage or configuration (unknown flag, bad name, broken config file
with its location); 4 no such service or model; 130 cancelled.
`;

const noun: Noun = { name: 'service', verbs, usage: serviceUsage, genericHint: genericServiceHint };

export function serviceCommand(argv: string[], io: CliIo = processIo()): Promise<number> {
  return runNoun(noun, argv, io);
}
