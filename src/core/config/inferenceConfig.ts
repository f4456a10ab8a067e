// inferenceconfig.json: the entry script, the folder shipped with it and its environment.
// Shape and documentation: schemas/inferenceconfig.schema.json (Azure ML CLI v1 field names).
import { isAbsolute, relative, resolve } from 'node:path';
import { entryScriptLanguage, nodeEntryExtensions } from '../entryScriptFiles';
import { throwIfIssues, type ConfigIssue } from './configIssue';
import { issueAtValue, readConfigDocument, type ConfigDocument, type ConfigSource } from './configDocument';
import { normaliseEnvironment, pythonSectionOf, type EnvironmentFileJson, type EnvironmentSpec } from './environmentFile';

/** The file as written (valid against the schema). */
export interface InferenceConfigJson {
  $schema?: string;
  entryScript: string;
  sourceDirectory?: string | null;
  runtime?: 'node' | 'python';
  environmentFile?: string;
  environment?: EnvironmentFileJson;
  description?: string | null;
  baseImage?: string | null;
  extraDockerfileSteps?: string | null;
  condaFile?: string | null;
  enableGpu?: boolean | null;
  cudaVersion?: string | null;
  baseImageRegistry?: object | null;
}

/** Ready to deploy: every path absolute, defaults applied, Azure-only fields dropped. */
export interface InferenceConfig {
  /** The folder shipped with the service; defaults to the config file's folder. */
  sourceDirectory: string;
  /** Absolute; always inside `sourceDirectory`. */
  entryScript: string;
  /** `python` for a score.py (Azure's runtime); `node` for JavaScript and TypeScript. */
  runtime: 'node' | 'python';
  /**
   * The Python runtime's environment file (a conda env.yml or a requirements.txt), absolute: `condaFile`, or the
   * environment's `python.conda_dependencies_file` (Azure's two ways of naming it).
   */
  pythonEnvironmentFile: string | undefined;
  /** The environment's `python.interpreterPath` with `userManagedDependencies: true`: an existing Python to use as it is. */
  pythonInterpreter: string | undefined;
  /** Absolute path of the environment file, when the config names one. */
  environmentFile: string | undefined;
  /**
   * The environment: written inline, or read from `environmentFile` by loadInferenceConfig.
   * parseInferenceConfig does not read files, so it leaves this undefined when only a file is named.
   */
  environment: EnvironmentSpec | undefined;
  description: string | undefined;
  baseImage: string | undefined;
  /** Absolute path of the Dockerfile fragment for container targets. */
  extraDockerfileSteps: string | undefined;
}


function isInside(folder: string, path: string): boolean {
  const rel = relative(folder, path);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
}

export function normaliseInferenceConfig(doc: ConfigDocument<InferenceConfigJson>): InferenceConfig {
  const json = doc.value;
  const issues: ConfigIssue[] = [];
  // Azure resolves the script and the other files against the source directory, not the config file.
  const sourceDirectory = resolve(doc.source.baseDir, json.sourceDirectory ?? '.');
  const entryScript = resolve(sourceDirectory, json.entryScript);
  if (!isInside(sourceDirectory, entryScript)) {
    issues.push(issueAtValue(doc, '/entryScript', `/entryScript must be inside sourceDirectory (${sourceDirectory}), since only that folder is shipped with the service`));
  }
  const language = entryScriptLanguage(entryScript);
  const isPython = language === 'python';
  const runtime = json.runtime ?? (isPython ? 'python' : 'node');
  if (runtime === 'python' && !isPython) {
    issues.push(issueAtValue(doc, '/entryScript', `/entryScript must be a Python file (.py) when /runtime is "python"`));
  } else if (runtime === 'node' && isPython) {
    issues.push(issueAtValue(doc, '/runtime', `/runtime is "node" but /entryScript is a Python file: set "runtime": "python" or remove /runtime`));
  } else if (language === undefined) {
    issues.push(issueAtValue(doc, '/entryScript', `/entryScript must be a Python file (.py) or a JavaScript or TypeScript file (${nodeEntryExtensions.join(', ')})`));
  }
  const section = pythonSectionOf(json.environment?.python);
  const condaFile = json.condaFile ?? section.condaFile;
  if (json.condaFile && section.condaFile && json.condaFile !== section.condaFile) {
    issues.push(issueAtValue(doc, '/condaFile', `/condaFile and /environment/python/conda_dependencies_file name different files: keep one of them`));
  }
  if (json.environment !== undefined && json.environmentFile !== undefined) {
    issues.push(issueAtValue(doc, '/environmentFile', '/environmentFile cannot be used together with /environment: keep one of them'));
  }
  throwIfIssues(doc.source.fileLabel, doc.source.file, issues);
  return {
    sourceDirectory,
    entryScript,
    runtime,
    pythonEnvironmentFile: runtime === 'python' && condaFile ? resolve(sourceDirectory, condaFile) : undefined,
    pythonInterpreter: runtime === 'python' ? section.interpreter : undefined,
    environmentFile: json.environmentFile === undefined ? undefined : resolve(sourceDirectory, json.environmentFile),
    environment: json.environment === undefined ? undefined : normaliseEnvironment(json.environment, 'inline'),
    description: json.description ?? undefined,
    baseImage: json.baseImage ?? undefined,
    extraDockerfileSteps: json.extraDockerfileSteps == null ? undefined : resolve(sourceDirectory, json.extraDockerfileSteps),
  };
}

export function parseInferenceSource(source: ConfigSource): InferenceConfig {
  return normaliseInferenceConfig(readConfigDocument<InferenceConfigJson>('inferenceconfig', source));
}

/** Validates inferenceconfig text that may not be on disk (an unsaved editor); relative paths start at `baseDir`. */
export function parseInferenceConfig(text: string, fileLabel: string, baseDir: string): InferenceConfig {
  return parseInferenceSource({ text, fileLabel, file: resolve(baseDir, fileLabel), baseDir });
}
