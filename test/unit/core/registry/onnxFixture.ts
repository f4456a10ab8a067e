// Builds small, real ONNX models with onnx-proto, so tests need no binary fixtures.
import { onnx } from 'onnx-proto';

type DimSpec = number | string | null;

function valueInfo(name: string, elemType: onnx.TensorProto.DataType, dims: DimSpec[] | undefined): onnx.IValueInfoProto {
  const shape = dims === undefined ? undefined : {
    dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : typeof d === 'string' ? { dimParam: d } : {})),
  };
  return { name, type: { tensorType: { elemType, ...(shape ? { shape } : {}) } } };
}

/**
 * sum = x + bias (bias an initializer that is also listed as a graph input, as older exporters do),
 * ids = Identity(tokens). Inputs the signature must report: x [batch, 3] float32, tokens [batch, null] int64.
 */
export function buildTestModel(): Uint8Array {
  const F = onnx.TensorProto.DataType.FLOAT;
  const I64 = onnx.TensorProto.DataType.INT64;
  return onnx.ModelProto.encode({
    irVersion: 8,
    producerName: 'modelport-tests',
    opsetImport: [{ domain: '', version: 13 }],
    graph: {
      name: 'add_identity',
      node: [
        { opType: 'Add', input: ['x', 'bias'], output: ['sum'], name: 'add' },
        { opType: 'Identity', input: ['tokens'], output: ['ids'], name: 'ident' },
      ],
      initializer: [{ name: 'bias', dataType: F, dims: [3], floatData: [1, 2, 3] }],
      input: [valueInfo('x', F, ['batch', 3]), valueInfo('bias', F, [3]), valueInfo('tokens', I64, ['batch', null])],
      output: [valueInfo('sum', F, ['batch', 3]), valueInfo('ids', I64, ['batch', null])],
    },
  }).finish();
}

/** A valid model whose input is a sequence: the signature cannot describe it. */
export function buildSequenceModel(): Uint8Array {
  const F = onnx.TensorProto.DataType.FLOAT;
  return onnx.ModelProto.encode({
    irVersion: 8,
    opsetImport: [{ domain: '', version: 13 }],
    graph: {
      name: 'seq',
      node: [{ opType: 'Identity', input: ['s'], output: ['o'] }],
      input: [{ name: 's', type: { sequenceType: { elemType: { tensorType: { elemType: F } } } } }],
      output: [{ name: 'o', type: { sequenceType: { elemType: { tensorType: { elemType: F } } } } }],
    },
  }).finish();
}
