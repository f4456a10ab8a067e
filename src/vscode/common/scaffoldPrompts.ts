// Prompts the scaffold commands share: the folder the files go into and the model a script is written for.
import { stat } from 'node:fs/promises';
import { basename, isAbsolute, resolve } from 'node:path';
import type { ScaffoldModel } from '../../core/scaffold/scaffoldRequest';
import { pathOf, required } from './args';
import type { CommandDeps } from './deps';

/** The explorer folder the command was invoked on, the folder given, or a choice. */
export async function targetFolder(deps: CommandDeps, target: unknown, folder: string | undefined, title: string): Promise<string> {
  const projectDir = deps.workspace().projectDir;
  if (folder !== undefined) return isAbsolute(folder) ? folder : resolve(projectDir, folder);
  const fromMenu = pathOf(target);
  if (fromMenu !== undefined) {
    const info = await stat(fromMenu).catch(() => undefined);
    if (info?.isDirectory()) return fromMenu;
  }
  const choice = required(
    await deps.ui.pick<'project' | 'other'>(
      [
        { label: `$(root-folder) ${basename(projectDir)}`, description: 'the project folder', value: 'project' },
        { label: '$(folder-opened) Choose a folder…', value: 'other' },
      ],
      { title, placeHolder: 'Where should the file go?' },
    ),
  );
  if (choice === 'project') return projectDir;
  return required(await deps.ui.pickFile({ title, folders: true, defaultPath: projectDir }));
}

/** A registered model version (its signature shapes the script), or none for an untyped script. */
export async function scaffoldModel(deps: CommandDeps, ref: string | undefined | null, title: string): Promise<ScaffoldModel | undefined> {
  const registry = deps.workspace().registry;
  if (ref === null) return undefined;
  if (ref !== undefined) {
    const m = await registry.get(ref);
    return { name: m.name, version: m.version, ...(m.signature ? { signature: m.signature } : {}) };
  }
  const { models } = await registry.list();
  // Items carry { model }, so "No model yet" (null) differs from a dismissed pick (undefined).
  const items = models
    .sort((a, b) => a.name.localeCompare(b.name) || b.version - a.version)
    .map((m) => ({ label: m.id, description: m.signature ? m.signature.inputs.map((i) => i.name).join(', ') : 'no signature', value: { model: m as typeof m | null } }));
  items.push({ label: 'No model yet', description: 'an untyped script to fill in', value: { model: null } });
  const picked = required(await deps.ui.pick(items, { title, placeHolder: 'Which model will the script serve? Its signature shapes the samples.' })).model;
  if (picked === null) return undefined;
  return { name: picked.name, version: picked.version, ...(picked.signature ? { signature: picked.signature } : {}) };
}
