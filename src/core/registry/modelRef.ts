// Model names and references, parsed in one place so the CLI, the extension and deployment configs all
// accept exactly the same forms.
import { BadRequestError } from '../errors';

/** Azure ML's rule for model names; it also keeps names safe as folder names (no leading dot, no separators). */
export const MODEL_NAME_PATTERN = /^[a-zA-Z0-9][a-zA-Z0-9._-]{0,254}$/;
const VERSION_PATTERN = /^[1-9][0-9]{0,8}$/;

export interface ModelRef {
  name: string;
  /** A version number, or 'latest' (also what a bare name means). */
  version: number | 'latest';
}

const expectedForms = 'expected NAME, NAME:VERSION or NAME:latest, where NAME matches ' +
  `${MODEL_NAME_PATTERN.source} and VERSION is a positive integer (for example "mnist", "mnist:2", "mnist:latest")`;

export function validateModelName(name: string): string {
  if (!MODEL_NAME_PATTERN.test(name)) {
    throw new BadRequestError(`Invalid model name "${name}": a name starts with a letter or digit and has at most 255 letters, digits, '.', '_' or '-'.`);
  }
  return name;
}

export function parseModelRef(ref: string): ModelRef {
  const parts = ref.split(':');
  const name = parts[0] ?? '';
  const version = parts[1];
  if (parts.length > 2 || !MODEL_NAME_PATTERN.test(name)) throw new BadRequestError(`Bad model reference "${ref}": ${expectedForms}.`);
  if (version === undefined || version === 'latest') return { name, version: 'latest' };
  if (!VERSION_PATTERN.test(version)) throw new BadRequestError(`Bad model reference "${ref}": ${expectedForms}.`);
  return { name, version: Number(version) };
}

export function formatModelRef(name: string, version: number): string {
  return `${name}:${version}`;
}
