// Modelport: Get Service Token: a token that expires, to the clipboard (cached in SecretStorage until then).
import { BadRequestError } from '../../../core/errors';
import type { CommandDeps } from '../../common/deps';
import { serviceToken } from '../../common/credentials';
import { serviceFor } from '../../common/serviceArg';

export async function getToken(deps: CommandDeps, target?: unknown): Promise<{ expiryOn: string }> {
  const service = await serviceFor(deps, target, 'Get Service Token');
  if (service.authMode !== 'token') throw new BadRequestError(`Service ${service.name} does not use tokens (auth: ${service.authMode}).`);
  const token = await serviceToken(deps, service.name);
  await deps.ui.copy(token.accessToken);
  void deps.ui.info(`Copied a token for ${service.name}, valid until ${token.expiryOn}.`);
  return { expiryOn: token.expiryOn };
}
