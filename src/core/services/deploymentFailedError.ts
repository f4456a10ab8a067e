import { ModelportError } from '../errors';

/** A service that did not become Healthy: the reason, and the end of its log, which usually says why. */
export class DeploymentFailedError extends ModelportError {
  readonly logTail: string[];
  constructor(message: string, logTail: string[]) {
    super('unavailable', logTail.length > 0 ? `${message}\n--- last lines of the service log ---\n${logTail.join('\n')}` : message);
    this.name = 'DeploymentFailedError';
    this.logTail = logTail;
  }
}
