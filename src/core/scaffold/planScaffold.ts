// Turns a ScaffoldRequest into the files to write. Nothing here touches the disk: the caller shows, checks
// for clashes and writes, so the plan itself can be snapshot-tested and validated against the schemas.
import { basename, extname, join } from 'node:path';
import { BadRequestError } from '../errors';
import type { DeploymentConfigJson } from '../config/deploymentConfig';
import type { EnvironmentFileJson } from '../config/environmentFile';
import type { InferenceConfigJson } from '../config/inferenceConfig';
import { entryScriptText } from './entryScripts';
import { condaEnvironmentText, pythonOnnxScript, pythonPickleScript } from './pythonEntryScripts';
import type { PlannedFile, ScaffoldKind, ScaffoldRequest } from './scaffoldRequest';
import { entryScriptLanguage } from '../entryScriptFiles';

export const defaultFileNames: Record<ScaffoldKind, string> = {
  'entry-script-ts': 'score.ts',
  'entry-script-js': 'score.js',
  'entry-script-raw-image': 'score.ts',
  'entry-script-py': 'score.py',
  environment: 'environment.json',
  'conda-environment': 'env.yml',
  'inference-config': 'inferenceconfig.json',
  'deployment-config': 'deploymentconfig.json',
};

function json(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

function environmentJson(request: ScaffoldRequest, fileName: string): EnvironmentFileJson {
  const name = request.environmentName ?? basename(fileName, extname(fileName));
  return {
    name,
    description: 'What the entry script needs around it: the Node.js range and npm packages it imports.',
    node: '>=20',
    dependencies: {},
    variables: {},
  };
}

function inferenceJson(request: ScaffoldRequest): InferenceConfigJson {
  const entryScript = request.entryScript ?? defaultFileNames['entry-script-ts'];
  if (/\.py$/i.test(entryScript)) {
    // Azure's shape for a score.py: its conda env.yml (or requirements.txt) is the condaFile.
    return {
      entryScript,
      sourceDirectory: '.',
      runtime: 'python',
      ...(request.environmentFile !== undefined ? { condaFile: request.environmentFile } : {}),
      description: request.model ? `Serves model ${request.model.name}` : 'Serves a model through score.py',
    };
  }
  return {
    entryScript,
    sourceDirectory: '.',
    runtime: 'node',
    ...(request.environmentFile !== undefined ? { environmentFile: request.environmentFile } : {}),
    description: request.model ? `Serves model ${request.model.name}` : 'Serves a model through an entry script',
  };
}

function deploymentJson(request: ScaffoldRequest): DeploymentConfigJson {
  const computeType = request.computeType ?? 'local';
  const auth = request.authMode ?? 'none';
  const config: DeploymentConfigJson = {
    computeType,
    description: request.model ? `${request.model.name} on ${computeType}` : `A ${computeType} service`,
    authEnabled: auth === 'key',
    tokenAuthEnabled: auth === 'token',
    scoringTimeoutMs: 60_000,
    corsOrigins: [],
  };
  if ((computeType === 'local' || computeType === 'docker') && request.port !== undefined) config.port = request.port;
  if (computeType !== 'local') config.containerResourceRequirements = { cpu: 0.5, memoryInGB: 1 };
  if (computeType === 'docker' && request.dockerRunArgs !== undefined && request.dockerRunArgs.length > 0) config.docker = { runArgs: [...request.dockerRunArgs] };
  return config;
}

export function planScaffold(request: ScaffoldRequest): PlannedFile[] {
  const fileName = request.fileName ?? defaultFileNames[request.kind];
  if (fileName.includes('/') || fileName.includes('\\') || fileName === '' || fileName.startsWith('.')) {
    throw new BadRequestError(`"${fileName}" is not a plain file name; choose the folder separately.`);
  }
  const path = join(request.targetDir, fileName);
  switch (request.kind) {
    case 'entry-script-ts':
    case 'entry-script-js':
    case 'entry-script-raw-image': {
      const ext = extname(fileName).toLowerCase();
      const wantTs = request.kind !== 'entry-script-js';
      // The JavaScript scaffold is CommonJS, which an .mjs file would not be.
      if (wantTs ? entryScriptLanguage(fileName) !== 'typescript' : !['.js', '.cjs'].includes(ext)) {
        throw new BadRequestError(`${fileName}: a ${wantTs ? 'TypeScript entry script ends in .ts' : 'JavaScript entry script ends in .js or .cjs'}.`);
      }
      return [{ path, content: entryScriptText(request.kind, request.model, fileName) }];
    }
    case 'entry-script-py': {
      if (extname(fileName).toLowerCase() !== '.py') throw new BadRequestError(`${fileName}: a Python entry script ends in .py.`);
      return [{ path, content: request.model?.signature ? pythonOnnxScript(request.model) : pythonPickleScript(request.model) }];
    }
    case 'environment':
      return [{ path, content: json(environmentJson(request, fileName)) }];
    case 'conda-environment': {
      if (!['.yml', '.yaml'].includes(extname(fileName).toLowerCase())) throw new BadRequestError(`${fileName}: a conda environment file ends in .yml or .yaml.`);
      return [{ path, content: condaEnvironmentText(request.environmentName ?? basename(fileName, extname(fileName)), request.model?.signature !== undefined) }];
    }
    case 'inference-config':
      return [{ path, content: json(inferenceJson(request)) }];
    case 'deployment-config':
      return [{ path, content: json(deploymentJson(request)) }];
  }
}
