// Modelport: Copy Scoring URI.
import type { CommandDeps } from '../../common/deps';
import { serviceFor } from '../../common/serviceArg';

export async function copyScoringUri(deps: CommandDeps, target?: unknown): Promise<string> {
  const service = await serviceFor(deps, target, 'Copy Scoring URI');
  await deps.ui.copy(service.scoringUri);
  void deps.ui.info(`Copied ${service.scoringUri}`);
  return service.scoringUri;
}
