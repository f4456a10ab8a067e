// A model deployed without an entry script is scored by Modelport directly, which needs an ONNX file. Anything
// else (a pickle, a joblib file, a PyTorch checkpoint, a folder without ONNX) is refused before anything starts,
// saying what would serve it.
import { BadRequestError } from '../errors';
import type { ModelRegistry } from '../registry/modelRegistry';

export async function refuseUnservableModels(registry: Pick<ModelRegistry, 'get'>, refs: readonly string[]): Promise<void> {
  const unservable: string[] = [];
  for (const ref of refs) {
    const m = await registry.get(ref);
    if (!m.modelFile) unservable.push(`${m.id} (${m.files.slice(0, 3).map((f) => f.path).join(', ')}${m.files.length > 3 ? ', …' : ''})`);
  }
  if (unservable.length === 0) return;
  throw new BadRequestError(
    `Modelport scores a model without an entry script only when it is ONNX; ${unservable.join(' and ')} ${unservable.length > 1 ? 'are' : 'is'} not. ` +
      'Deploy it with an entry script (a score.py whose init() loads it, e.g. with joblib.load(Model.get_model_path(...)); --entry-script or an inference config), ' +
      'or export it to ONNX (skl2onnx, torch.onnx, tf2onnx) and register the .onnx file.',
  );
}
