// Names suggested to users: model names from file names, service names from model names.
import { basename, extname } from 'node:path';
import { MODEL_NAME_PATTERN } from '../../core/registry/modelRef';

/** Azure ML's rule for service names (as the service store enforces it). */
export const SERVICE_NAME_RULE = /^[a-z][a-z0-9-]{1,30}[a-z0-9]$/;

export function suggestModelName(file: string): string {
  const stem = basename(file, extname(file));
  // A file called model.onnx says nothing; its folder usually does (samples/fashion-mnist/model.onnx).
  const base = stem === 'model' ? basename(file.slice(0, file.length - basename(file).length - 1)) || stem : stem;
  const cleaned = base.replace(/[^a-zA-Z0-9._-]+/g, '-').replace(/^[^a-zA-Z0-9]+/, '');
  return MODEL_NAME_PATTERN.test(cleaned) ? cleaned : 'model';
}

export function validateModelNameInput(value: string): string | undefined {
  return MODEL_NAME_PATTERN.test(value) ? undefined : 'A model name starts with a letter or digit and has letters, digits, ".", "_" or "-" (at most 255).';
}

export function suggestServiceName(modelName: string, taken: readonly string[]): string {
  const base = modelName.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^[^a-z]+/, '').slice(0, 26).replace(/-+$/, '') || 'model';
  for (let i = 1; ; i++) {
    const name = i === 1 ? `${base}-svc` : `${base}-svc${i}`;
    if (!taken.includes(name)) return name;
  }
}

export function validateServiceNameInput(value: string, taken: readonly string[]): string | undefined {
  if (!SERVICE_NAME_RULE.test(value)) return 'A service name has 3 to 32 lower-case letters, digits or "-", starts with a letter and ends with a letter or digit.';
  if (taken.includes(value)) return `A service named "${value}" exists; choose another name or use Update Service.`;
  return undefined;
}
