// `modelport service update NAME`: a new model version, entry script or config, in place.
import { parseArgs } from 'node:util';
import { commonOptions, onePositional } from '../common/args';
import type { CliIo } from '../common/io';
import { writeJson } from '../common/output';
import { maskSecrets } from './maskSecrets';
import type { Verb } from '../common/verb';
import { deployFlags, deployFlagsHelp, requestFromFlags } from './deployOptions';
import { formatService } from './formatService';
import { openServices } from './openServices';
import { failureOnce, progressTo } from './progressLines';

const usage = `Usage: modelport service update NAME [options]

Updates a service in place: same scoring URI, and no failed request while the new instance takes over
(it starts beside the old one, is checked, then receives the traffic; the old one finishes and stops).
If the new instance fails, the old one keeps serving. A stopped service is started again.
Only what a flag names changes.

Options:
${deployFlagsHelp}
  --workspace DIR             the workspace (default: $MODELPORT_WORKSPACE, else ./.modelport)
  --json                      print the service as JSON
  -h, --help                  show this help
`;

async function run(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, options: { ...commonOptions, ...deployFlags }, allowPositionals: true, strict: true });
  if (values.help) {
    io.stdout.write(usage);
    return 0;
  }
  const name = onePositional(positionals, 'a service NAME', 'modelport service update');
  const { manager } = openServices(values.workspace, io);
  const status = await manager.update(name, requestFromFlags(values, io.cwd), { onProgress: progressTo(io, values.quiet) }).catch(failureOnce(values.quiet));
  if (values.json) writeJson(io.stdout, maskSecrets(status, false));
  else io.stdout.write(formatService(status));
  return 0;
}

export const updateService: Verb = { name: 'update', summary: 'update a service in place, without failing a request', usage, run };
