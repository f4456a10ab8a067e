// A directory entry that is a regular file, or a symbolic link to one: models and data kept by DVC, git-annex or a
// model cache sit in a folder as links, and count as the files they point to.
import type { Dirent } from 'node:fs';
import { stat } from 'node:fs/promises';

/** `path` is the entry's own path; a dangling link, or one to a folder, is no file. */
export async function isFileOrLinkToFile(entry: Dirent, path: string): Promise<boolean> {
  if (entry.isFile()) return true;
  if (!entry.isSymbolicLink()) return false;
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}
