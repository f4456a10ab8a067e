// The inference config's environment variables may hold secrets (API tokens, connection strings): listings show
// their names and mask their values unless --show-secrets asks for them.
import type { ServiceStatus } from '../../core/services/types';

export const masked = '***';

export function maskSecrets(status: ServiceStatus, show: boolean | undefined): ServiceStatus {
  if (show || !status.environment) return status;
  const variables = Object.fromEntries(Object.keys(status.environment.variables).map((k) => [k, masked]));
  return { ...status, environment: { ...status.environment, variables } };
}
