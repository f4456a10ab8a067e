// Modelport: Refresh.
import type { CommandDeps } from '../../common/deps';

export async function refresh(deps: CommandDeps): Promise<void> {
  deps.refresh();
}
