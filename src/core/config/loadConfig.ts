// Reads the three config files from disk. On top of the in-memory parse* functions, these check that the
// files a config names exist, so a typo in a path is reported at its line instead of midway through a deployment.
import { readFile, stat } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { ConfigError, errorMessage } from '../errors';
import { throwIfIssues, type ConfigIssue } from './configIssue';
import { issueAtValue, readConfigDocument, type ConfigDocument, type ConfigSource } from './configDocument';
import { normaliseDeploymentConfig, type DeploymentConfig, type DeploymentConfigJson } from './deploymentConfig';
import { parseEnvironmentSource, type EnvironmentSpec } from './environmentFile';
import { normaliseInferenceConfig, type InferenceConfig, type InferenceConfigJson } from './inferenceConfig';

/** `fileLabel` is how messages name the file: the path as the caller gave it. */
async function readSource(path: string, fileLabel: string, what: string): Promise<ConfigSource> {
  const file = resolve(path);
  try {
    const text = await readFile(file, 'utf8');
    // Editors on Windows may save a byte-order mark, which is not JSON.
    return { text: text.replace(/^\uFEFF/, ''), fileLabel, file, baseDir: dirname(file) };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new ConfigError(`${what} ${fileLabel} does not exist (looked for ${file}).`, file);
    if (code === 'EISDIR') throw new ConfigError(`${what} ${fileLabel} is a folder; give the path of the JSON file.`, file);
    throw new ConfigError(`Cannot read ${what.toLowerCase()} ${fileLabel}: ${errorMessage(err)}`, file, undefined, { cause: err });
  }
}

async function kindOf(path: string): Promise<'file' | 'directory' | 'missing'> {
  try {
    return (await stat(path)).isDirectory() ? 'directory' : 'file';
  } catch {
    return 'missing';
  }
}

async function expectFile(doc: ConfigDocument<unknown>, pointer: string, path: string | undefined, issues: ConfigIssue[]): Promise<void> {
  if (path === undefined) return;
  const kind = await kindOf(path);
  if (kind === 'missing') issues.push(issueAtValue(doc, pointer, `${pointer}: file not found: ${path}`));
  else if (kind === 'directory') issues.push(issueAtValue(doc, pointer, `${pointer} names a folder, not a file: ${path}`));
}

/** How messages name a file the config refers to: in the same style (relative or absolute) as the config's own label. */
function labelFor(source: ConfigSource, path: string): string {
  return join(dirname(source.fileLabel), relative(source.baseDir, path));
}

export async function loadEnvironmentFile(path: string): Promise<EnvironmentSpec> {
  return parseEnvironmentSource(await readSource(path, path, 'Environment file'));
}

export async function loadInferenceConfig(path: string): Promise<InferenceConfig> {
  const source = await readSource(path, path, 'Inference config');
  const doc = readConfigDocument<InferenceConfigJson>('inferenceconfig', source);
  const config = normaliseInferenceConfig(doc);
  const issues: ConfigIssue[] = [];
  if ((await kindOf(config.sourceDirectory)) !== 'directory') {
    issues.push(issueAtValue(doc, '/sourceDirectory', `/sourceDirectory: folder not found: ${config.sourceDirectory}`));
  } else {
    await expectFile(doc, '/entryScript', config.entryScript, issues);
    await expectFile(doc, '/environmentFile', config.environmentFile, issues);
    await expectFile(doc, '/extraDockerfileSteps', config.extraDockerfileSteps, issues);
    await expectFile(doc, doc.value.condaFile ? '/condaFile' : '/environment/python/conda_dependencies_file', config.pythonEnvironmentFile, issues);
  }
  throwIfIssues(source.fileLabel, source.file, issues);
  if (config.environmentFile === undefined) return config;
  const envLabel = labelFor(source, config.environmentFile);
  const environment = parseEnvironmentSource(await readSource(config.environmentFile, envLabel, 'Environment file'));
  // An environment file's Azure python section names the score.py's conda file and interpreter too.
  if (config.runtime === 'python') {
    const condaFile = config.pythonEnvironmentFile ?? (environment.python.condaFile ? resolve(config.sourceDirectory, environment.python.condaFile) : undefined);
    if (condaFile && (await kindOf(condaFile)) !== 'file') throw new ConfigError(`${envLabel}: python.conda_dependencies_file: file not found: ${condaFile}`, config.environmentFile);
    return { ...config, environment, pythonEnvironmentFile: condaFile, pythonInterpreter: config.pythonInterpreter ?? environment.python.interpreter };
  }
  return { ...config, environment };
}

export async function loadDeploymentConfig(path: string): Promise<DeploymentConfig> {
  const source = await readSource(path, path, 'Deployment config');
  const doc = readConfigDocument<DeploymentConfigJson>('deploymentconfig', source);
  const config = normaliseDeploymentConfig(doc);
  const issues: ConfigIssue[] = [];
  if (config.sslEnabled) {
    await expectFile(doc, '/sslCertificate', config.sslCertificate, issues);
    await expectFile(doc, '/sslKey', config.sslKey, issues);
  }
  throwIfIssues(source.fileLabel, source.file, issues);
  return config;
}
