// JSON Schemas inferred from example values (inference-schema's idea): one example documents the API in
// swagger and validates requests, without the user writing a schema.

export interface JsonSchema {
  type?: 'object' | 'array' | 'number' | 'integer' | 'string' | 'boolean' | 'null';
  items?: JsonSchema;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  format?: string;
  example?: unknown;
}

/** Numbers are typed `number` even when the example is whole: a sample of 1 must not reject 1.5. */
export function schemaFromSample(sample: unknown): JsonSchema {
  if (sample === null || sample === undefined) return {};
  if (Array.isArray(sample)) return { type: 'array', items: sample.length > 0 ? schemaFromSample(sample[0]) : {} };
  switch (typeof sample) {
    case 'number':
      return { type: 'number', format: 'double' };
    case 'string':
      return { type: 'string' };
    case 'boolean':
      return { type: 'boolean' };
    case 'object': {
      const entries = Object.entries(sample as Record<string, unknown>);
      return {
        type: 'object',
        properties: Object.fromEntries(entries.map(([k, v]) => [k, schemaFromSample(v)])),
        required: entries.map(([k]) => k),
      };
    }
    default:
      return {};
  }
}

/** The schema with `example` set at the top, for swagger documents. */
export function documentedSchema(sample: unknown): JsonSchema {
  return { ...schemaFromSample(sample), example: sample };
}
