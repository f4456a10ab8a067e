import { ModelportError } from '../errors';

export interface DeploymentFailure {
  /** The service it happened to, so advice can name it. */
  service?: string;
  /** An update that failed while the previous version kept serving (nothing to repair, only to retry). */
  previousServing?: boolean;
}

/** A service that did not become Healthy: the reason, and the end of its log, which usually says why. */
export class DeploymentFailedError extends ModelportError {
  readonly logTail: string[];
  /** The message without the log tail (for callers that already streamed the log). */
  readonly reason: string;
  readonly failure: DeploymentFailure;
  constructor(message: string, logTail: string[], failure: DeploymentFailure = {}) {
    super('unavailable', logTail.length > 0 ? `${message}\n--- last lines of the service log ---\n${logTail.join('\n')}` : message);
    this.name = 'DeploymentFailedError';
    this.logTail = logTail;
    this.reason = message;
    this.failure = failure;
  }

  /** The same failure without the log tail: what to print when the log went by as progress already. */
  withoutLogTail(): DeploymentFailedError {
    return new DeploymentFailedError(this.reason, [], this.failure);
  }
}
