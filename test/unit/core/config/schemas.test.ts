// The schemas themselves: they compile under ajv's strict mode (as editors and the loader read them), document
// every property, and promise the same defaults the loader applies.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import Ajv from 'ajv';
import deploymentSchema from '../../../../schemas/deploymentconfig.schema.json';
import environmentSchema from '../../../../schemas/environment.schema.json';
import inferenceSchema from '../../../../schemas/inferenceconfig.schema.json';
import { computeTypeOf, deploymentDefaults, parseDeploymentConfig } from '../../../../src/core/config/deploymentConfig';

const all = { 'inferenceconfig.schema.json': inferenceSchema, 'deploymentconfig.schema.json': deploymentSchema, 'environment.schema.json': environmentSchema };

function strictAjv(): Ajv {
  const ajv = new Ajv({ strict: true, allowUnionTypes: true });
  ajv.addVocabulary(['patternErrorMessage', 'deprecationMessage']);
  ajv.addSchema(environmentSchema, 'environment.schema.json');
  return ajv;
}

for (const [name, schema] of Object.entries(all)) {
  test(`${name} compiles in ajv strict mode`, () => {
    assert.doesNotThrow(() => strictAjv().compile(name === 'environment.schema.json' ? { $ref: 'environment.schema.json' } : schema));
  });

  test(`${name} declares draft-07, forbids unknown keys and allows $schema`, () => {
    assert.equal(schema.$schema, 'http://json-schema.org/draft-07/schema#');
    assert.equal(schema.additionalProperties, false);
    assert.equal(schema.properties.$schema.type, 'string');
  });

  test(`${name} describes every property (editor hover text)`, () => {
    const missing: string[] = [];
    const visit = (node: unknown, path: string): void => {
      if (typeof node !== 'object' || node === null) return;
      const props = (node as { properties?: Record<string, unknown> }).properties ?? {};
      for (const [key, sub] of Object.entries(props)) {
        const description = (sub as { description?: unknown }).description;
        if (typeof description !== 'string' || description.length < 10) missing.push(`${path}/${key}`);
        visit(sub, `${path}/${key}`);
      }
      const extra = (node as { additionalProperties?: unknown }).additionalProperties;
      if (typeof extra === 'object') visit(extra, `${path}/*`);
    };
    visit(schema, '');
    assert.deepEqual(missing, []);
  });
}

test('the strict-mode check would catch an undeclared keyword', () => {
  assert.throws(() => strictAjv().compile({ type: 'object', properties: { a: { type: 'string', hoverText: 'x' } } }), /unknown keyword/);
});

test('deploymentconfig.schema.json defaults are the ones the loader applies', () => {
  const loaded = parseDeploymentConfig('{"computeType": "aks", "autoScaler": {}, "livenessProbeRequirements": {}}', 'deploymentconfig.json', '/tmp');
  const props = deploymentSchema.properties as Record<string, { default?: unknown; properties?: Record<string, { default?: unknown }> }>;
  const checked: string[] = [];
  for (const [key, prop] of Object.entries(props)) {
    if (prop.default !== undefined) {
      assert.deepEqual((loaded as unknown as Record<string, unknown>)[key], prop.default, `default of /${key}`);
      checked.push(key);
    }
    for (const [inner, sub] of Object.entries(prop.properties ?? {})) {
      if (sub.default === undefined) continue;
      const value = ((loaded as unknown as Record<string, Record<string, unknown> | undefined>)[key] ?? {})[inner];
      assert.deepEqual(value, sub.default, `default of /${key}/${inner}`);
      checked.push(`${key}/${inner}`);
    }
  }
  // Guards against the loop silently checking nothing.
  assert.ok(checked.includes('scoringTimeoutMs') && checked.includes('autoScaler/targetUtilization'));
  assert.equal(deploymentDefaults.maxQueueWaitMs, props['maxQueueWaitMs']?.default);
});

test('computeType enum lists the four targets (and Azure ML\'s "aks" for kubernetes), in lower and upper case', () => {
  assert.deepEqual(
    [...new Set(deploymentSchema.properties.computeType.enum.map((v) => v.toLowerCase()))].sort(),
    ['aci', 'aks', 'docker', 'kubernetes', 'local'],
  );
  for (const v of deploymentSchema.properties.computeType.enum) assert.ok(computeTypeOf(v), `${v} names a compute type`);
  assert.equal(computeTypeOf('AKS'), 'kubernetes');
});
