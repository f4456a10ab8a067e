// Prefills for the tester's editors: the JSON example a service documents in its swagger, and a V2 request
// shaped by the model's signature (`GET /v2/models/{m}`).
import { z } from 'zod';

export const v2TensorMetadataSchema = z.object({ name: z.string(), datatype: z.string(), shape: z.array(z.number()) });
export const v2ModelMetadataSchema = z.object({
  name: z.string(),
  versions: z.array(z.string()).optional(),
  platform: z.string().optional(),
  inputs: z.array(v2TensorMetadataSchema),
  outputs: z.array(v2TensorMetadataSchema),
});
export type V2ModelMetadata = z.infer<typeof v2ModelMetadataSchema>;

/** The example of the scoring input, from a swagger 2 or OpenAPI 3 document; undefined when it has none. */
export function swaggerInputExample(doc: unknown): unknown {
  const d = doc as {
    definitions?: { ServiceInput?: { example?: unknown } };
    components?: { schemas?: { ServiceInput?: { example?: unknown } } };
  } | null;
  return d?.definitions?.ServiceInput?.example ?? d?.components?.schemas?.ServiceInput?.example;
}

/** JSON with arrays of scalars kept on one line, so that a tensor stays readable in an editor. */
export function formatJson(value: unknown, indent = ''): string {
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    if (value.every((v) => v === null || typeof v !== 'object')) return `[${value.map((v) => JSON.stringify(v)).join(', ')}]`;
    return `[\n${value.map((v) => inner + formatJson(v, inner)).join(',\n')}\n${indent}]`;
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    if (entries.length === 0) return '{}';
    return `{\n${entries.map(([k, v]) => `${inner}${JSON.stringify(k)}: ${formatJson(v, inner)}`).join(',\n')}\n${indent}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

const maxExampleElements = 1 << 20;

/** A V2 request with every input filled with zeros (dynamic dimensions become 1). */
export function v2ExampleRequest(metadata: V2ModelMetadata): { inputs: Array<{ name: string; shape: number[]; datatype: string; data: unknown[] }> } {
  return {
    inputs: metadata.inputs.map((input) => {
      const shape = input.shape.map((d) => (d < 0 ? 1 : d));
      const count = Math.min(shape.reduce((a, b) => a * b, 1), maxExampleElements);
      const zero = input.datatype === 'BOOL' ? false : input.datatype === 'BYTES' ? '' : 0;
      return { name: input.name, shape, datatype: input.datatype, data: new Array<unknown>(count).fill(zero) };
    }),
  };
}

/** V2 datatype names of the typed arrays a preprocessor produces. */
export function v2RequestFromTensor(inputName: string, dims: number[], data: Float32Array | Uint8Array): string {
  const datatype = data instanceof Float32Array ? 'FP32' : 'UINT8';
  return JSON.stringify({ inputs: [{ name: inputName, shape: dims, datatype, data: Array.from(data) }] });
}

/** The shape of a nested array (following first elements). */
export function nestedShape(value: unknown): number[] {
  const dims: number[] = [];
  let v = value;
  while (Array.isArray(v)) {
    dims.push(v.length);
    v = v[0];
  }
  return dims;
}

function nestedZeros(shape: number[], zero: unknown): unknown {
  const [first, ...rest] = shape;
  if (first === undefined) return zero;
  return Array.from({ length: first }, () => nestedZeros(rest, zero));
}

/**
 * The JSON request to prefill: the swagger example, unless it is a `{"data": tensor}` cut short for the document
 * (servers keep swagger small) while the model's signature says the full shape; then a zero tensor of that shape.
 */
export function scorableJsonExample(swaggerExample: unknown, metadata: V2ModelMetadata | undefined): unknown {
  const input = metadata?.inputs.length === 1 ? metadata.inputs[0] : undefined;
  const data = (swaggerExample as { data?: unknown } | undefined)?.data;
  if (!input || !Array.isArray(data) || Object.keys(swaggerExample as object).length !== 1) return swaggerExample;
  const full = input.shape.map((d) => (d < 0 ? 1 : d));
  const count = full.reduce((a, b) => a * b, 1);
  const got = nestedShape(data);
  if (got.length !== full.length || got.every((d, i) => d === full[i]) || count > maxExampleElements) return swaggerExample;
  const zero = input.datatype === 'BOOL' ? false : input.datatype === 'BYTES' ? '' : 0;
  return { data: nestedZeros(full, zero) };
}
