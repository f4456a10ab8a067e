// Runs one Open Inference Protocol request against a served model: inputs from JSON or binary tensor data,
// checked against the model's signature, outputs as JSON or binary as the caller asks.
import { BadRequestError, ModelOutputError } from '../../core/errors';
import { bytesToTensor, tensorToBytes } from '../../core/onnx/binaryData';
import { onnxToV2, parseV2Datatype } from '../../core/onnx/datatypes';
import { checkAgainstSpec, checkSharedDims, firstNonFinite, jsonToTensor, tensorToJson, type TensorValue } from '../../core/onnx/tensorData';
import type { LoadedModel } from '../models/modelSet';
import type { InferRequest } from './inferRequest';

export interface InferResponse {
  header: {
    model_name: string;
    model_version: string;
    id: string;
    parameters?: Record<string, unknown>;
    outputs: Array<{ name: string; shape: number[]; datatype: string; data?: unknown; parameters?: Record<string, unknown> }>;
  };
  /** Raw bytes of outputs sent with the binary tensor data extension, in output order. */
  buffers: Buffer[];
}

function binaryFlag(parameters: Record<string, unknown> | undefined, key: string): boolean {
  return parameters?.[key] === true;
}

export function buildFeeds(model: LoadedModel, req: InferRequest, buffers: Buffer[]): Record<string, TensorValue> {
  const session = model.session;
  if (!session) throw new BadRequestError(`Model '${model.name}' has no ONNX graph to run; it is served through its entry script.`);
  const specs = session.signature.inputs;
  const feeds: Record<string, TensorValue> = {};
  let next = 0;
  for (const input of req.inputs) {
    const spec = specs.find((s) => s.name === input.name);
    if (!spec) throw new BadRequestError(`Unknown input '${input.name}' for model '${model.name}'. Its inputs are: ${specs.map((s) => s.name).join(', ')}.`);
    if (input.name in feeds) throw new BadRequestError(`Input '${input.name}' is given twice.`);
    const type = parseV2Datatype(input.name, input.datatype);
    if (type !== spec.type) {
      throw new BadRequestError(`Input '${input.name}' has datatype ${input.datatype}, but the model expects ${onnxToV2(spec.type)}.`);
    }
    let value: TensorValue;
    if (input.parameters?.binary_data_size !== undefined) {
      const bytes = buffers[next++];
      if (!bytes) throw new BadRequestError(`Input '${input.name}' declares binary_data_size but the body holds no bytes for it.`);
      value = bytesToTensor(input.name, bytes, type, input.shape);
    } else {
      if (input.data === undefined) throw new BadRequestError(`Input '${input.name}' has no data.`);
      value = jsonToTensor(input.name, input.data, type, input.shape);
    }
    checkAgainstSpec(value, spec);
    feeds[input.name] = value;
  }
  const missing = specs.filter((s) => !(s.name in feeds)).map((s) => s.name);
  if (missing.length > 0) throw new BadRequestError(`Model '${model.name}' needs input${missing.length > 1 ? 's' : ''} ${missing.map((m) => `'${m}'`).join(', ')}.`);
  checkSharedDims(feeds, specs);
  return feeds;
}

export function requestedOutputs(model: LoadedModel, req: InferRequest): string[] | undefined {
  if (!req.outputs) return undefined;
  const known = model.session?.signature.outputs.map((o) => o.name) ?? [];
  if (req.outputs.length === 0) throw new BadRequestError('outputs must name at least one output; leave it out to get every output.');
  const asked = new Set<string>();
  for (const o of req.outputs) {
    if (asked.has(o.name)) throw new BadRequestError(`Output '${o.name}' is requested twice.`);
    asked.add(o.name);
    if (!known.includes(o.name)) throw new BadRequestError(`Unknown output '${o.name}' for model '${model.name}'. Its outputs are: ${known.join(', ')}.`);
  }
  return req.outputs.map((o) => o.name);
}

export function buildResponse(model: LoadedModel, req: InferRequest, id: string, results: Record<string, TensorValue>, order: string[]): InferResponse {
  const allBinary = binaryFlag(req.parameters, 'binary_data_output');
  const buffers: Buffer[] = [];
  const outputs = order.map((name) => {
    const value = results[name];
    if (!value) throw new Error(`The model did not return output '${name}'.`);
    const asked = req.outputs?.find((o) => o.name === name);
    const binary = asked?.parameters?.binary_data !== undefined ? binaryFlag(asked.parameters, 'binary_data') : allBinary;
    const base = { name, shape: value.dims, datatype: onnxToV2(value.type) };
    if (!binary) {
      const bad = firstNonFinite(value);
      if (bad >= 0) {
        throw new ModelOutputError(
          `Output '${name}' holds ${String(value.data[bad])} at flat index ${bad}, which JSON cannot carry; request it as binary data (parameters.binary_data_output: true).`,
        );
      }
      return { ...base, data: tensorToJson(value, false) };
    }
    const bytes = tensorToBytes(value);
    buffers.push(bytes);
    return { ...base, parameters: { binary_data_size: bytes.length } };
  });
  return { header: { model_name: model.name, model_version: model.version, id, outputs }, buffers };
}
