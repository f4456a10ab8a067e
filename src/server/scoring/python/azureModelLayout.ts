// Models as Azure ML lays them out inside a service, for `modelport serve --model NAME=PATH` with a Python entry
// script: AML_APP_ROOT/azureml-models/<name>/<version>/<the file or folder under its own name>, made of symbolic
// links in a temporary folder. AZUREML_MODEL_DIR is the version folder for one model and azureml-models for
// several, as in Azure. (Deployed services get the same layout from the service host or the image.)
import { mkdir, mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { ResolvedModelSource } from '../../models/modelSources';

export interface AzureModelLayout {
  appRoot: string;
  modelDir: string | undefined;
  remove(): Promise<void>;
}

export async function linkAzureModelLayout(models: readonly ResolvedModelSource[]): Promise<AzureModelLayout> {
  const appRoot = await mkdtemp(join(tmpdir(), 'modelport-app-'));
  try {
    for (const m of models) {
      const versionDir = join(appRoot, 'azureml-models', m.name, m.version);
      await mkdir(versionDir, { recursive: true });
      await symlink(m.path, join(versionDir, basename(m.path)));
    }
  } catch (err) {
    await rm(appRoot, { recursive: true, force: true });
    throw err;
  }
  const only = models.length === 1 ? models[0] : undefined;
  const modelDir = models.length === 0 ? undefined : only ? join(appRoot, 'azureml-models', only.name, only.version) : join(appRoot, 'azureml-models');
  return { appRoot, modelDir, remove: () => rm(appRoot, { recursive: true, force: true }) };
}
