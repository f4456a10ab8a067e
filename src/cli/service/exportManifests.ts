// `modelport service export-manifests NAME --out DIR`: the Kubernetes objects Modelport applies, as YAML.
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { exportManifests } from '../../core/services/kubernetes/exportManifests';
import { ServiceStore } from '../../core/services/serviceStore';
import { commonOptions, onePositional } from '../common/args';
import type { CliIo } from '../common/io';
import { writeJson } from '../common/output';
import { UsageError } from '../common/usageError';
import type { Verb } from '../common/verb';
import { openServices } from './openServices';

const usage = `Usage: modelport service export-manifests NAME --out DIR [options]

Writes the Kubernetes objects of a Kubernetes service — the same ones Modelport applies — as YAML, for
'kubectl apply -f' or a GitOps repository:
  DIR/NAME.yaml          the Deployment, Service and HorizontalPodAutoscaler (or the InferenceService)
  DIR/NAME.secret.yaml   the Secret with the service's keys or token secret (owner-only). Do NOT commit
                         it: DIR/.gitignore excludes it; apply it by hand or through your secret store.

Options:
  --out DIR         where to write the files (created if missing; existing files of the same names are replaced)
  --workspace DIR   the workspace (default: $MODELPORT_WORKSPACE, else ./.modelport)
  --json            print what was written as JSON
  -h, --help        show this help
`;

async function run(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, options: { ...commonOptions, out: { type: 'string' } }, allowPositionals: true, strict: true });
  if (values.help) {
    io.stdout.write(usage);
    return 0;
  }
  const name = onePositional(positionals, 'a service NAME', 'modelport service export-manifests');
  if (!values.out) throw new UsageError("'modelport service export-manifests' needs --out DIR.");
  const { workspace } = openServices(values.workspace, io);
  const store = new ServiceStore(workspace.dir);
  const record = await store.readRecord(name);
  const result = await exportManifests(record, await store.readKeys(name), resolve(io.cwd, values.out));
  if (values.json) writeJson(io.stdout, result);
  else {
    io.stdout.write(`Wrote ${result.objects.join(', ')}\n  ${result.workloadFile}\n`);
    if (result.secretFile) io.stdout.write(`  ${result.secretFile}  (credentials: do NOT commit it; .gitignore excludes it)\n`);
    io.stdout.write(`Apply with: kubectl apply -f ${result.secretFile ? `${result.secretFile} -f ` : ''}${result.workloadFile}\n`);
  }
  return 0;
}

export const exportManifestsVerb: Verb = { name: 'export-manifests', summary: "write a Kubernetes service's objects as YAML (secrets in a separate file)", usage, run };
