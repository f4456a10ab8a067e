// Modelport: Register Model: a model file (.onnx, .pkl, .joblib, .pt…) or a model folder (explorer context menu, or a
// file picker) becomes a new version.
import { existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename, dirname, relative, resolve, sep } from 'node:path';
import { modelConfigPath } from '../../../core/modelConfigFile';
import type { RegisteredModel } from '../../../core/registry/modelMeta';
import { optionsOf, pathOf, required } from '../../common/args';
import type { CommandDeps } from '../../common/deps';
import { suggestModelName, validateModelNameInput } from '../../common/names';

export interface RegisterArgs {
  name: string;
  /** Register the file alone, or its whole folder (model config, labels and all). */
  source: 'file' | 'folder';
  description: string;
  /** Registering as the first step of Deploy Model…: no "Registered" notification with its own Deploy… button. */
  quiet: boolean;
}

/** The model config the server would read if the file's folder, or the file alone, were registered. */
function modelConfigBeside(file: string): string | undefined {
  const candidates = [modelConfigPath(dirname(file), true), modelConfigPath(file, false)];
  return candidates.find((c) => existsSync(c));
}

function isInside(parent: string, child: string): boolean {
  const rel = relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !rel.startsWith(sep) && rel !== '..');
}

async function chooseSource(deps: CommandDeps, file: string, wanted: RegisterArgs['source'] | undefined): Promise<string> {
  const folder = dirname(file);
  const ws = deps.workspace();
  // The project folder itself (or one holding the Modelport workspace) is never registered whole.
  const folderAllowed = resolve(folder) !== resolve(ws.projectDir) && !isInside(folder, ws.dir);
  if (wanted === 'file' || !folderAllowed) return file;
  if (wanted === 'folder') return folder;
  const config = modelConfigBeside(file);
  if (config === undefined) return file;
  return required(
    await deps.ui.pick(
      [
        { label: `The folder ${basename(folder)}/`, description: `${basename(file)} with ${basename(config)} and the files beside it (labels…)`, value: folder },
        { label: `Only ${basename(file)}`, description: 'without its model config', value: file },
      ],
      { title: 'Register a Model: what to register', placeHolder: `${basename(config)} sits beside the model: register the folder to keep its preprocessing and labels` },
    ),
  );
}

export async function registerModel(deps: CommandDeps, target?: unknown, rawArgs?: unknown): Promise<RegisteredModel> {
  const args = { ...optionsOf<RegisterArgs>(target), ...optionsOf<RegisterArgs>(rawArgs) };
  const ws = deps.workspace();
  const file =
    pathOf(target) ??
    required(await deps.ui.pickFile({ title: 'Register a Model: choose a model file', filters: { 'Model files': ['onnx', 'pkl', 'pickle', 'joblib', 'pt', 'pth', 'h5', 'keras'], 'All files': ['*'] }, defaultPath: ws.projectDir }));
  // A folder chosen in the explorer is the model itself (registered under its own name, as Azure keeps it).
  const isFolder = (await stat(file).catch(() => undefined))?.isDirectory() === true;
  const source = isFolder ? file : await chooseSource(deps, file, args.source);
  const name =
    args.name ??
    required(await deps.ui.input({ title: 'Register a Model: name', prompt: 'Versions are numbered per name: registering the same name again adds a version.', value: suggestModelName(file), validate: validateModelNameInput }));
  const model = await deps.ui.progress(`Registering model ${name}`, (progress, signal) =>
    ws.registry.register({
      source,
      name,
      signal,
      ...(args.description !== undefined ? { description: args.description } : {}),
      onProgress: (p) => progress.report(`${p.file}: ${Math.round((100 * p.bytesDone) / Math.max(1, p.bytesTotal))} %`),
    }),
  );
  deps.log.info(`Registered ${model.id} from ${source}: ${model.files.length} file(s), ${model.size} bytes, sha256 ${model.sha256}`);
  deps.refresh();
  if (!args.quiet) {
    void deps.ui.info(`Registered model ${model.id}.`, 'Deploy…').then((button) => {
      if (button === 'Deploy…') void deps.runCommand('modelport.model.deploy', model.id);
    });
  }
  return model;
}
