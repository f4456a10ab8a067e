// `modelport model list`: every registered version as a table, or `--json`.
import { parseArgs } from 'node:util';
import { ModelRegistry } from '../../core/registry/modelRegistry';
import { commonOptions } from '../common/args';
import { ExitCode } from '../common/exitCodes';
import type { CliIo } from '../common/io';
import { formatDate, formatSize, formatTable, sanitizeText, truncate, writeJson } from '../common/output';
import { UsageError } from '../common/usageError';
import { requireExistingWorkspace, resolveWorkspace } from '../common/workspace';
import { refOfMetaFile } from './modelHints';
import type { Verb } from '../common/verb';

const DESCRIPTION_WIDTH = 50;

const usage = `Usage: modelport model list [options]

Lists the registered model versions: name, version, framework, size, created time, description.

Options:
  --name NAME       only the versions of NAME
  --workspace DIR   the workspace (default: $MODELPORT_WORKSPACE, else ./.modelport)
  --json            print {"models": [...full records...], "problems": [{"file", "message"}]}
  -h, --help        show this help

A version whose model.meta.json is damaged is reported on stderr, naming the file, and the others are
still listed. The exit code stays 0 when at least one version was listed (or none is registered), so a
single damaged record does not break scripts that read the rest; it is 1 when every version found is
damaged.
`;

async function run(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: { ...commonOptions, name: { type: 'string' } },
    allowPositionals: true,
    strict: true,
  });
  if (values.help) {
    io.stdout.write(usage);
    return 0;
  }
  if (positionals.length > 0) throw new UsageError(`'modelport model list' takes no arguments (got ${positionals.join(' ')}); use --name NAME to filter.`);
  const workspace = resolveWorkspace(values.workspace, io.env, io.cwd);
  await requireExistingWorkspace(workspace);
  const registry = new ModelRegistry(workspace.dir);
  const { models, problems } = await registry.list(values.name !== undefined ? { name: values.name } : {});

  for (const problem of problems) {
    io.stderr.write(`modelport: skipped a damaged version: ${sanitizeText(problem.message)}\n`);
    const ref = refOfMetaFile(problem.file);
    if (ref) io.stderr.write(`Remove it with 'modelport model delete ${sanitizeText(ref)} --yes', or restore the file from a backup.\n`);
  }
  if (values.json) {
    writeJson(io.stdout, { models, problems });
  } else if (models.length > 0) {
    const rows = models.map((m) => [m.name, String(m.version), m.framework, formatSize(m.size), formatDate(m.createdTime), truncate(m.description ?? '', DESCRIPTION_WIDTH)]);
    io.stdout.write(formatTable(['NAME', 'VERSION', 'FRAMEWORK', 'SIZE', 'CREATED', 'DESCRIPTION'], rows, ['left', 'right', 'left', 'right']));
  } else if (problems.length === 0) {
    const what = values.name !== undefined ? `No versions of model "${values.name}" are registered` : 'No models are registered';
    io.stderr.write(`${sanitizeText(what)} in ${workspace.dir}. Register one with 'modelport model register PATH --name NAME'.\n`);
  }
  return problems.length > 0 && models.length === 0 ? ExitCode.failure : ExitCode.ok;
}

export const listModels: Verb = {
  name: 'list',
  summary: 'list registered models and versions',
  usage,
  run,
};
