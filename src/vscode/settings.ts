// Reads the modelport.* settings, with the manifest's defaults when a value is missing or of the wrong type.
import * as vscode from 'vscode';
import { computeTypeOf } from '../core/config/deploymentConfig';
import type { AuthMode } from '../core/services/types';
import type { Settings } from './common/deps';

const authModes: readonly AuthMode[] = ['none', 'key', 'token'];

/** `projectDir`: the project folder whose settings apply (multi-root workspaces may set them per folder). */
export function readSettings(projectDir?: string): Settings {
  const c = vscode.workspace.getConfiguration('modelport', projectDir === undefined ? undefined : vscode.Uri.file(projectDir));
  const folder = c.get<unknown>('workspaceFolder');
  const target = c.get<unknown>('defaultTarget');
  const auth = c.get<unknown>('defaultAuthMode');
  const runArgs = c.get<unknown>('docker.runArgs');
  const registry = c.get<unknown>('kubernetes.registry');
  return {
    workspaceFolder: typeof folder === 'string' && folder.trim() !== '' ? folder : '.modelport',
    defaultTarget: (typeof target === 'string' ? computeTypeOf(target) : undefined) ?? 'local',
    defaultAuthMode: authModes.find((a) => a === auth) ?? 'none',
    dockerRunArgs: Array.isArray(runArgs) ? runArgs.filter((a): a is string => typeof a === 'string') : [],
    kubernetesRegistry: typeof registry === 'string' ? registry.trim() : '',
  };
}
