// `modelport model download REF --target DIR`: copies a version's files out, checking each sha256.
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { CancelledError, ConflictError } from '../../core/errors';
import { ModelRegistry } from '../../core/registry/modelRegistry';
import { parseModelRef } from '../../core/registry/modelRef';
import { commonOptions, onePositional, withInterrupt } from '../common/args';
import type { CliIo } from '../common/io';
import { formatSize, sanitizeCell, writeJson } from '../common/output';
import { UsageError } from '../common/usageError';
import { requireExistingWorkspace, resolveWorkspace } from '../common/workspace';
import type { Verb } from '../common/verb';

const usage = `Usage: modelport model download REF --target DIR [options]

Copies the files of a registered version into DIR (created if needed), keeping their relative paths,
and checks each against the sha256 recorded at registration. REF is NAME, NAME:latest or NAME:VERSION.

Options:
  --target DIR      where to put the files (required)
  --overwrite       replace files that already exist in DIR (otherwise nothing is written)
  --workspace DIR   the workspace (default: $MODELPORT_WORKSPACE, else ./.modelport)
  --json            print {"id", "target", "files": [absolute paths]}
  -h, --help        show this help
`;

async function run(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: { ...commonOptions, target: { type: 'string' }, overwrite: { type: 'boolean' } },
    allowPositionals: true,
    strict: true,
  });
  if (values.help) {
    io.stdout.write(usage);
    return 0;
  }
  const ref = onePositional(positionals, 'a model REF (NAME, NAME:VERSION or NAME:latest)', 'modelport model download');
  parseModelRef(ref);
  if (values.target === undefined || values.target.trim() === '') throw new UsageError("'modelport model download' needs --target DIR.");
  const target = resolve(io.cwd, values.target);
  const workspace = resolveWorkspace(values.workspace, io.env, io.cwd);
  await requireExistingWorkspace(workspace);
  const registry = new ModelRegistry(workspace.dir);
  const model = await registry.get(ref);
  const files = await withInterrupt(async (signal) => {
    try {
      return await registry.download(model.id, target, { overwrite: values.overwrite === true, signal });
    } catch (err) {
      if (signal.aborted) throw new CancelledError(`Download of ${model.id} was cancelled; files completed before that are in ${target}.`);
      throw err;
    }
  });
  if (values.json) {
    writeJson(io.stdout, { id: model.id, target, files });
  } else {
    const count = `${files.length} file${files.length === 1 ? '' : 's'}`;
    io.stdout.write(`Downloaded ${model.id} (${count}, ${formatSize(model.size)}) to ${sanitizeCell(target)}\n`);
  }
  return 0;
}

export const downloadModel: Verb = {
  name: 'download',
  summary: "copy a version's files into a folder",
  usage,
  run,
  hint: (err) => (err instanceof ConflictError ? 'Pass --overwrite to replace them, or choose another --target folder.' : undefined),
};
