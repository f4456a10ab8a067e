// model.meta.json: the record of one registered model version. It is written last into the staging folder,
// so its presence in a published version folder means every file beside it is complete.
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { ConfigError } from '../errors';
import type { ModelSignature } from '../onnx/signature';

export const META_FILE = 'model.meta.json';
export const META_SCHEMA_VERSION = 1;

const dimSchema = z.union([z.number(), z.string(), z.null()]);
const tensorSpecSchema = z.object({
  name: z.string(),
  type: z.enum(['float32', 'float64', 'float16', 'int8', 'int16', 'int32', 'int64', 'uint8', 'uint16', 'uint32', 'uint64', 'bool', 'string']),
  shape: z.array(dimSchema),
});
const signatureSchema = z.object({ inputs: z.array(tensorSpecSchema), outputs: z.array(tensorSpecSchema) });

// Paths inside a version folder: relative and '/'-separated, never escaping it (download joins them onto a
// destination folder, so a hand-edited "../x" must be rejected here, not trusted there).
const relativePathSchema = z
  .string()
  .refine((p) => p.length > 0 && p.split('/').every((seg) => seg !== '' && seg !== '.' && seg !== '..' && !seg.includes('\\')), {
    message: "expected a relative '/'-separated path inside the version folder",
  });

const sha256Schema = z.string().regex(/^[0-9a-f]{64}$/, 'expected 64 lowercase hex digits');

// Unknown keys are stripped rather than rejected, so a newer Modelport's extra fields do not make an
// older one call the file corrupt.
export const modelMetaSchema = z.object({
  schemaVersion: z.literal(META_SCHEMA_VERSION),
  name: z.string(),
  version: z.number().int().positive(),
  description: z.string().optional(),
  tags: z.record(z.string(), z.string()),
  properties: z.record(z.string(), z.string()),
  framework: z.enum(['onnx', 'custom']),
  files: z.array(z.object({ path: relativePathSchema, size: z.number().int().nonnegative(), sha256: sha256Schema })).min(1),
  sha256: sha256Schema,
  size: z.number().int().nonnegative(),
  createdTime: z.iso.datetime(),
  modelFile: relativePathSchema.optional(),
  signature: signatureSchema.optional(),
  /** Why an ONNX model has no signature (an input type the signature cannot express). */
  signatureProblem: z.string().optional(),
  /**
   * What was registered: a file or a folder, under its original name. Services lay models out as Azure ML does,
   * azureml-models/<name>/<version>/<this name>. Absent in versions registered before it was recorded.
   */
  source: z.object({ kind: z.enum(['file', 'folder']), name: z.string().min(1) }).optional(),
});

export type ModelMeta = z.infer<typeof modelMetaSchema>;

// Checked at compile time: the schema accepts and produces exactly the shared ModelSignature shape.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const signatureMatches: Same<ModelSignature, NonNullable<ModelMeta['signature']>> = true;
void signatureMatches;

/** A registered model version as callers see it: its record plus where it lives. */
export interface RegisteredModel extends ModelMeta {
  /** `name:version`, Azure's model id. */
  id: string;
  /** Absolute path of the version folder. */
  path: string;
}

/** Reads and validates a meta file; any problem is a ConfigError naming the file and the first bad field. */
export async function readModelMeta(file: string): Promise<ModelMeta> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const what = code === 'ENOENT' ? 'is missing' : `cannot be read (${code ?? String(err)})`;
    throw new ConfigError(`Model metadata ${file} ${what}. Delete the version folder, or restore the file from a backup.`, file, undefined, { cause: err });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new ConfigError(`Model metadata ${file} is not valid JSON (${(err as Error).message}). Delete the version folder, or restore the file from a backup.`, file, undefined, { cause: err });
  }
  const parsed = modelMetaSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const at = issue ? `/${issue.path.join('/')}` : '/';
    throw new ConfigError(`Model metadata ${file} is invalid at ${at}: ${issue?.message ?? 'unknown problem'}. Delete the version folder, or restore the file from a backup.`, file, at);
  }
  return parsed.data;
}
