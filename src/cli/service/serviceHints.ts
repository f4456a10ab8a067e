// "What to do next" lines shared by the service verbs.
import { ModelportError } from '../../core/errors';
import { DeploymentFailedError } from '../../core/services/deploymentFailedError';
import { isParseArgsError } from '../common/exitCodes';

export function genericServiceHint(err: unknown, verb: string): string | undefined {
  if (isParseArgsError(err)) return `Run 'modelport service ${verb} --help' for usage.`;
  if (err instanceof DeploymentFailedError) return "Read the whole log with 'modelport service logs NAME'; fix the cause, then 'modelport service update NAME' or delete the service.";
  if (!(err instanceof ModelportError)) return undefined;
  switch (err.kind) {
    case 'bad-request':
      return `Run 'modelport service ${verb} --help' for usage.`;
    case 'not-found':
      return /model/i.test(err.message) && !/service/i.test(err.message) ? "Run 'modelport model list' to see registered models." : "Run 'modelport service list' to see the services.";
    default:
      return undefined;
  }
}
