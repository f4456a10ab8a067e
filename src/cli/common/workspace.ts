// Which workspace a command works on: --workspace DIR, else MODELPORT_WORKSPACE, else <cwd>/.modelport.
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { ConfigError } from '../../core/errors';
import { UsageError } from './usageError';

export const WORKSPACE_ENV = 'MODELPORT_WORKSPACE';
export const DEFAULT_WORKSPACE = '.modelport';

export interface Workspace {
  dir: string;
  /** Where the choice came from, to name it when the folder turns out to be missing. */
  source: 'flag' | 'env' | 'default';
}

export function resolveWorkspace(flag: string | undefined, env: NodeJS.ProcessEnv, cwd: string): Workspace {
  if (flag !== undefined) {
    if (flag.trim() === '') throw new UsageError('--workspace needs a folder path.');
    return { dir: resolve(cwd, flag), source: 'flag' };
  }
  const fromEnv = env[WORKSPACE_ENV];
  if (fromEnv !== undefined && fromEnv.trim() !== '') return { dir: resolve(cwd, fromEnv), source: 'env' };
  return { dir: resolve(cwd, DEFAULT_WORKSPACE), source: 'default' };
}

/**
 * For commands that only read: a workspace named explicitly (flag or environment) that does not exist is
 * almost certainly a typo, and answering "no models" would hide it. The default folder may be missing:
 * that is simply a project with nothing registered yet.
 */
export async function requireExistingWorkspace(workspace: Workspace): Promise<void> {
  if (workspace.source === 'default') return;
  let isDir = false;
  try {
    isDir = (await stat(workspace.dir)).isDirectory();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  if (!isDir) {
    const how = workspace.source === 'flag' ? '--workspace' : WORKSPACE_ENV;
    throw new ConfigError(`Workspace ${workspace.dir} (from ${how}) does not exist or is not a folder.`, workspace.dir);
  }
}
