// The staging area: `models/.staging/<pid>-<random>` folders where a version is assembled before one
// atomic rename publishes it. It lives inside the workspace so that the rename never crosses filesystems.
import { mkdir, mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { isProcessAlive } from '../fs/processAlive';

export const STAGING_DIR = '.staging';
export const STALE_STAGING_MS = 60 * 60 * 1000;

export async function createStagingDir(modelsDir: string): Promise<string> {
  const root = join(modelsDir, STAGING_DIR);
  await mkdir(root, { recursive: true });
  return mkdtemp(join(root, `${process.pid}-`));
}

/**
 * Removes staging folders left by killed processes. A folder goes only when it is older than an hour AND
 * its owner's pid is not running here: the age guards against pids from another pid namespace (a
 * container sharing the workspace), the pid guards a slow copy of a huge model that takes over an hour.
 * Best effort: a failure here must never fail the registration that triggered it.
 */
export async function removeStaleStaging(modelsDir: string, now = Date.now()): Promise<string[]> {
  const root = join(modelsDir, STAGING_DIR);
  let names: string[];
  try {
    names = await readdir(root);
  } catch {
    return [];
  }
  const removed: string[] = [];
  await Promise.all(
    names.map(async (name) => {
      const dir = join(root, name);
      try {
        const info = await stat(dir);
        if (now - info.mtimeMs < STALE_STAGING_MS) return;
        const pid = Number(name.split('-')[0]);
        if (isProcessAlive(pid)) return;
        await rm(dir, { recursive: true, force: true });
        removed.push(dir);
      } catch {
        // Another process removed it first, or it is not ours to judge: leave it.
      }
    }),
  );
  return removed;
}
