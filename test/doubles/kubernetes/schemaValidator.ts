// Validates what the double receives against the official Kubernetes OpenAPI v3 documents in
// ../shared/specs/k8s (one document per group version, each with its components.schemas), with $ref resolved by
// ajv, and finds fields the schema does not know (what `fieldValidation=Strict` rejects on a real server).
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { load } from 'js-yaml';

export const specsDir = resolve(__dirname, '../../../../shared/specs/k8s');

export interface SchemaCause {
  field: string;
  message: string;
  reason: 'FieldValueInvalid' | 'FieldValueRequired' | 'FieldValueNotSupported' | 'FieldValueTypeInvalid' | 'FieldValueUnknown';
}

type Schema = { $ref?: string; allOf?: Schema[]; properties?: Record<string, Schema>; additionalProperties?: Schema | boolean; items?: Schema; type?: string | string[]; 'x-kubernetes-preserve-unknown-fields'?: boolean };

const documents: Record<string, string> = {
  v1: 'api__v1_openapi.json',
  'apps/v1': 'apis__apps__v1_openapi.json',
  'autoscaling/v2': 'apis__autoscaling__v2_openapi.json',
};

/** The OpenAPI v3 document of a group version, as the files hold it (what /openapi/v3/... serves). */
export function openApiDocument(groupVersion: string): unknown {
  const file = documents[groupVersion];
  if (!file) return undefined;
  return JSON.parse(readFileSync(join(specsDir, file), 'utf8')) as unknown;
}

/**
 * KServe's CRD: its v1beta1 openAPIV3Schema, pruned to what a custom-container predictor uses. The whole schema
 * repeats the pod spec for every framework, transformer and explainer, and takes a minute to compile; the
 * predictor's own fields (containers, replicas, scaling, pod-level settings) are kept as the CRD has them.
 */
function kserveSchema(): Schema {
  const crd = load(readFileSync(join(specsDir, 'kserve-v0.20.0_serving.kserve.io_inferenceservices.yaml'), 'utf8')) as {
    spec: { versions: Array<{ name: string; schema: { openAPIV3Schema: Schema } }> };
  };
  const v = crd.spec.versions.find((x) => x.name === 'v1beta1');
  if (!v) throw new Error('the KServe CRD has no v1beta1');
  const root = v.schema.openAPIV3Schema;
  const spec = root.properties?.spec;
  if (spec?.properties) {
    delete spec.properties.transformer;
    delete spec.properties.explainer;
    const predictor = spec.properties.predictor;
    const frameworks = ['huggingface', 'lightgbm', 'model', 'onnx', 'paddle', 'pmml', 'pytorch', 'sklearn', 'tensorflow', 'triton', 'xgboost', 'initContainers', 'volumes', 'affinity', 'ephemeralContainers', 'workerSpec', 'resourceClaims'];
    for (const f of frameworks) delete predictor?.properties?.[f];
  }
  delete root.properties?.status;
  return root;
}

export class SchemaValidator {
  private readonly ajv: Ajv;
  private readonly compiled = new Map<string, ValidateFunction>();
  private readonly roots = new Map<string, Record<string, Schema>>();

  constructor() {
    this.ajv = new Ajv({ strict: false, allErrors: true, validateFormats: true });
    addFormats(this.ajv);
    this.ajv.addFormat('int-or-string', true);
    this.ajv.addFormat('int32', { type: 'number', validate: (n: number) => Number.isInteger(n) && n >= -2147483648 && n <= 2147483647 });
    this.ajv.addFormat('int64', { type: 'number', validate: (n: number) => Number.isInteger(n) });
    this.ajv.addFormat('double', { type: 'number', validate: () => true });
    for (const [gv, file] of Object.entries(documents)) {
      const doc = JSON.parse(readFileSync(join(specsDir, file), 'utf8')) as { components: { schemas: Record<string, Schema> } };
      this.ajv.addSchema(doc, gv);
      this.roots.set(gv, doc.components.schemas);
    }
  }

  private validator(groupVersion: string, schemaName: string): ValidateFunction {
    const key = `${groupVersion}#${schemaName}`;
    let v = this.compiled.get(key);
    if (!v) {
      // KServe's CRD is read and compiled on first use only.
      v = groupVersion === 'serving.kserve.io/v1beta1' ? this.ajv.compile(kserveSchema() as object) : this.ajv.compile({ $ref: `${groupVersion}#/components/schemas/${schemaName}` });
      this.compiled.set(key, v);
    }
    return v;
  }

  /** Schema violations, as a real server lists them in a 422's details.causes. */
  validate(groupVersion: string, schemaName: string, object: unknown): SchemaCause[] {
    const v = this.validator(groupVersion, schemaName);
    if (v(object)) return [];
    return (v.errors ?? []).map((e) => {
      const field = e.instancePath.replace(/^\//, '').replace(/\//g, '.') || '<root>';
      const reason: SchemaCause['reason'] = e.keyword === 'required' ? 'FieldValueRequired' : e.keyword === 'enum' ? 'FieldValueNotSupported' : e.keyword === 'type' ? 'FieldValueTypeInvalid' : 'FieldValueInvalid';
      const name = e.keyword === 'required' ? `${field === '<root>' ? '' : `${field}.`}${String((e.params as { missingProperty?: string }).missingProperty)}` : field;
      return { field: name, message: e.message ?? 'invalid', reason };
    });
  }

  /** Fields the schema does not declare (a typo in a manifest), as dotted paths. */
  unknownFields(groupVersion: string, schemaName: string, object: unknown): string[] {
    const schemas = this.roots.get(groupVersion);
    if (!schemas) return [];
    const out: string[] = [];
    const deref = (s: Schema | undefined): Schema | undefined => {
      let cur = s;
      for (let i = 0; cur && i < 10; i++) {
        if (cur.$ref) cur = schemas[cur.$ref.replace('#/components/schemas/', '')];
        else if (cur.allOf && cur.allOf.length === 1) cur = cur.allOf[0];
        else break;
      }
      return cur;
    };
    const walk = (schema: Schema | undefined, value: unknown, path: string): void => {
      const s = deref(schema);
      if (!s || s['x-kubernetes-preserve-unknown-fields']) return;
      if (Array.isArray(value)) {
        value.forEach((item, i) => walk(s.items, item, `${path}[${i}]`));
        return;
      }
      if (typeof value !== 'object' || value === null) return;
      for (const [k, v] of Object.entries(value)) {
        const child = s.properties?.[k] ?? (typeof s.additionalProperties === 'object' ? s.additionalProperties : undefined);
        if (!child && s.properties && s.additionalProperties === undefined) out.push(path ? `${path}.${k}` : k);
        else walk(child, v, path ? `${path}.${k}` : k);
      }
    };
    walk(schemas[schemaName], object, '');
    return out;
  }
}
