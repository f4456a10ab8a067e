// Modelport: Delete Model Version: refused while a service uses it (the registry asks the services).
import { optionsOf, isNode, required } from '../../common/args';
import type { CommandDeps } from '../../common/deps';
import { pickModelVersion } from '../../common/pickers';

export interface DeleteModelArgs {
  model: string;
  /** false skips the confirmation (tests, scripts). */
  confirm: boolean;
}

export async function deleteModel(deps: CommandDeps, target?: unknown, rawArgs?: unknown): Promise<{ name: string; version: number }> {
  const args = { ...optionsOf<DeleteModelArgs>(target), ...optionsOf<DeleteModelArgs>(rawArgs) };
  const ws = deps.workspace();
  const ref =
    isNode(target) && target.kind === 'version' ? target.model.id : typeof target === 'string' ? target : (args.model ?? (await pickModelVersion(deps, 'Delete a Model Version')).id);
  if (args.confirm !== false) {
    const ok = await deps.ui.confirm(`Delete model ${ref}?`, 'Its files are removed from the Modelport workspace. Services using it must be deleted or updated first.', 'Delete');
    required(ok ? true : undefined);
  }
  const deleted = await ws.registry.delete(ref, { inUseBy: (id) => ws.services.servicesUsing(id) });
  deps.log.info(`Deleted model ${deleted.name}:${deleted.version}`);
  deps.refresh();
  return deleted;
}
