// Modelport: Regenerate Service Key: primary or secondary; callers using the old key get 401 from then on.
import { BadRequestError, CancelledError } from '../../../core/errors';
import type { KeyName } from '../../../core/services/types';
import { optionsOf, required } from '../../common/args';
import type { CommandDeps } from '../../common/deps';
import { storeKeys } from '../../common/credentials';
import { serviceFor } from '../../common/serviceArg';
import { confirmRestart, unavailableLine } from './updateService';

export async function regenerateKey(deps: CommandDeps, target?: unknown, rawArgs?: unknown): Promise<void> {
  const args = { ...optionsOf<{ key: KeyName; confirm: boolean }>(target), ...optionsOf<{ key: KeyName; confirm: boolean }>(rawArgs) };
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
  if (!(await confirmRestart(deps, service, `Regenerating the ${which} key`, args.confirm))) throw new CancelledError('Key regeneration cancelled.');
  const lines: string[] = [];
  const keys = await deps.ui.progress(`Regenerating the ${which} key of ${service.name}`, (progress, signal) =>
    deps.workspace().services.regenerateKey(service.name, which, {
      signal,
      onProgress: (line) => {
        lines.push(line);
        deps.log.info(`[${service.name}] ${line}`);
        progress.report(line);
      },
    }),
  );
  const downtime = unavailableLine(lines);
  if (downtime) deps.log.info(`[${service.name}] ${downtime}`);
  await storeKeys(deps, service.name, keys);
  deps.log.info(`Regenerated the ${which} key of ${service.name}`);
  void deps.ui.info(`Regenerated the ${which} key of ${service.name}.`, 'Copy Key').then((b) => {
    if (b === 'Copy Key') void deps.ui.copy(which === 'primary' ? keys.primaryKey : keys.secondaryKey);
  });
}
