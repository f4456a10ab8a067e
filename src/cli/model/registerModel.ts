// `modelport model register PATH --name NAME`: copies a model file or folder into the workspace as the
// next version of NAME.
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { RegisteredModel } from '../../core/registry/modelMeta';
import { ModelRegistry } from '../../core/registry/modelRegistry';
import { commonOptions, onePositional, parseKeyValues, withInterrupt } from '../common/args';
import type { CliIo } from '../common/io';
import { formatSignature, formatSize, sanitizeCell, writeJson } from '../common/output';
import { createProgress } from '../common/progress';
import { UsageError } from '../common/usageError';
import { resolveWorkspace } from '../common/workspace';
import type { Verb } from '../common/verb';

const usage = `Usage: modelport model register PATH --name NAME [options]

Copies PATH (a model file such as model.onnx, or a folder of files) into the workspace as the next
version of NAME (1, 2, …), recording its sha256, size and, for ONNX, its input/output signature.

Options:
  --name NAME           model name: a letter or digit, then letters, digits, '.', '_', '-' (required)
  --description TEXT    free text shown by 'model list' and 'model show'
  --tag KEY=VALUE       a tag (repeatable)
  --property KEY=VALUE  a property, such as accuracy=0.91 (repeatable)
  --workspace DIR       the workspace (default: $MODELPORT_WORKSPACE, else ./.modelport)
  --json                print the registered record as JSON
  -h, --help            show this help

Progress is shown on stderr for sources of 4 MB or more. A PATH that does not exist is a usage error
(exit code 2). Ctrl+C stops the copy and registers nothing (exit code 130).
`;

/** `fashion:2 (sha256 3f5a9c0b12de…, 415 KB, onnx: image float32 [batch,1,28,28] → logits float32 [batch,10])` */
export function describeRegistered(model: RegisteredModel): string {
  let kind: string = model.framework;
  if (model.signature) kind += `: ${formatSignature(model.signature)}`;
  else if (model.signatureProblem) kind += ' (no signature: the model uses types a signature cannot express)';
  return `${model.id} (sha256 ${model.sha256.slice(0, 12)}…, ${formatSize(model.size)}, ${sanitizeCell(kind)})`;
}

async function run(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      ...commonOptions,
      name: { type: 'string' },
      description: { type: 'string' },
      tag: { type: 'string', multiple: true },
      property: { type: 'string', multiple: true },
    },
    allowPositionals: true,
    strict: true,
  });
  if (values.help) {
    io.stdout.write(usage);
    return 0;
  }
  const path = onePositional(positionals, 'the PATH of a model file or folder', 'modelport model register');
  if (values.name === undefined) throw new UsageError("'modelport model register' needs --name NAME.");
  const tags = parseKeyValues(values.tag, 'tag');
  const properties = parseKeyValues(values.property, 'property');
  const source = resolve(io.cwd, path);
  if (!(await exists(source))) {
    throw new UsageError(`Model source ${source} does not exist. Pass the path of a model file (such as model.onnx) or of a folder holding the model's files.`);
  }
  const workspace = resolveWorkspace(values.workspace, io.env, io.cwd);
  const registry = new ModelRegistry(workspace.dir);
  const progress = createProgress(io, { title: `Registering ${values.name}` });
  let model: RegisteredModel;
  try {
    model = await withInterrupt((signal) =>
      registry.register({
        source,
        name: values.name ?? '',
        ...(values.description !== undefined ? { description: values.description } : {}),
        tags,
        properties,
        signal,
        onProgress: (p) => progress.update(p.bytesDone, p.bytesTotal, p.file),
      }),
    );
  } finally {
    progress.end();
  }
  if (values.json) writeJson(io.stdout, model);
  else io.stdout.write(`Registered ${describeRegistered(model)}\n`);
  return 0;
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return false;
    throw err;
  }
}

export const registerModel: Verb = {
  name: 'register',
  summary: 'register a model file or folder as the next version of a name',
  usage,
  run,
};
