// `modelport service list`: every service with its state, target, models and scoring URI.
import { parseArgs } from 'node:util';
import { commonOptions } from '../common/args';
import { ExitCode } from '../common/exitCodes';
import type { CliIo } from '../common/io';
import { formatTable, sanitizeText, writeJson } from '../common/output';
import { UsageError } from '../common/usageError';
import { requireExistingWorkspace } from '../common/workspace';
import type { Verb } from '../common/verb';
import { maskSecrets } from './maskSecrets';
import { openServices } from './openServices';

const usage = `Usage: modelport service list [options]

Lists the services: name, state, target, models, scoring URI. The state is checked live (a Healthy
service is asked GET /). A service whose record is damaged is reported on stderr, naming the file.

Options:
  --workspace DIR   the workspace (default: $MODELPORT_WORKSPACE, else ./.modelport)
  --show-secrets    show the values of the inference config's environment variables (masked otherwise)
  --json            print {"services": [...], "problems": [{"file", "message"}]}
  -h, --help        show this help
`;

async function run(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, options: { ...commonOptions, 'show-secrets': { type: 'boolean' } }, allowPositionals: true, strict: true });
  if (values.help) {
    io.stdout.write(usage);
    return 0;
  }
  if (positionals.length > 0) throw new UsageError(`'modelport service list' takes no arguments (got ${positionals.join(' ')}).`);
  const { manager, workspace } = openServices(values.workspace, io);
  await requireExistingWorkspace(workspace);
  const listed = await manager.list();
  const services = listed.services.map((s) => maskSecrets(s, values['show-secrets']));
  const problems = listed.problems;
  for (const p of problems) io.stderr.write(`modelport: skipped a damaged service record: ${sanitizeText(p.message)}\n`);
  if (values.json) writeJson(io.stdout, { services, problems });
  else if (services.length > 0) {
    const rows = services.map((s) => [s.name, s.state, s.computeType, s.replicas ? `${s.replicas.ready}/${s.replicas.desired}` : '-', s.models.join(',') || '-', s.authMode, s.scoringUri || '-']);
    io.stdout.write(formatTable(['NAME', 'STATE', 'TARGET', 'READY', 'MODELS', 'AUTH', 'SCORING URI'], rows));
  } else if (problems.length === 0) {
    io.stderr.write(`No services in ${workspace.dir}. Deploy one with 'modelport service deploy NAME --model REF'.\n`);
  }
  return problems.length > 0 && services.length === 0 ? ExitCode.failure : ExitCode.ok;
}

export const listServices: Verb = { name: 'list', summary: 'list services with their state and scoring URI', usage, run };
