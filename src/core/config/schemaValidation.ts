// Validates parsed config files against the JSON Schemas in schemas/ (the same files VS Code uses for
// IntelliSense), and turns ajv's errors into located, plain-English issues.
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import type { Node } from 'jsonc-parser';
import deploymentSchema from '../../../schemas/deploymentconfig.schema.json';
import environmentSchema from '../../../schemas/environment.schema.json';
import inferenceSchema from '../../../schemas/inferenceconfig.schema.json';
import { makeIssue, type ConfigIssue } from './configIssue';
import { closestName } from './didYouMean';
import { keyNodeAt, valueNodeAt } from './jsonLocation';

export type SchemaName = 'inferenceconfig' | 'deploymentconfig' | 'environment';

const schemas: Record<SchemaName, object> = {
  inferenceconfig: inferenceSchema,
  deploymentconfig: deploymentSchema,
  environment: environmentSchema,
};

/** Keywords VS Code's JSON support reads; declared so ajv's strict mode accepts them instead of failing. */
const editorKeywords = ['patternErrorMessage', 'deprecationMessage'];

/** A strict ajv that knows environment.schema.json by file name, as inferenceconfig.schema.json refers to it; `verbose` keeps the failing value and schema in each error for the messages. */
export function createSchemaAjv(): Ajv {
  const ajv = new Ajv({ strict: true, allErrors: true, allowUnionTypes: true, verbose: true });
  ajv.addVocabulary(editorKeywords);
  // Keyed by file name so the relative $ref in inferenceconfig.schema.json resolves here as it does in VS Code.
  ajv.addSchema(environmentSchema, 'environment.schema.json');
  return ajv;
}

// Compiling a schema costs milliseconds; the extension validates on every keystroke, so each is compiled once
// per process, on first use. The cache holds pure functions only, so sharing it is safe.
let sharedAjv: Ajv | undefined;
const compiled = new Map<SchemaName, ValidateFunction>();

function validatorFor(name: SchemaName): ValidateFunction {
  let validate = compiled.get(name);
  if (validate === undefined) {
    sharedAjv ??= createSchemaAjv();
    validate = name === 'environment' ? sharedAjv.getSchema('environment.schema.json') : sharedAjv.compile(schemas[name]);
    if (validate === undefined) throw new Error(`schema ${name} did not compile`);
    compiled.set(name, validate);
  }
  return validate;
}

/** Issues for `value` (parsed from `text`, whose syntax tree is `root`), at most one per JSON pointer, in file order. */
export function schemaIssues(name: SchemaName, value: unknown, root: Node, text: string): ConfigIssue[] {
  const validate = validatorFor(name);
  if (validate(value)) return [];
  const issues: ConfigIssue[] = [];
  const seen = new Set<string>();
  for (const error of validate.errors ?? []) {
    const issue = toIssue(error, root, text);
    if (issue === undefined) continue;
    // allErrors reports e.g. both `type` and `enum` for one value; the first says enough.
    const key = `${issue.pointer}\u0000${issue.offset}`;
    if (seen.has(key)) continue;
    seen.add(key);
    issues.push(issue);
  }
  return issues.sort((a, b) => a.offset - b.offset);
}

function at(pointer: string): string {
  return pointer === '' ? 'the file' : pointer;
}

