// `modelport model delete NAME:VERSION`: removes one version, refused while a service uses it.
import { parseArgs } from 'node:util';
import { ConflictError } from '../../core/errors';
import { ModelRegistry } from '../../core/registry/modelRegistry';
import { parseModelRef } from '../../core/registry/modelRef';
import { commonOptions, onePositional } from '../common/args';
import type { CliIo } from '../common/io';
import { confirmOrThrow } from '../common/confirm';
import { writeJson } from '../common/output';
import { ServiceStore, servicesUsing } from '../../core/services/serviceStore';
import { requireExistingWorkspace, resolveWorkspace } from '../common/workspace';
import type { Verb } from '../common/verb';

type ServicesUsing = (modelRef: string) => Promise<string[]>;

const servicesUsingFromRecords = (workspaceDir: string): ServicesUsing => (ref) => servicesUsing(new ServiceStore(workspaceDir), ref);

const usage = `Usage: modelport model delete NAME:VERSION [options]

Deletes one registered version. REF must name the version: NAME:VERSION or NAME:latest (a bare NAME
is refused as too easy to mistype). A version used by a service is never deleted: the command names
the services, and exits 1.

Options:
  --yes             delete without asking (required when stdin or stderr is not a terminal)
  --workspace DIR   the workspace (default: $MODELPORT_WORKSPACE, else ./.modelport)
  --json            print {"deleted": "NAME:VERSION"}
  -h, --help        show this help
`;

async function run(argv: string[], io: CliIo, servicesUsingFor: (workspaceDir: string) => ServicesUsing): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, options: { ...commonOptions, yes: { type: 'boolean', short: 'y' } }, allowPositionals: true, strict: true });
  if (values.help) {
    io.stdout.write(usage);
    return 0;
  }
  const ref = onePositional(positionals, 'a model REF (NAME:VERSION or NAME:latest)', 'modelport model delete');
  parseModelRef(ref);
  const workspace = resolveWorkspace(values.workspace, io.env, io.cwd);
  await requireExistingWorkspace(workspace);
  const registry = new ModelRegistry(workspace.dir);
  const usersOf = servicesUsingFor(workspace.dir);
  const deleted = await registry.delete(ref, {
    // The registry calls this after resolving the ref and right before removing the version. Confirming
    // here means the question names the exact version (name:latest → name:3), and nobody is asked about
    // a delete that would then be refused because a service uses it.
    inUseBy: async (id) => {
      const users = await usersOf(id);
      if (users.length > 0 || values.yes) return users;
      await confirmOrThrow(io, `Delete model ${id}? This cannot be undone.`, `Deleting ${id}`);
      return [];
    },
  });
  const id = `${deleted.name}:${deleted.version}`;
  if (values.json) writeJson(io.stdout, { deleted: id });
  else io.stdout.write(`Deleted ${id}\n`);
  return 0;
}

/** `servicesUsingFor` answers which services use a `name:version`; the default reads the service records. */
export function makeDeleteModel(servicesUsingFor: (workspaceDir: string) => ServicesUsing = servicesUsingFromRecords): Verb {
  return {
    name: 'delete',
    summary: 'delete one version (refused while a service uses it)',
    usage,
    run: (argv, io) => run(argv, io, servicesUsingFor),
    hint: (err) =>
      err instanceof ConflictError ? "Run 'modelport service list' to see the services; delete them or update them to another version first." : undefined,
  };
}

export const deleteModel = makeDeleteModel();
