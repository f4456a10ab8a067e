// The `modelport serve` arguments and environment of a service's instance, from its record and keys, and the
// factory of the `local` target's instances (child processes of the host).
import { ModelRegistry } from '../core/registry/modelRegistry';
import { batchingEnv, limitsEnv, workersEnv } from '../core/services/runtimeEnv';
import { isPythonEntryScript } from '../core/python/preparePython';
import { pythonInstanceSettings } from './pythonInstance';
import type { ServiceRecord } from '../core/services/serviceRecord';
import type { StoredKeys } from '../core/services/serviceStore';
import { ProcessInstance, type InstanceSpec } from './processInstance';
import type { InstanceFactory } from './scoringInstance';

export async function instanceSpecFor(
  record: ServiceRecord,
  keys: StoredKeys | undefined,
  workspaceDir: string,
  runtime: { nodePath: string; cliPath: string },
  baseEnv: NodeJS.ProcessEnv,
): Promise<InstanceSpec> {
  const registry = new ModelRegistry(workspaceDir);
  const args: string[] = [];
  const python = isPythonEntryScript(record.entryScript) ? await pythonInstanceSettings(record, registry, workspaceDir) : undefined;
  for (const ref of python ? [] : record.models) {
    const model = await registry.get(ref);
    args.push('--model', `${model.name}:${model.version}=${model.path}`);
  }
  if (record.entryScript) args.push('--entry-script', record.entryScript);
  if (record.sourceDir) args.push('--source-dir', record.sourceDir);
  args.push('--timeout-ms', String(record.timeoutMs));
  if (record.corsOrigins.length > 0) args.push('--cors-origins', record.corsOrigins.join(','));

  // Credentials travel in the environment, which only the owner can read, never on the command line.
  const env: NodeJS.ProcessEnv = { ...baseEnv, ...record.environment?.variables, ...batchingEnv(record.batching), ...limitsEnv(record.limits), ...workersEnv(record), SERVICE_NAME: record.name, SERVICE_VERSION: String(record.generation), MODELPORT_AUTH_MODE: record.authMode };
  delete env.AZUREML_MODEL_DIR;
  delete env.AZUREML_ENTRY_SCRIPT;
  delete env.SERVER_PORT;
  if (record.authMode === 'key' && keys) {
    env.MODELPORT_PRIMARY_KEY = keys.primaryKey;
    env.MODELPORT_SECONDARY_KEY = keys.secondaryKey;
  }
  if (record.authMode === 'token' && keys) env.MODELPORT_TOKEN_SECRET = keys.tokenSecret;
  if (python) Object.assign(env, python.env);
  // --debug: the Node inspector on a free loopback port, which the instance prints and the host reports (a score.py
  // gets debugpy in its first worker instead, see pythonInstanceSettings).
  const nodeArgs = record.debug && !python ? ['--inspect=127.0.0.1:0'] : [];
  return { ...runtime, args, env, generation: record.generation, nodeArgs };
}

/** A child process per instance, started by the host's own Node. */
export function processInstances(runtime: { nodePath: string; cliPath: string }): InstanceFactory {
  return {
    noun: 'instance',
    readyTimeoutMs: 120_000,
    create: async (record, keys, { workspaceDir, publicUrl, log }) =>
      new ProcessInstance(await instanceSpecFor(record, keys, workspaceDir, runtime, { ...process.env, MODELPORT_PUBLIC_URL: publicUrl }), log),
  };
}
