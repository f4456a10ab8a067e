// "What to do next" lines shared by the model verbs.
import { basename, dirname } from 'node:path';
import { ConfigError, ModelportError } from '../../core/errors';
import { META_FILE } from '../../core/registry/modelMeta';
import { isParseArgsError } from '../common/exitCodes';
import { WORKSPACE_ENV } from '../common/workspace';

export const LIST_HINT = "Run 'modelport model list' to see registered models.";

export function helpHint(verb: string): string {
  return `Run 'modelport model ${verb} --help' for usage.`;
}

/** The `name:version` of a version folder's meta file, from its path (…/models/<name>/<version>/model.meta.json). */
export function refOfMetaFile(file: string): string | undefined {
  if (basename(file) !== META_FILE) return undefined;
  const versionDir = dirname(file);
  return `${basename(dirname(versionDir))}:${basename(versionDir)}`;
}

export function genericModelHint(err: unknown, verb: string): string | undefined {
  if (isParseArgsError(err)) return helpHint(verb);
  if (!(err instanceof ModelportError)) return undefined;
  switch (err.kind) {
    case 'bad-request':
      return helpHint(verb);
    case 'not-found':
      return LIST_HINT;
    case 'config': {
      const file = err instanceof ConfigError ? err.file : undefined;
      const ref = file ? refOfMetaFile(file) : undefined;
      if (ref) return `Restore that file from a backup, or remove the version with 'modelport model delete ${ref} --yes'.`;
      if (err.message.startsWith('Workspace ')) return `Check --workspace or ${WORKSPACE_ENV}; register a model to create a workspace.`;
      return undefined;
    }
    default:
      return undefined;
  }
}
