// Modelport: Open the Sample: copies the Fashion-MNIST sample model into the project and shows it.
import { existsSync } from 'node:fs';
import { cp } from 'node:fs/promises';
import { join } from 'node:path';
import { NotFoundError } from '../../../core/errors';
import type { CommandDeps } from '../../common/deps';

export async function openSample(deps: CommandDeps): Promise<string> {
  const from = join(deps.extensionDir, 'samples', 'fashion-mnist');
  if (!existsSync(join(from, 'model.onnx'))) throw new NotFoundError(`The sample is missing from the extension (${from}). Reinstall Modelport.`);
  const to = join(deps.workspace().projectDir, 'modelport-sample', 'fashion-mnist');
  if (!existsSync(to)) await cp(from, to, { recursive: true, filter: (src) => !src.endsWith('.py') });
  const model = join(to, 'model.onnx');
  await deps.ui.revealInExplorer(model);
  void deps.ui.info('The Fashion-MNIST sample is in modelport-sample/fashion-mnist. Right-click model.onnx to register or deploy it.', 'Deploy It…').then((b) => {
    if (b === 'Deploy It…') void deps.runCommand('modelport.model.deploy', { fsPath: model }, { source: 'folder', modelName: 'fashion-mnist' });
  });
  return to;
}
