// Modelport: Copy Service Key: the primary key, to the clipboard only (cached in SecretStorage).
import { BadRequestError } from '../../../core/errors';
import type { CommandDeps } from '../../common/deps';
import { serviceKeys } from '../../common/credentials';
import { serviceFor } from '../../common/serviceArg';

export async function copyKey(deps: CommandDeps, target?: unknown): Promise<void> {
  const service = await serviceFor(deps, target, 'Copy Service Key');
  if (service.authMode !== 'key') throw new BadRequestError(`Service ${service.name} uses ${service.authMode === 'token' ? 'tokens (Get Token)' : 'no authentication'}, not keys.`);
  const keys = await serviceKeys(deps, service.name);
  await deps.ui.copy(keys.primaryKey);
  void deps.ui.info(`Copied the primary key of ${service.name}. Send it as "Authorization: Bearer <key>".`);
}
