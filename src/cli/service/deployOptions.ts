// The flags deploy and update share, turned into a DeployRequest's fields.
import { maxWorkers } from '../../core/services/runtimeEnv';
import { resolve } from 'node:path';
import { entryScriptExtensionList } from '../../core/entryScriptFiles';
import type { AuthMode, ComputeType, DeployRequest } from '../../core/services/types';
import { UsageError } from '../common/usageError';

export const deployFlags = {
  model: { type: 'string', multiple: true },
  'inference-config': { type: 'string' },
  'deployment-config': { type: 'string' },
  'entry-script': { type: 'string' },
  'source-dir': { type: 'string' },
  auth: { type: 'string' },
  'cors-origins': { type: 'string' },
  'timeout-ms': { type: 'string' },
  environment: { type: 'string' },
  python: { type: 'string' },
  workers: { type: 'string' },
  quiet: { type: 'boolean', short: 'q' },
} as const;

export const deployFlagsHelp = `  --model REF                 a registered model: NAME, NAME:VERSION or NAME:latest (repeatable)
  --inference-config FILE     inferenceconfig.json: entry script, source directory, environment
  --deployment-config FILE    deploymentconfig.json: compute type, port, auth, CORS, timeout
  --entry-script FILE         a ${entryScriptExtensionList()} file (wins over the inference config)
  --source-dir DIR            the entry script's folder (wins over the inference config)
  --auth none|key|token       authentication (wins over the deployment config)
  --cors-origins LIST         comma-separated origins, or *
  --timeout-ms N              scoring timeout
  --environment FILE          a score.py's conda env.yml or requirements.txt (wins over condaFile): an
                              isolated environment, created once per content and reused
  --python PATH               the Python for a score.py without an environment file, or the base of its
                              venv (default: $MODELPORT_PYTHON, else python3 on PATH)
  --workers N                 processes that score (default 1): server processes sharing the port,
                              or a score.py's Python workers (WORKER_COUNT)
  -q, --quiet                 no progress lines on stderr`;

interface DeployFlagValues {
  model?: string[];
  'inference-config'?: string;
  'deployment-config'?: string;
  'entry-script'?: string;
  'source-dir'?: string;
  auth?: string;
  'cors-origins'?: string;
  'timeout-ms'?: string;
  environment?: string;
  python?: string;
  workers?: string;
}

const authModes: readonly AuthMode[] = ['none', 'key', 'token'];
const computeTypes: readonly ComputeType[] = ['local', 'docker', 'aci', 'aks'];

export function parseComputeType(value: string | undefined): ComputeType | undefined {
  if (value === undefined) return undefined;
  const t = value.toLowerCase() as ComputeType;
  if (!computeTypes.includes(t)) throw new UsageError(`--target must be one of ${computeTypes.join(', ')}, got '${value}'.`);
  return t;
}

function positiveInt(value: string, flag: string): number {
  if (!/^\d+$/.test(value) || Number(value) <= 0) throw new UsageError(`${flag} must be a positive whole number, got '${value}'.`);
  return Number(value);
}

/** Only the fields a flag was given for, so an update changes nothing else. */
export function requestFromFlags(values: DeployFlagValues, cwd: string): Partial<Omit<DeployRequest, 'name'>> {
  const req: Partial<Omit<DeployRequest, 'name'>> = {};
  if (values.model) req.models = values.model;
  if (values['inference-config']) req.inferenceConfigPath = resolve(cwd, values['inference-config']);
  if (values['deployment-config']) req.deploymentConfigPath = resolve(cwd, values['deployment-config']);
  if (values['entry-script']) req.entryScript = resolve(cwd, values['entry-script']);
  if (values['source-dir']) req.sourceDir = resolve(cwd, values['source-dir']);
  if (values.auth !== undefined) {
    if (!authModes.includes(values.auth as AuthMode)) throw new UsageError(`--auth must be none, key or token, got '${values.auth}'.`);
    req.authMode = values.auth as AuthMode;
  }
  if (values['cors-origins'] !== undefined) req.corsOrigins = values['cors-origins'].split(',').map((s) => s.trim()).filter(Boolean);
  if (values['timeout-ms'] !== undefined) req.timeoutMs = positiveInt(values['timeout-ms'], '--timeout-ms');
  if (values.environment !== undefined) req.environmentFile = resolve(cwd, values.environment);
  if (values.python !== undefined) req.python = values.python.includes('/') ? resolve(cwd, values.python) : values.python;
  if (values.workers !== undefined) {
    req.workers = positiveInt(values.workers, '--workers');
    if (req.workers > maxWorkers) throw new UsageError(`--workers must be a whole number from 1 to ${maxWorkers}, got '${values.workers}'.`);
  }
  return req;
}

export function portFlag(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) > 65535) throw new UsageError(`--port must be a port number from 0 to 65535, got '${value}'.`);
  return Number(value);
}
