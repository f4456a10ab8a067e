// `modelport service show NAME`: one service's state, URIs, models and settings.
import { parseArgs } from 'node:util';
import { commonOptions, onePositional } from '../common/args';
import type { CliIo } from '../common/io';
import { writeJson } from '../common/output';
import type { Verb } from '../common/verb';
import { formatService } from './formatService';
import { maskSecrets } from './maskSecrets';
import { openServices } from './openServices';

const usage = `Usage: modelport service show NAME [options]

Shows a service: state (checked live), target, models, scoring and swagger URIs, auth mode, settings.

Options:
  --workspace DIR   the workspace (default: $MODELPORT_WORKSPACE, else ./.modelport)
  --show-secrets    show the values of the inference config's environment variables (masked otherwise)
  --json            print the service as JSON (state, scoringUri, swaggerUri, …)
  -h, --help        show this help
`;

async function run(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, options: { ...commonOptions, 'show-secrets': { type: 'boolean' } }, allowPositionals: true, strict: true });
  if (values.help) {
    io.stdout.write(usage);
    return 0;
  }
  const name = onePositional(positionals, 'a service NAME', 'modelport service show');
  const status = maskSecrets(await openServices(values.workspace, io).manager.get(name), values['show-secrets']);
  if (values.json) writeJson(io.stdout, status);
  else io.stdout.write(formatService(status));
  return 0;
}

export const showService: Verb = { name: 'show', summary: "show a service's state, URIs and settings", usage, run };
