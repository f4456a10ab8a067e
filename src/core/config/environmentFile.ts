// The environment file: what an entry script needs around it (Node.js range, npm packages, variables).
// Shape and documentation: schemas/environment.schema.json.
import { basename, extname, resolve } from 'node:path';
import { readConfigDocument, type ConfigSource } from './configDocument';

/** The file as written (valid against the schema). */
export interface EnvironmentFileJson {
  $schema?: string;
  name?: string;
  version?: string;
  description?: string;
  node?: string;
  dependencies?: Record<string, string>;
  variables?: Record<string, string>;
  environmentVariables?: Record<string, string>;
  // Azure-only sections are accepted and ignored, so they are not typed further.
  python?: unknown;
  docker?: unknown;
  spark?: unknown;
  r?: unknown;
  databricks?: unknown;
  inferencingStackVersion?: unknown;
}

/** The environment ready to use: name settled, Azure's `environmentVariables` merged into `variables`. */
export interface EnvironmentSpec {
  name: string;
  version: string | undefined;
  description: string | undefined;
  /** A semver range for the Node.js that runs the service; undefined means any. */
  node: string | undefined;
  dependencies: Record<string, string>;
  variables: Record<string, string>;
}

export function normaliseEnvironment(json: EnvironmentFileJson, defaultName: string): EnvironmentSpec {
  return {
    name: json.name ?? defaultName,
    version: json.version,
    description: json.description,
    node: json.node,
    dependencies: { ...json.dependencies },
    variables: { ...json.environmentVariables, ...json.variables },
  };
}

/** "envs/fashion.env.json" → "fashion.env": the file's name is the environment's name unless it gives one. */
export function environmentNameFromFile(fileLabel: string): string {
  const base = basename(fileLabel);
  return base.slice(0, base.length - extname(base).length) || base;
}

export function parseEnvironmentSource(source: ConfigSource): EnvironmentSpec {
  const doc = readConfigDocument<EnvironmentFileJson>('environment', source);
  return normaliseEnvironment(doc.value, environmentNameFromFile(source.fileLabel));
}

/** Validates environment-file text that may not be on disk (an unsaved editor); `baseDir` is the folder it belongs in. */
export function parseEnvironmentFile(text: string, fileLabel: string, baseDir: string): EnvironmentSpec {
  return parseEnvironmentSource({ text, fileLabel, file: resolve(baseDir, fileLabel), baseDir });
}
