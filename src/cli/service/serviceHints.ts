// "What to do next" lines shared by the service verbs.
import { ModelportError } from '../../core/errors';
import { DeploymentFailedError } from '../../core/services/deploymentFailedError';
import { ServiceExistsError } from '../../core/services/serviceStore';
import { isParseArgsError } from '../common/exitCodes';

/** What to do after a failed deploy or update, naming the service. */
function deploymentFailedHint(err: DeploymentFailedError): string {
  const name = err.failure.service ?? 'NAME';
  const log = `Read the whole log with 'modelport service logs ${name}'`;
  if (err.failure.previousServing) return `${log}, fix the cause and run the update again: the previous version keeps serving meanwhile.`;
  return `${log}. Fix the cause, then deploy again with 'modelport service deploy ${name} … --overwrite', or remove it with 'modelport service delete ${name} --yes'.`;
}

export function genericServiceHint(err: unknown, verb: string): string | undefined {
  if (isParseArgsError(err)) return `Run 'modelport service ${verb} --help' for usage.`;
  if (err instanceof DeploymentFailedError) return deploymentFailedHint(err);
  if (err instanceof ServiceExistsError) {
    return `Update it in place with 'modelport service update ${err.service}', replace it with 'modelport service deploy ${err.service} … --overwrite', or remove it with 'modelport service delete ${err.service} --yes'.`;
  }
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
