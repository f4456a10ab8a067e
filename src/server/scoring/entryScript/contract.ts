// The entry-script contract, checked once at start so a wrong combination fails the deployment with a
// precise message instead of failing every request.
import { ConfigError } from '../../../core/errors';

export interface EntryScript {
  file: string;
  init: ((context: unknown) => unknown) | undefined;
  run: (input: unknown, context: unknown) => unknown;
  /** Named parameters of a schema-typed run(), each with an example value (inference-schema's samples). */
  inputSample: Record<string, unknown> | undefined;
  outputSample: unknown;
  /** run() receives the HTTP request itself (Azure's @rawhttp). */
  raw: boolean;
}

const knownExports = new Set(['init', 'run', 'inputSample', 'outputSample', 'raw', 'default', '__esModule', 'module.exports']);

export function checkEntryScript(file: string, exports: Record<string, unknown>): EntryScript {
  const fail = (message: string): never => {
    throw new ConfigError(`Entry script ${file}: ${message}`, file);
  };
  const { init, run, inputSample, outputSample, raw } = exports;
  if (typeof run !== 'function') {
    const near = Object.keys(exports).filter((k) => !knownExports.has(k));
    fail(`it must export a run(input, context) function${near.length > 0 ? ` (it exports: ${near.join(', ')})` : ''}.`);
  }
  if (init !== undefined && typeof init !== 'function') fail('init must be a function when it is exported.');
  if (raw !== undefined && typeof raw !== 'boolean') fail('raw must be true or false.');
  if (inputSample !== undefined && (typeof inputSample !== 'object' || inputSample === null || Array.isArray(inputSample))) {
    fail('inputSample must be an object whose keys are the parameters run() receives, such as {"data": [[5.1, 3.5, 1.4, 0.2]]}.');
  }
  if (inputSample !== undefined && Object.keys(inputSample as object).length === 0) fail('inputSample must name at least one parameter.');
  if (raw === true && inputSample !== undefined) {
    fail('raw = true and inputSample cannot be combined: a raw run() receives the HTTP request itself, so it has no input schema. Remove one of them.');
  }
  if (raw === true && outputSample !== undefined) {
    fail('raw = true and outputSample cannot be combined: a raw run() shapes its own response. Remove one of them.');
  }
  return {
    file,
    init: init as EntryScript['init'],
    run: run as EntryScript['run'],
    inputSample: inputSample as Record<string, unknown> | undefined,
    outputSample,
    raw: raw === true,
  };
}
