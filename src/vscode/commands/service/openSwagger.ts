// Modelport: Open Swagger: the service's generated OpenAPI document in the browser.
import type { CommandDeps } from '../../common/deps';
import { serviceFor } from '../../common/serviceArg';

export async function openSwagger(deps: CommandDeps, target?: unknown): Promise<string> {
  const service = await serviceFor(deps, target, 'Open Swagger');
  await deps.ui.openExternal(service.swaggerUri);
  return service.swaggerUri;
}
