// Where a workspace's service credentials live: outside the workspace, which the docs invite users to commit, in a
// per-user folder only its owner can read: $MODELPORT_STATE_DIR, else $XDG_STATE_HOME/modelport, else
// ~/.local/state/modelport, then one folder per workspace (a hash of its absolute path).
import { createHash } from 'node:crypto';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

export function stateRoot(env: NodeJS.ProcessEnv = process.env): string {
  if (env.MODELPORT_STATE_DIR) return resolve(env.MODELPORT_STATE_DIR);
  if (env.XDG_STATE_HOME) return join(resolve(env.XDG_STATE_HOME), 'modelport');
  return join(homedir(), '.local', 'state', 'modelport');
}

/** The folder of one workspace's secrets. */
export function secretsDirOf(workspaceDir: string, env: NodeJS.ProcessEnv = process.env): string {
  const id = createHash('sha256').update(resolve(workspaceDir)).digest('hex').slice(0, 16);
  return join(stateRoot(env), 'workspaces', id);
}
