// `modelport service delete NAME`: stops the service (draining in-flight requests) and removes its record.
import { parseArgs } from 'node:util';
import { commonOptions, onePositional } from '../common/args';
import { confirmOrThrow } from '../common/confirm';
import type { CliIo } from '../common/io';
import { writeJson } from '../common/output';
import type { Verb } from '../common/verb';
import { openServices } from './openServices';
import { progressTo } from './progressLines';

const usage = `Usage: modelport service delete NAME [options]

Stops the service (in-flight requests finish first) and removes its record, keys and log.

Options:
  -y, --yes         delete without asking (required when stdin or stderr is not a terminal)
  --workspace DIR   the workspace (default: $MODELPORT_WORKSPACE, else ./.modelport)
  --json            print {"deleted": NAME}
  -h, --help        show this help
`;

async function run(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, options: { ...commonOptions, yes: { type: 'boolean', short: 'y' } }, allowPositionals: true, strict: true });
  if (values.help) {
    io.stdout.write(usage);
    return 0;
  }
  const name = onePositional(positionals, 'a service NAME', 'modelport service delete');
  const { manager } = openServices(values.workspace, io);
  await manager.get(name);
  if (!values.yes) await confirmOrThrow(io, `Delete service ${name}? It stops answering at once.`, `Deleting service ${name}`);
  await manager.delete(name, { onProgress: progressTo(io, values.json) });
  if (values.json) writeJson(io.stdout, { deleted: name });
  else io.stdout.write(`Deleted service ${name}\n`);
  return 0;
}

export const deleteService: Verb = { name: 'delete', summary: 'stop a service and remove it', usage, run };
