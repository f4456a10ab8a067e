// Modelport: Regenerate Service Key: primary or secondary; callers using the old key get 401 from then on.
import { BadRequestError } from '../../../core/errors';
import type { KeyName } from '../../../core/services/types';
import { optionsOf, required } from '../../common/args';
import type { CommandDeps } from '../../common/deps';
import { storeKeys } from '../../common/credentials';
import { serviceFor } from '../../common/serviceArg';

export async function regenerateKey(deps: CommandDeps, target?: unknown, rawArgs?: unknown): Promise<void> {
  const args = { ...optionsOf<{ key: KeyName }>(target), ...optionsOf<{ key: KeyName }>(rawArgs) };
  const service = await serviceFor(deps, target, 'Regenerate Service Key');
  if (service.authMode !== 'key') throw new BadRequestError(`Service ${service.name} does not use keys (auth: ${service.authMode}).`);
  const which =
    args.key ??
    required(
      await deps.ui.pick<KeyName>(
        [
          { label: 'primary', description: 'callers using the primary key must switch to the new one', value: 'primary' },
          { label: 'secondary', description: 'rotate the key callers are not using', value: 'secondary' },
        ],
        { title: `Regenerate a key of ${service.name}` },
      ),
    );
  const keys = await deps.workspace().services.regenerateKey(service.name, which);
  await storeKeys(deps, service.name, keys);
  deps.log.info(`Regenerated the ${which} key of ${service.name}`);
  void deps.ui.info(`Regenerated the ${which} key of ${service.name}.`, 'Copy Key').then((b) => {
    if (b === 'Copy Key') void deps.ui.copy(which === 'primary' ? keys.primaryKey : keys.secondaryKey);
  });
}
