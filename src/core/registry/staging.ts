// The staging area: `models/.staging/<pid>-<random>` folders where a version is assembled before one
// atomic rename publishes it. It lives inside the workspace so that the rename never crosses filesystems.
import { readlinkSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { isProcessAlive } from '../fs/processAlive';

export const STAGING_DIR = '.staging';
export const STALE_STAGING_MS = 60 * 60 * 1000;

/**
 * This process's pid namespace (the inode of /proc/self/ns/pid), or undefined where there is none to read. A
 * staging folder carries it beside the pid, so a later process in the same namespace knows the pid is one it
 * can check, and a process in another namespace (a container sharing the workspace) knows it cannot.
 */
function pidNamespace(): string | undefined {
  try {
    return /\[(\d+)\]/.exec(readlinkSync('/proc/self/ns/pid'))?.[1];
  } catch {
    return undefined;
  }
}

const ownNamespace = pidNamespace();

export async function createStagingDir(modelsDir: string): Promise<string> {
  const root = join(modelsDir, STAGING_DIR);
  await mkdir(root, { recursive: true });
  return mkdtemp(join(root, ownNamespace ? `${process.pid}-ns${ownNamespace}-` : `${process.pid}-`));
}

/**
 * Removes staging folders left by killed processes. A folder made in this pid namespace goes as soon as its
 * owner's pid is not running. Any other (another namespace: a container sharing the workspace; or a folder of an
 * older Modelport, without the namespace in its name) goes only when it is older than an hour AND its pid is not
 * running here: the age guards against pids we cannot check, the pid guards a slow copy of a huge model.
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
        const [pidText, ns] = name.split('-');
        const pid = Number(pidText);
        if (isProcessAlive(pid)) return;
        const checkable = ownNamespace !== undefined && ns === `ns${ownNamespace}`;
        if (!checkable && now - (await stat(dir)).mtimeMs < STALE_STAGING_MS) return;
        await rm(dir, { recursive: true, force: true });
        removed.push(dir);
      } catch {
        // Another process removed it first, or it is not ours to judge: leave it.
      }
    }),
  );
  return removed;
}
