// What a score.py's instance on this machine needs beyond `modelport serve`'s usual arguments: its models laid out as
// Azure lays them out (azureml-models/<name>/<version>/<original name>, hard links into the registry) in an app
// root of its own generation, and the interpreter the deployment prepared.
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { azureModelDir, materializeAzureLayout, planAzureModelFiles } from '../core/python/azureModelLayout';
import type { ModelRegistry } from '../core/registry/modelRegistry';
import type { ServiceRecord } from '../core/services/serviceRecord';

export async function pythonInstanceSettings(record: ServiceRecord, registry: Pick<ModelRegistry, 'get'>, workspaceDir: string): Promise<{ env: Record<string, string> }> {
  const serviceDir = join(workspaceDir, 'services', record.name);
  const appRoot = join(serviceDir, `app-${record.generation}`);
  // Generations before the previous one have stopped: their app roots go.
  const stale = (await readdir(serviceDir).catch(() => [] as string[])).filter((n) => /^app-\d+$/.test(n) && Number(n.slice(4)) < record.generation - 1);
  await Promise.all(stale.map((n) => rm(join(serviceDir, n), { recursive: true, force: true })));
  const models = await Promise.all(record.models.map((ref) => registry.get(ref)));
  await materializeAzureLayout(appRoot, planAzureModelFiles(models));
  const env: Record<string, string> = { AML_APP_ROOT: appRoot };
  const modelDir = azureModelDir(appRoot, models);
  if (modelDir) env.AZUREML_MODEL_DIR = modelDir;
  const python = record.python?.executable ?? record.python?.interpreter;
  if (python) env.MODELPORT_PYTHON = python;
  if (record.debug) env.MODELPORT_DEBUGPY_PORT = '0';
  return { env };
}
