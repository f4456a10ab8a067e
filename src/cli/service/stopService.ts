// `modelport service stop NAME` and `service start NAME`: stop a service without deleting it, and start it again
// as its record describes it (same scoring URI, keys and log).
import { parseArgs } from 'node:util';
import { commonOptions, onePositional } from '../common/args';
import type { CliIo } from '../common/io';
import { writeJson } from '../common/output';
import type { Verb } from '../common/verb';
import { formatService } from './formatService';
import { openServices } from './openServices';
import { progressTo } from './progressLines';

function usageOf(verb: 'stop' | 'start'): string {
  const what =
    verb === 'stop'
      ? 'Stops the service where it runs (in-flight requests finish first) and keeps its record, keys and log:\n`modelport service start NAME` brings it back on the same scoring URI. ACI stops the container group and\nkeeps it; Kubernetes scales the Deployment to 0 replicas and keeps it with its Service (a KServe\nInferenceService is deleted, and applied again by start). An update or a scale starts it again.'
      : 'Starts a stopped service again as its record describes it: same scoring URI, keys and models.';
  return `Usage: modelport service ${verb} NAME [options]

${what}

Options:
  -q, --quiet       no progress lines on stderr
  --workspace DIR   the workspace (default: $MODELPORT_WORKSPACE, else ./.modelport)
  --json            print the service as JSON
  -h, --help        show this help
`;
}

function verbOf(verb: 'stop' | 'start', summary: string): Verb {
  const usage = usageOf(verb);
  return {
    name: verb,
    summary,
    usage,
    run: async (argv: string[], io: CliIo): Promise<number> => {
      const { values, positionals } = parseArgs({ args: argv, options: { ...commonOptions, quiet: { type: 'boolean', short: 'q' } }, allowPositionals: true, strict: true });
      if (values.help) {
        io.stdout.write(usage);
        return 0;
      }
      const name = onePositional(positionals, 'a service NAME', `modelport service ${verb}`);
      const { manager } = openServices(values.workspace, io);
      const options = { onProgress: progressTo(io, values.quiet) };
      const status = verb === 'stop' ? await manager.stop(name, options) : await manager.start(name, options);
      if (values.json) writeJson(io.stdout, status);
      else io.stdout.write(formatService(status));
      return 0;
    },
  };
}

export const stopService = verbOf('stop', 'stop a service, keeping it to start again');
export const startService = verbOf('start', 'start a stopped service on its scoring URI');
