// A command line the CLI cannot act on (a missing argument, a malformed flag value): exit code 2.
import { BadRequestError } from '../../core/errors';

export class UsageError extends BadRequestError {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
