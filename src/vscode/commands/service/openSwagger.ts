// Modelport: Open Swagger: the service's interactive API page (GET /docs: Swagger UI on its OpenAPI document,
// served by the service itself) in the browser; "Authorize" there takes the key (Copy Key puts it in the clipboard).
import type { CommandDeps } from '../../common/deps';
import { serviceFor } from '../../common/serviceArg';

/** The API page beside a service's swagger.json: `…/swagger.json` → `…/docs`. */
export function docsUri(swaggerUri: string): string {
  return swaggerUri.replace(/\/swagger\.json(\?.*)?$/, '/docs');
}

export async function openSwagger(deps: CommandDeps, target?: unknown): Promise<string> {
  const service = await serviceFor(deps, target, 'Open Swagger');
  const docs = docsUri(service.swaggerUri);
  await deps.ui.openExternal(docs);
  return docs;
}
