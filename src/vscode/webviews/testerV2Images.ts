// Images sent as a V2 tensor: the host preprocesses them as the server would (resize, scale, layout) and sends
// the tensor. The recipe is the service's model config when it has one, else a guess from the V2 signature.
import { v2RequestFromTensor, type V2ModelMetadata } from '../../core/client/examples';
import { RequestBuildError, type TestInput } from '../../core/client/request';
import type { PreprocessSpec } from '../../core/modelConfig';
import { inferPreprocess } from '../../core/preprocess/inferPreprocess';
import type { InputPayload, TargetOption } from '../../protocol/tester';
import type { TesterHostEnv, TesterServiceSource } from './testerHostEnv';

const v2TypeToOnnx: Record<string, 'float32' | 'uint8' | undefined> = { FP32: 'float32', UINT8: 'uint8' };

export interface V2ImageDeps {
  services: TesterServiceSource | undefined;
  env: Pick<TesterHostEnv, 'imagesToTensor'>;
  /** The target's V2 signature, when it was read (looked up after the model config, as it may arrive meanwhile). */
  metadata(): V2ModelMetadata | undefined;
}

async function preprocessFor(target: TargetOption, deps: V2ImageDeps): Promise<PreprocessSpec> {
  const fromConfig = target.kind === 'service' ? await deps.services?.preprocessSpec?.(target.label) : undefined;
  const first = deps.metadata()?.inputs[0];
  if (fromConfig) return { ...fromConfig, input: fromConfig.input ?? first?.name };
  if (!first) throw new RequestBuildError('A V2 tensor made from images needs the model signature: give the V2 model name of this target, then Refresh.');
  const type = v2TypeToOnnx[first.datatype];
  const guess = type ? inferPreprocess({ name: first.name, type, shape: first.shape }) : undefined;
  if (!guess) throw new RequestBuildError(`Input '${first.name}' (${first.datatype} ${JSON.stringify(first.shape)}) does not look like an image; send JSON instead.`);
  return guess;
}

/** What the request builder takes: the panel's input as is, or with the V2 body made from its images. */
export async function testInputOf(input: InputPayload, target: TargetOption, deps: V2ImageDeps): Promise<TestInput> {
  if (input.mode !== 'image') return input;
  if (input.encoding !== 'v2') return { mode: 'image', encoding: input.encoding, images: input.images };
  const spec = await preprocessFor(target, deps);
  const tensor = await deps.env.imagesToTensor(input.images.map((i) => Buffer.from(i.bytes)), spec);
  return { mode: 'image', encoding: 'v2', images: input.images, v2Body: v2RequestFromTensor(spec.input ?? 'input', tensor.dims, tensor.data) };
}
