// `modelport service scale NAME --replicas N | --min N --max N`: how many replicas a Kubernetes service runs.
import { parseArgs } from 'node:util';
import { commonOptions, onePositional } from '../common/args';
import type { CliIo } from '../common/io';
import { writeJson } from '../common/output';
import { UsageError } from '../common/usageError';
import type { Verb } from '../common/verb';
import { positiveInt } from './deployOptions';
import { formatService } from './formatService';
import { openServices } from './openServices';
import { progressTo } from './progressLines';

const usage = `Usage: modelport service scale NAME (--replicas N | --min N --max N) [options]

Changes how many replicas a Kubernetes service runs, without a new generation or a rollout: --replicas
fixes the number (an autoscaler the service had is removed); --min/--max set the bounds of its
HorizontalPodAutoscaler (created if the service had a fixed number). Waits until the replicas are ready.

Options:
  --replicas N      a fixed number of replicas
  --min N           the autoscaler's fewest replicas
  --max N           the autoscaler's most replicas
  -q, --quiet       no progress lines on stderr
  --workspace DIR   the workspace (default: $MODELPORT_WORKSPACE, else ./.modelport)
  --json            print the service as JSON
  -h, --help        show this help

Example:
  modelport service scale fashion-svc --replicas 3
`;

async function run(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: { ...commonOptions, replicas: { type: 'string' }, min: { type: 'string' }, max: { type: 'string' }, quiet: { type: 'boolean', short: 'q' } },
    allowPositionals: true,
    strict: true,
  });
  if (values.help) {
    io.stdout.write(usage);
    return 0;
  }
  const name = onePositional(positionals, 'a service NAME', 'modelport service scale');
  const fixed = values.replicas !== undefined;
  const bounds = values.min !== undefined || values.max !== undefined;
  if (fixed === bounds) throw new UsageError("'modelport service scale' needs either --replicas N, or --min N and/or --max N.");
  const request = fixed
    ? { replicas: positiveInt(values.replicas ?? '', '--replicas') }
    : {
        ...(values.min !== undefined ? { minReplicas: positiveInt(values.min, '--min') } : {}),
        ...(values.max !== undefined ? { maxReplicas: positiveInt(values.max, '--max') } : {}),
      };
  const { manager } = openServices(values.workspace, io);
  const status = await manager.scale(name, request, { onProgress: progressTo(io, values.quiet) });
  if (values.json) writeJson(io.stdout, status);
  else io.stdout.write(formatService(status));
  return 0;
}

export const scaleService: Verb = { name: 'scale', summary: 'set the replicas (or autoscaler bounds) of a Kubernetes service', usage, run };
