// Checks a schema-typed request against the entry script's input sample: every parameter present, each
// value shaped like its sample. Messages say which parameter and where inside it.
import Ajv, { type ValidateFunction } from 'ajv';
import { BadRequestError } from '../../../core/errors';
import { schemaFromSample } from '../../swagger/sampleSchema';

export class ParameterValidator {
  private readonly validators: Array<[string, ValidateFunction]>;

  constructor(inputSample: Record<string, unknown>) {
    const ajv = new Ajv({ allErrors: false, strict: false });
    this.validators = Object.entries(inputSample).map(([name, sample]) => [name, ajv.compile(schemaFromSample(sample))]);
  }

  get names(): string[] {
    return this.validators.map(([n]) => n);
  }

  /** The named arguments for run(), or a 400 naming what is wrong. */
  check(body: Record<string, unknown>): Record<string, unknown> {
    const args: Record<string, unknown> = {};
    for (const key of Object.keys(body)) {
      if (!this.validators.some(([n]) => n === key)) {
        throw new BadRequestError(`Unexpected parameter '${key}'. run() takes: ${this.names.join(', ')}.`);
      }
    }
    for (const [name, validate] of this.validators) {
      if (!(name in body)) throw new BadRequestError(`A value is not provided for the '${name}' parameter.`);
      const value = body[name];
      if (!validate(value)) {
        const e = validate.errors?.[0];
        const where = e?.instancePath ? ` at ${e.instancePath}` : '';
        throw new BadRequestError(`Parameter '${name}' does not match its sample${where}: ${e?.message ?? 'invalid value'}.`);
      }
      args[name] = value;
    }
    return args;
  }
}
