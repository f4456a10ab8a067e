// The shape of a model as callers see it: what the registry records at registration, what the server
// reports on /v2/models/{m} and what scaffolding derives samples from.

/** ONNX tensor element types, named as onnxruntime-node names them. */
export type OnnxElementType =
  | 'float32' | 'float64' | 'float16'
  | 'int8' | 'int16' | 'int32' | 'int64'
  | 'uint8' | 'uint16' | 'uint32' | 'uint64'
  | 'bool' | 'string';

/** A dimension is a fixed size, or a symbolic name ("batch", "N"), or null when the model leaves it unnamed. */
export type Dim = number | string | null;

export interface TensorSpec {
  name: string;
  type: OnnxElementType;
  shape: Dim[];
}

export interface ModelSignature {
  inputs: TensorSpec[];
  outputs: TensorSpec[];
}

export function isDynamic(dim: Dim): boolean {
  return typeof dim !== 'number' || dim < 0;
}
