// Builds tiny, real ONNX models with onnx-proto and writes them to a temp folder, so HTTP tests can serve
// any element type without binary fixtures in the repository.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onnx } from 'onnx-proto';
import type { OnnxElementType } from '../../src/core/onnx/signature';

/** A dimension: a fixed size, a symbolic name ("batch"), or null for an unnamed dynamic dimension. */
export type DimSpec = number | string | null;

const elemTypes: Record<OnnxElementType, onnx.TensorProto.DataType> = {
  float32: onnx.TensorProto.DataType.FLOAT,
  float64: onnx.TensorProto.DataType.DOUBLE,
  float16: onnx.TensorProto.DataType.FLOAT16,
  int8: onnx.TensorProto.DataType.INT8,
  int16: onnx.TensorProto.DataType.INT16,
  int32: onnx.TensorProto.DataType.INT32,
  int64: onnx.TensorProto.DataType.INT64,
  uint8: onnx.TensorProto.DataType.UINT8,
  uint16: onnx.TensorProto.DataType.UINT16,
  uint32: onnx.TensorProto.DataType.UINT32,
  uint64: onnx.TensorProto.DataType.UINT64,
  bool: onnx.TensorProto.DataType.BOOL,
  string: onnx.TensorProto.DataType.STRING,
};

export function valueInfo(name: string, type: OnnxElementType, dims: readonly DimSpec[]): onnx.IValueInfoProto {
  const dim = dims.map((d) => (typeof d === 'number' ? { dimValue: d } : typeof d === 'string' ? { dimParam: d } : {}));
  return { name, type: { tensorType: { elemType: elemTypes[type], shape: { dim } } } };
}

/** A ModelProto at opset 13 around `graph`, encoded. */
export function encodeModel(graph: onnx.IGraphProto): Uint8Array {
  return onnx.ModelProto.encode({ irVersion: 8, producerName: 'modelport-tests', opsetImport: [{ domain: '', version: 13 }], graph }).finish();
}

export interface IdentityModelOptions {
  input?: string;
  output?: string;
  /** Default: a symbolic batch dimension and a fixed 3, `['batch', 3]`. */
  shape?: readonly DimSpec[];
}

/** `output = Identity(input)` for one element type (opset 13, where Identity takes every tensor type). */
export function buildIdentityModel(type: OnnxElementType, options: IdentityModelOptions = {}): Uint8Array {
  const input = options.input ?? 'x';
  const output = options.output ?? 'y';
  const shape = options.shape ?? ['batch', 3];
  return encodeModel({
    name: `identity_${type}`,
    node: [{ opType: 'Identity', input: [input], output: [output], name: 'identity' }],
    input: [valueInfo(input, type, shape)],
    output: [valueInfo(output, type, shape)],
  });
}

/**
 * Two float32 inputs and two outputs, all `['batch', 3]`: `sum = a + b`, `difference = a - b`. For tests of
 * missing inputs, output filters and several tensors in one binary body.
 */
export function buildPairModel(): Uint8Array {
  const shape: DimSpec[] = ['batch', 3];
  return encodeModel({
    name: 'pair',
    node: [
      { opType: 'Add', input: ['a', 'b'], output: ['sum'], name: 'add' },
      { opType: 'Sub', input: ['a', 'b'], output: ['difference'], name: 'sub' },
    ],
    input: [valueInfo('a', 'float32', shape), valueInfo('b', 'float32', shape)],
    output: [valueInfo('sum', 'float32', shape), valueInfo('difference', 'float32', shape)],
  });
}

/**
 * sum = x + bias (bias an initializer that is also listed as a graph input, as older exporters do),
 * ids = Identity(tokens). Inputs the signature must report: x [batch, 3] float32, tokens [batch, null] int64.
 */
export function buildTestModel(): Uint8Array {
  return encodeModel({
    name: 'add_identity',
    node: [
      { opType: 'Add', input: ['x', 'bias'], output: ['sum'], name: 'add' },
      { opType: 'Identity', input: ['tokens'], output: ['ids'], name: 'ident' },
    ],
    initializer: [{ name: 'bias', dataType: onnx.TensorProto.DataType.FLOAT, dims: [3], floatData: [1, 2, 3] }],
    input: [valueInfo('x', 'float32', ['batch', 3]), valueInfo('bias', 'float32', [3]), valueInfo('tokens', 'int64', ['batch', null])],
    output: [valueInfo('sum', 'float32', ['batch', 3]), valueInfo('ids', 'int64', ['batch', null])],
  });
}

/** A valid model whose input is a sequence: a signature cannot describe it. */
export function buildSequenceModel(): Uint8Array {
  const sequence = { sequenceType: { elemType: { tensorType: { elemType: onnx.TensorProto.DataType.FLOAT } } } };
  return encodeModel({
    name: 'seq',
    node: [{ opType: 'Identity', input: ['s'], output: ['o'] }],
    input: [{ name: 's', type: sequence }],
    output: [{ name: 'o', type: sequence }],
  });
}

/** A temp folder for model files; `remove()` deletes it and everything in it. */
export interface ModelDir {
  dir: string;
  /** Writes `bytes` as `<dir>/<fileName>` and returns the path. */
  write(fileName: string, bytes: Uint8Array): Promise<string>;
  remove(): Promise<void>;
}

export async function createModelDir(prefix = 'modelport-models-'): Promise<ModelDir> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  return {
    dir,
    async write(fileName, bytes) {
      const file = join(dir, fileName);
      await writeFile(file, bytes);
      return file;
    },
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}
