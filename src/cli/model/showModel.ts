// `modelport model show REF`: one version's record: sizes, hashes, signature, files, tags, properties.
import { parseArgs } from 'node:util';
import type { RegisteredModel } from '../../core/registry/modelMeta';
import { ModelRegistry } from '../../core/registry/modelRegistry';
import { parseModelRef } from '../../core/registry/modelRef';
import { commonOptions, onePositional } from '../common/args';
import type { CliIo } from '../common/io';
import { formatDate, formatKeyValues, formatSize, formatTable, formatTensor, sanitizeCell, writeJson } from '../common/output';
import { requireExistingWorkspace, resolveWorkspace } from '../common/workspace';
import type { Verb } from '../common/verb';

const usage = `Usage: modelport model show REF [options]

Shows one registered version. REF is NAME (the latest version), NAME:latest or NAME:VERSION.

Options:
  --workspace DIR   the workspace (default: $MODELPORT_WORKSPACE, else ./.modelport)
  --json            print the full record as JSON
  -h, --help        show this help
`;

export function formatModelDetails(model: RegisteredModel): string {
  const fields: Array<[string, string]> = [
    ['description', model.description ?? '-'],
    ['framework', model.framework],
    ['model file', model.modelFile ?? '-'],
    ['size', `${formatSize(model.size)} (${model.size} bytes)`],
    ['sha256', model.sha256],
    ['created', `${formatDate(model.createdTime)} (${model.createdTime})`],
    ['tags', formatKeyValues(model.tags)],
    ['properties', formatKeyValues(model.properties)],
    ['path', model.path],
  ];
  const width = Math.max(...fields.map(([k]) => k.length));
  const lines = [model.id, ...fields.map(([k, v]) => `  ${k.padEnd(width)}  ${sanitizeCell(v)}`)];
  lines.push('', 'Signature');
  if (model.signature) {
    lines.push('  inputs', ...model.signature.inputs.map((t) => `    ${sanitizeCell(formatTensor(t))}`));
    lines.push('  outputs', ...model.signature.outputs.map((t) => `    ${sanitizeCell(formatTensor(t))}`));
  } else {
    lines.push(`  ${sanitizeCell(model.signatureProblem ?? (model.framework === 'onnx' ? 'not recorded' : 'none (not an ONNX model)'))}`);
  }
  lines.push('', `Files (${model.files.length})`);
  const table = formatTable(['PATH', 'SIZE', 'SHA256'], model.files.map((f) => [f.path, formatSize(f.size), f.sha256]), ['left', 'right']);
  lines.push(...table.trimEnd().split('\n').map((l) => `  ${l}`));
  return `${lines.join('\n')}\n`;
}

async function run(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, options: commonOptions, allowPositionals: true, strict: true });
  if (values.help) {
    io.stdout.write(usage);
    return 0;
  }
  const ref = onePositional(positionals, 'a model REF (NAME, NAME:VERSION or NAME:latest)', 'modelport model show');
  parseModelRef(ref); // a malformed ref is a usage error even where no workspace exists
  const workspace = resolveWorkspace(values.workspace, io.env, io.cwd);
  await requireExistingWorkspace(workspace);
  const model = await new ModelRegistry(workspace.dir).get(ref);
  if (values.json) writeJson(io.stdout, model);
  else io.stdout.write(formatModelDetails(model));
  return 0;
}

export const showModel: Verb = {
  name: 'show',
  summary: 'show one version: signature, files, tags, properties',
  usage,
  run,
};
