// `modelport service logs NAME [--tail N] [--follow]`.
import { parseArgs } from 'node:util';
import { commonOptions, onePositional, withInterrupt } from '../common/args';
import type { CliIo } from '../common/io';
import { sanitizeText } from '../common/output';
import { UsageError } from '../common/usageError';
import type { Verb } from '../common/verb';
import { openServices } from './openServices';
import { parseLogLine } from '../../core/services/logLine';

const usage = `Usage: modelport service logs NAME [options]

Prints the service log: the host's lines and the scoring instance's (one line per request, with its
request id; each instance line starts with its generation, [gen N], so an update's two instances can be
told apart). Keys and tokens never appear in it.

Options:
  --tail N          only the last N lines (default: all)
  -f, --follow      keep printing new lines until Ctrl+C
  --json            one JSON object per line: {line, source, generation, time, level, requestId, message}
  --workspace DIR   the workspace (default: $MODELPORT_WORKSPACE, else ./.modelport)
  -h, --help        show this help
`;

async function run(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: { ...commonOptions, tail: { type: 'string' }, follow: { type: 'boolean', short: 'f' } },
    allowPositionals: true,
    strict: true,
  });
  if (values.help) {
    io.stdout.write(usage);
    return 0;
  }
  const name = onePositional(positionals, 'a service NAME', 'modelport service logs');
  if (values.tail !== undefined && !/^\d+$/.test(values.tail)) throw new UsageError(`--tail must be a whole number, got '${values.tail}'.`);
  const { manager } = openServices(values.workspace, io);
  await withInterrupt(async (signal) => {
    const lines = manager.logs(name, { tail: values.tail === undefined ? undefined : Number(values.tail), follow: values.follow, signal });
    for await (const line of lines) io.stdout.write(values.json ? `${JSON.stringify(parseLogLine(line))}\n` : `${sanitizeText(line)}\n`);
  });
  return 0;
}

export const serviceLogs: Verb = { name: 'logs', summary: 'print (and follow) the service log', usage, run };