function article(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

function typeWords(type: unknown): string {
  const types = (Array.isArray(type) ? type : [type]).map((t) => article(String(t)));
  return types.join(' or ');
}

/** Lists allowed values once each: "ACI" and "aci" are one choice to a reader. */
function choices(values: readonly unknown[]): string {
  const seen = new Set<string>();
  const listed: string[] = [];
  for (const v of values) {
    const k = typeof v === 'string' ? v.toLowerCase() : JSON.stringify(v);
    if (seen.has(k)) continue;
    seen.add(k);
    listed.push(JSON.stringify(v));
  }
  return listed.join(', ');
}

function got(value: unknown): string {
  const text = JSON.stringify(value);
  return text.length > 40 ? '' : ` (got ${text})`;
}

function parentSchemaOf(error: ErrorObject): Record<string, unknown> {
  return (error.parentSchema ?? {}) as Record<string, unknown>;
}

function toIssue(error: ErrorObject, root: Node, text: string): ConfigIssue | undefined {
  const pointer = error.instancePath;
  const params = error.params as Record<string, unknown>;
  const valueNode = valueNodeAt(root, pointer);
  const onValue = (message: string): ConfigIssue => makeIssue(text, pointer, message, valueNode.offset, valueNode.length);
  switch (error.keyword) {
    case 'if':
      // Always accompanied by the failing `then` keyword's own error, which says what is wrong.
      return undefined;
    case 'additionalProperties': {
      const name = String(params['additionalProperty']);
      const known = Object.keys((parentSchemaOf(error)['properties'] ?? {}) as object).filter((k) => k !== '$schema');
      const where = pointer === '' ? '' : ` in ${pointer}`;
      const suggestion = known.length > 0 ? closestName(name, known) : undefined;
      const hint = suggestion === undefined ? '' : ` (did you mean "${suggestion}"?)`;
      const keyPointer = `${pointer}/${name.replace(/~/g, '~0').replace(/\//g, '~1')}`;
      const keyNode = keyNodeAt(root, keyPointer);
      return makeIssue(text, keyPointer, `unknown property "${name}"${where}${hint}`, keyNode.offset, keyNode.length);
    }
    case 'required': {
      const where = pointer === '' ? '' : ` in ${pointer}`;
      // A requirement that holds only under a condition (if/then) says which, through the subschema's description.
      const condition = parentSchemaOf(error)['description'];
      const because = error.schemaPath.includes('/then/') && typeof condition === 'string' ? ` (${condition})` : '';
      // Point at the opening brace: that is where the property belongs.
      return makeIssue(text, pointer, `missing required property "${String(params['missingProperty'])}"${where}${because}`, valueNode.offset, 1);
    }
    case 'propertyNames': {
      const name = String(params['propertyName']);
      const rule = (parentSchemaOf(error)['propertyNames'] ?? {}) as Record<string, unknown>;
      const why = typeof rule['patternErrorMessage'] === 'string' ? rule['patternErrorMessage'] : 'is not an allowed name';
      const keyNode = keyNodeAt(root, `${pointer}/${name.replace(/~/g, '~0').replace(/\//g, '~1')}`);
      return makeIssue(text, pointer, `${at(pointer)}: property name "${name}" ${why}`, keyNode.offset, keyNode.length);
    }
    case 'type':
      return onValue(pointer === '' ? `the file must contain a JSON object, not ${jsonKind(error.data)}` : `${pointer} must be ${typeWords(params['type'])}${got(error.data)}`);
    case 'enum':
      return onValue(`${at(pointer)} must be one of ${choices(params['allowedValues'] as unknown[])}${got(error.data)}`);
    case 'const':
      return onValue(`${at(pointer)} must be ${JSON.stringify(params['allowedValue'])}`);
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return onValue(`${at(pointer)} must be ${String(params['comparison'])} ${String(params['limit'])}${got(error.data)}`);
    case 'minLength':
      return onValue(params['limit'] === 1 ? `${at(pointer)} must not be empty` : `${at(pointer)} must have at least ${String(params['limit'])} characters`);
    case 'pattern': {
      // Errors from `propertyNames` subschemas carry the name; the `propertyNames` error reports them better.
      if ('propertyName' in error) return undefined;
      const why = parentSchemaOf(error)['patternErrorMessage'];
      return onValue(`${at(pointer)} ${typeof why === 'string' ? why : `must match ${String(params['pattern'])}`}${got(error.data)}`);
    }
    case 'uniqueItems': {
      const later = Math.max(Number(params['i']), Number(params['j']));
      const item = Array.isArray(error.data) ? JSON.stringify(error.data[later]) : 'a value';
      const itemNode = valueNodeAt(root, `${pointer}/${later}`);
      return makeIssue(text, pointer, `${at(pointer)} lists ${item} more than once`, itemNode.offset, itemNode.length);
    }
    default:
      if ('propertyName' in error) return undefined;
      return onValue(`${at(pointer)} ${error.message ?? 'is invalid'}`);
  }
}

function jsonKind(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return article(typeof value);
}
