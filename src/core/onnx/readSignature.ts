// Reads a model's inputs and outputs straight from the ONNX protobuf, without an onnxruntime session:
// registration must stay cheap, and a session would load every weight and compile the graph.
import { readFileSync } from 'node:fs';
import { Reader } from 'protobufjs/minimal';
import { onnx } from 'onnx-proto';
import { BadRequestError } from '../errors';
import type { Dim, ModelSignature, OnnxElementType, TensorSpec } from './signature';

/** The model is valid ONNX but uses a type the signature cannot express (sequence, map, bfloat16, …). */
export class UnsupportedSignatureError extends BadRequestError {
  constructor(message: string) {
    super(message);
    this.name = 'UnsupportedSignatureError';
  }
}

const elementTypes: Partial<Record<number, OnnxElementType>> = {
  [onnx.TensorProto.DataType.FLOAT]: 'float32',
  [onnx.TensorProto.DataType.DOUBLE]: 'float64',
  [onnx.TensorProto.DataType.FLOAT16]: 'float16',
  [onnx.TensorProto.DataType.INT8]: 'int8',
  [onnx.TensorProto.DataType.INT16]: 'int16',
  [onnx.TensorProto.DataType.INT32]: 'int32',
  [onnx.TensorProto.DataType.INT64]: 'int64',
  [onnx.TensorProto.DataType.UINT8]: 'uint8',
  [onnx.TensorProto.DataType.UINT16]: 'uint16',
  [onnx.TensorProto.DataType.UINT32]: 'uint32',
  [onnx.TensorProto.DataType.UINT64]: 'uint64',
  [onnx.TensorProto.DataType.BOOL]: 'bool',
  [onnx.TensorProto.DataType.STRING]: 'string',
};

// Field numbers from onnx.proto. We walk ModelProto and GraphProto by hand so that nodes and initializers
// (the weights: most of the file) are skipped rather than decoded; only initializer names are read.
const MODEL_GRAPH = 7;
const GRAPH_INITIALIZER = 5;
const GRAPH_INPUT = 11;
const GRAPH_OUTPUT = 12;
const GRAPH_SPARSE_INITIALIZER = 15;
const TENSOR_NAME = 8;
const SPARSE_VALUES = 1;
const WIRE_LENGTH_DELIMITED = 2;

/**
 * The signature of an ONNX model: graph inputs that are not initializers, and graph outputs.
 * Pass the file's bytes or its path; `label` names the model in error messages (default: the path). Throws BadRequestError when the bytes are not an ONNX model and
 * UnsupportedSignatureError when an input or output is not a tensor of a supported element type.
 */
export function readSignature(source: Uint8Array | string, label = typeof source === 'string' ? source : 'the model'): ModelSignature {
  const bytes = typeof source === 'string' ? readFileSync(source) : source;
  let graph: { inputs: onnx.ValueInfoProto[]; outputs: onnx.ValueInfoProto[]; initializers: Set<string> };
  try {
    graph = { inputs: [], outputs: [], initializers: new Set() };
    let sawGraph = false;
    // A message field may legally appear more than once; protobuf merges them, which for our repeated
    // fields means concatenating, so visiting every occurrence in order gives the same answer.
    forEachField(bytes, (field, reader, wire) => {
      if (field !== MODEL_GRAPH || wire !== WIRE_LENGTH_DELIMITED) return false;
      sawGraph = true;
      readGraph(reader.bytes(), graph);
      return true;
    });
    if (!sawGraph) throw new Error('it has no graph');
  } catch (err) {
    if (err instanceof BadRequestError) throw err;
    throw new BadRequestError(
      `${label} is not a valid ONNX model (${err instanceof Error ? err.message : String(err)}). ` +
        'Check that the file is the exported .onnx itself (not a Git LFS pointer or a truncated download).',
      { cause: err },
    );
  }
  return {
    inputs: graph.inputs.filter((v) => !graph.initializers.has(v.name)).map((v) => toTensorSpec(v, label)),
    outputs: graph.outputs.map((v) => toTensorSpec(v, label)),
  };
}

/** Calls `visit` for each field; when it returns false the field is skipped. */
function forEachField(bytes: Uint8Array, visit: (field: number, reader: Reader, wire: number) => boolean): void {
  const reader = Reader.create(bytes);
  while (reader.pos < reader.len) {
    const tag = reader.uint32();
    const field = tag >>> 3;
    const wire = tag & 7;
    if (field === 0) throw new Error(`invalid field tag at byte ${reader.pos}`);
    if (!visit(field, reader, wire)) reader.skipType(wire);
  }
}

function readGraph(bytes: Uint8Array, into: { inputs: onnx.ValueInfoProto[]; outputs: onnx.ValueInfoProto[]; initializers: Set<string> }): void {
  forEachField(bytes, (field, reader, wire) => {
    if (wire !== WIRE_LENGTH_DELIMITED) return false;
    switch (field) {
      case GRAPH_INPUT:
        into.inputs.push(onnx.ValueInfoProto.decode(reader.bytes()));
        return true;
      case GRAPH_OUTPUT:
        into.outputs.push(onnx.ValueInfoProto.decode(reader.bytes()));
        return true;
      case GRAPH_INITIALIZER:
        addTensorName(reader.bytes(), into.initializers);
        return true;
      case GRAPH_SPARSE_INITIALIZER:
        forEachField(reader.bytes(), (f, r, w) => {
          if (f !== SPARSE_VALUES || w !== WIRE_LENGTH_DELIMITED) return false;
          addTensorName(r.bytes(), into.initializers);
          return true;
        });
        return true;
      default:
        return false;
    }
  });
}

function addTensorName(tensorBytes: Uint8Array, names: Set<string>): void {
  forEachField(tensorBytes, (field, reader, wire) => {
    if (field !== TENSOR_NAME || wire !== WIRE_LENGTH_DELIMITED) return false;
    names.add(reader.string());
    return true;
  });
}

function toTensorSpec(value: onnx.ValueInfoProto, label: string): TensorSpec {
  const tensor = value.type?.tensorType;
  if (!tensor) {
    const kinds = ['sequenceType', 'mapType', 'optionalType', 'sparseTensorType'] as const;
    const kind = kinds.find((k) => value.type?.[k]) ?? 'untyped';
    throw new UnsupportedSignatureError(`${label}: "${value.name}" is a ${kind} value; only tensor inputs and outputs can be described.`);
  }
  const type = elementTypes[tensor.elemType ?? 0];
  if (!type) {
    const typeName = onnx.TensorProto.DataType[tensor.elemType ?? 0] ?? `element type ${tensor.elemType}`;
    throw new UnsupportedSignatureError(`${label}: "${value.name}" has element type ${typeName}, which onnxruntime-node cannot feed or return.`);
  }
  // A missing shape means "rank unknown"; onnxruntime reports that as [] too, so we match it.
  const shape: Dim[] = (tensor.shape?.dim ?? []).map(toDim);
  return { name: value.name, type, shape };
}

function toDim(dim: onnx.TensorShapeProto.IDimension): Dim {
  const v = dim.dimValue;
  if (v !== null && v !== undefined) return typeof v === 'number' ? v : v.toNumber();
  return dim.dimParam ? dim.dimParam : null;
}
