// The Open Inference Protocol's infer request, validated once on arrival with messages that name the field.
import { z } from 'zod';
import { BadRequestError } from '../../core/errors';

const parameters = z.record(z.string(), z.unknown()).optional();

const requestInput = z.object({
  name: z.string().min(1),
  shape: z.array(z.number().int().nonnegative()),
  datatype: z.string(),
  data: z.unknown().optional(),
  parameters,
});

const requestOutput = z.object({ name: z.string().min(1), parameters });

export const inferRequestSchema = z.object({
  id: z.string().optional(),
  parameters,
  inputs: z.array(requestInput).min(1),
  outputs: z.array(requestOutput).optional(),
});

export type InferRequest = z.output<typeof inferRequestSchema>;

export function parseInferRequest(json: unknown): InferRequest {
  const parsed = inferRequestSchema.safeParse(json);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const path = issue?.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('') ?? '';
  throw new BadRequestError(`Invalid inference request at ${path ? `request${path}` : 'request'}: ${issue?.message ?? 'invalid'}`);
}
