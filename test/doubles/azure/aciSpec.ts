// The official OpenAPI (swagger 2.0) description of Microsoft.ContainerInstance 2023-05-01, from
// ../shared/specs/aci, turned into a request validator: JSON Schema checks (types, required fields, enums) by
// ajv over the spec's own definitions, plus a check that every property is one the spec defines (merging the
// allOf parts) — a field the service does not know is refused, as Resource Manager refuses it.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import Ajv from 'ajv';

type Schema = Record<string, unknown>;

export const specDir = process.env.MODELPORT_ACI_SPEC_DIR ?? resolve(__dirname, '../../../../shared/specs/aci');

interface Swagger {
  info: { version: string };
  definitions: Record<string, Schema>;
}

export class AciSpec {
  readonly apiVersion: string;
  private readonly swagger: Swagger;
  private readonly ajv: Ajv;

  constructor(dir = specDir) {
    this.swagger = JSON.parse(readFileSync(join(dir, 'containerInstance.json'), 'utf8')) as Swagger;
    this.apiVersion = this.swagger.info.version;
    this.ajv = new Ajv({ strict: false, validateFormats: false, allErrors: true });
    this.ajv.addSchema({ $id: 'aci.json', definitions: this.swagger.definitions });
  }

  /** An example request or response from the spec's examples folder. */
  static example(name: string, dir = specDir): { parameters: Record<string, unknown>; responses: Record<string, { body?: unknown }> } {
    return JSON.parse(readFileSync(join(dir, `${name}.json`), 'utf8')) as { parameters: Record<string, unknown>; responses: Record<string, { body?: unknown }> };
  }

  /** What is wrong with `body` as a `definition` (empty when it is valid). */
  problems(definition: string, body: unknown): string[] {
    const validate = this.ajv.getSchema(`aci.json#/definitions/${definition}`);
    if (!validate) throw new Error(`no definition ${definition} in the spec`);
    const out: string[] = [];
    if (!validate(body)) for (const e of validate.errors ?? []) out.push(`${e.instancePath || '/'} ${e.message ?? 'is invalid'}${e.params && 'allowedValues' in e.params ? ` (${String(e.params.allowedValues)})` : ''}`);
    this.unknownProperties({ $ref: `#/definitions/${definition}` }, body, '', out);
    return out;
  }

  private deref(schema: Schema): Schema {
    let s = schema;
    for (let i = 0; typeof s.$ref === 'string' && i < 20; i++) {
      const name = (s.$ref as string).replace('#/definitions/', '');
      const target = this.swagger.definitions[name];
      if (!target) throw new Error(`unresolved ${String(s.$ref)}`);
      s = target;
    }
    return s;
  }

  /** The properties a schema defines, its allOf parts included. */
  private propertiesOf(schema: Schema): { props: Record<string, Schema>; open: boolean } {
    const s = this.deref(schema);
    const props: Record<string, Schema> = { ...((s.properties as Record<string, Schema> | undefined) ?? {}) };
    let open = s.additionalProperties !== undefined && s.additionalProperties !== false;
    for (const part of (s.allOf as Schema[] | undefined) ?? []) {
      const p = this.propertiesOf(part);
      Object.assign(props, p.props);
      open ||= p.open;
    }
    return { props, open };
  }

  private unknownProperties(schema: Schema, value: unknown, path: string, out: string[]): void {
    const s = this.deref(schema);
    if (Array.isArray(value)) {
      if (s.items) value.forEach((v, i) => this.unknownProperties(s.items as Schema, v, `${path}/${i}`, out));
      return;
    }
    if (typeof value !== 'object' || value === null) return;
    const { props, open } = this.propertiesOf(s);
    const additional = s.additionalProperties;
    for (const [key, v] of Object.entries(value)) {
      const p = props[key];
      if (p) this.unknownProperties(p, v, `${path}/${key}`, out);
      else if (typeof additional === 'object' && additional !== null) this.unknownProperties(additional as Schema, v, `${path}/${key}`, out);
      else if (!open && Object.keys(props).length > 0) out.push(`${path}/${key} is not a property the API defines`);
    }
  }
}
