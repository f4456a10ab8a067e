// Which project folder a command acts on in a multi-root workspace: the tree node's folder, the folder of the
// file it was invoked on, the active editor's, the folder of the tree's selection, the only folder holding a
// Modelport workspace, else the first. No `vscode` import: the composition root passes in what it sees.
import { isAbsolute, relative } from 'node:path';
import { isNode, pathOf } from './args';

export interface FolderHints {
  /** The command's arguments (a tree node, an Explorer Uri, a Uri list…). */
  args: readonly unknown[];
  /** The active editor's file, if any. */
  activeFile?: string;
  /** The folder of the node selected in the Modelport tree, if any. */
  selectedFolder?: string;
}

/** The folder that contains the path (the innermost one, when folders nest). */
export function folderOf(folders: readonly string[], path: string): string | undefined {
  const inside = folders.filter((f) => {
    const rel = relative(f, path);
    return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
  });
  return inside.sort((a, b) => b.length - a.length)[0];
}

function argPath(arg: unknown): string | undefined {
  if (Array.isArray(arg)) return argPath(arg[0]);
  return isNode(arg) ? undefined : pathOf(arg);
}

/** undefined only when no folder is open. `hasWorkspace` says whether a folder already holds a Modelport workspace. */
export function chooseFolder(folders: readonly string[], hints: FolderHints, hasWorkspace: (folder: string) => boolean): string | undefined {
  if (folders.length <= 1) return folders[0];
  for (const arg of hints.args) {
    if (isNode(arg) && arg.projectDir !== undefined && folders.includes(arg.projectDir)) return arg.projectDir;
    const path = argPath(arg);
    const folder = path !== undefined && isAbsolute(path) ? folderOf(folders, path) : undefined;
    if (folder !== undefined) return folder;
  }
  const active = hints.activeFile !== undefined ? folderOf(folders, hints.activeFile) : undefined;
  if (active !== undefined) return active;
  if (hints.selectedFolder !== undefined && folders.includes(hints.selectedFolder)) return hints.selectedFolder;
  return folders.find(hasWorkspace) ?? folders[0];
}
