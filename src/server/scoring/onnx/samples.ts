// Example request and response bodies for a model served without an entry script, derived from its
// signature, for swagger documents and the endpoint tester.
import type { PostprocessSpec } from '../../../core/modelConfig';
import type { ModelSignature, TensorSpec } from '../../../core/onnx/signature';

function exampleValue(type: TensorSpec['type']): unknown {
  if (type === 'string') return 'text';
  if (type === 'bool') return false;
  return type.startsWith('float') ? 0.0 : 0;
}

/** Examples up to this many values are complete (and can be posted as they are); larger ones are cut. */
const fullExampleLimit = 4096;

/**
 * A nested array for one row, dynamic dims set to 1. Complete when it is small enough to post as it is
 * (a 28×28 image is 784 values); a 3×224×224 input is cut to keep swagger documents small.
 */
function exampleTensor(spec: TensorSpec): unknown {
  const dims = spec.shape.map((d) => (typeof d === 'number' && d > 0 ? d : 1));
  const complete = dims.reduce((a, b) => a * b, 1) <= fullExampleLimit;
  const build = (level: number): unknown => {
    const size = dims[level] ?? 1;
    if (level === dims.length - 1) return new Array(complete ? size : Math.min(size, 16)).fill(exampleValue(spec.type));
    return Array.from({ length: complete ? size : Math.min(size, 4) }, () => build(level + 1));
  };
  return dims.length === 0 ? exampleValue(spec.type) : build(0);
}

export function sampleRequest(input: TensorSpec, signature: ModelSignature): unknown {
  if (signature.inputs.length > 1) return { inputs: Object.fromEntries(signature.inputs.map((i) => [i.name, exampleTensor(i)])) };
  return { data: exampleTensor(input) };
}

export function sampleResponse(signature: ModelSignature, postprocess: PostprocessSpec | undefined, labels: string[] | undefined): unknown {
  if (postprocess) {
    const k = postprocess.topK;
    const preds = Array.from({ length: k }, (_, i) => ({ label: labels?.[i] ?? String(i), index: i, probability: i === 0 ? 0.9 : 0.1 / (k - 1 || 1) }));
    return { predictions: [preds] };
  }
  return Object.fromEntries(signature.outputs.map((o) => [o.name, exampleTensor(o)]));
}
