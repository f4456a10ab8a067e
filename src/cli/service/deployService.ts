// `modelport service deploy NAME`: deploy registered models (and/or an entry script) and wait until Healthy.
import { parseArgs } from 'node:util';
import { commonOptions, onePositional } from '../common/args';
import type { CliIo } from '../common/io';
import { writeJson } from '../common/output';
import { maskSecrets } from './maskSecrets';
import type { Verb } from '../common/verb';
import { azureFlags, azureFlagsHelp, azureFromFlags, deployFlags, deployFlagsHelp, parseComputeType, portFlag, requestFromFlags } from './deployOptions';
import { formatService } from './formatService';
import { openServices } from './openServices';
import { failureOnce, progressTo } from './progressLines';

const usage = `Usage: modelport service deploy NAME --model REF [options]

Deploys registered models as a service and waits until it is Healthy (or Failed, with the reason and the
end of the service log). Progress lines go to stderr; the result to stdout.

Options:
${deployFlagsHelp}
  --target local|docker|aci|kubernetes
                              compute type (wins over the deployment config; default local). docker builds
                              modelport/NAME:GENERATION and runs it (see docs/docker.md); aci pushes that
                              image to --registry and runs it in Azure Container Instances; kubernetes (alias
                              aks) pushes it to --registry and runs it on a cluster of the kubeconfig
${azureFlagsHelp}
  --keep-failed               aci: keep the container group of a failed deploy, to inspect it
  --debug                     run under the Node inspector on a loopback port (in 'service show --json':
                              debugPort) for a debugger to attach to
  --port N                    the service's port (default: a free one; kept across updates)
  --overwrite                 replace a service of the same name (it is stopped and removed first)
  --workspace DIR             the workspace (default: $MODELPORT_WORKSPACE, else ./.modelport)
  --json                      print the service as JSON
  -h, --help                  show this help

Example:
  modelport model register samples/fashion-mnist --name fashion
  modelport service deploy fashion-svc --model fashion:1 --auth key
`;

async function run(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: { ...commonOptions, ...deployFlags, ...azureFlags, target: { type: 'string' }, port: { type: 'string' }, debug: { type: 'boolean' }, overwrite: { type: 'boolean' }, 'keep-failed': { type: 'boolean' } },
    allowPositionals: true,
    strict: true,
  });
  if (values.help) {
    io.stdout.write(usage);
    return 0;
  }
  const name = onePositional(positionals, 'a service NAME', 'modelport service deploy');
  const { manager } = openServices(values.workspace, io);
  const port = portFlag(values.port);
  const computeType = parseComputeType(values.target);
  const azure = azureFromFlags(values, io.env);
  const status = await manager
    .deploy(
      {
        name,
        models: [],
        ...requestFromFlags(values, io.cwd),
        ...(port !== undefined ? { port } : {}),
        ...(computeType ? { computeType } : {}),
        ...(values.debug ? { debug: true } : {}),
        ...(values.overwrite ? { overwrite: true } : {}),
        ...(azure ? { azure } : {}),
      },
      { onProgress: progressTo(io, values.quiet), ...(values['keep-failed'] ? { keepFailed: true } : {}) },
    )
    .catch(failureOnce(values.quiet));
  if (values.json) writeJson(io.stdout, maskSecrets(status, false));
  else io.stdout.write(formatService(status));
  return 0;
}

export const deployService: Verb = { name: 'deploy', summary: 'deploy models as a service and wait until Healthy', usage, run };
