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

/** Azure's environment `python` section, in the SDK's snake_case or the JSON's camelCase. */
interface AzurePythonSection {
  conda_dependencies_file?: unknown;
  condaDependenciesFile?: unknown;
  interpreter_path?: unknown;
  interpreterPath?: unknown;
  user_managed_dependencies?: unknown;
  userManagedDependencies?: unknown;
}

export function pythonSectionOf(python: unknown): { condaFile: string | undefined; interpreter: string | undefined } {
  if (typeof python !== 'object' || python === null) return { condaFile: undefined, interpreter: undefined };
  const p = python as AzurePythonSection;
  const condaFile = p.conda_dependencies_file ?? p.condaDependenciesFile;
  const interpreter = p.interpreter_path ?? p.interpreterPath;
  const userManaged = p.user_managed_dependencies ?? p.userManagedDependencies;
  return {
    condaFile: typeof condaFile === 'string' && condaFile !== '' ? condaFile : undefined,
    interpreter: userManaged === true && typeof interpreter === 'string' && interpreter !== '' ? interpreter : undefined,
  };
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
  /** Azure's python section, as far as a score.py uses it (conda file and user-managed interpreter, as written). */
  python: { condaFile: string | undefined; interpreter: string | undefined };
}

export function normaliseEnvironment(json: EnvironmentFileJson, defaultName: string): EnvironmentSpec {
  return {
    name: json.name ?? defaultName,
    version: json.version,
    description: json.description,
    node: json.node,
    dependencies: { ...json.dependencies },
    variables: { ...json.environmentVariables, ...json.variables },
    python: pythonSectionOf(json.python),
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
