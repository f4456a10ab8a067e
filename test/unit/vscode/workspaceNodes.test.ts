// The tree as data: grouping, order, stable ids, contextValues the manifest's `when` clauses match, tooltips.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import type { RegisteredModel } from '../../../src/core/registry/modelMeta';
import type { ServiceStatus } from '../../../src/core/services/types';
import { childNodes, presentNode, serviceContextValue, type WorkspaceNode, type WorkspaceSnapshot } from '../../../src/vscode/tree/workspaceNodes';

function model(name: string, version: number, extra: Partial<RegisteredModel> = {}): RegisteredModel {
  return {
    schemaVersion: 1, name, version, tags: {}, properties: {}, framework: 'onnx', files: [{ path: 'model.onnx', size: 2048, sha256: 'a'.repeat(64) }],
    sha256: 'a'.repeat(64), size: 2048, createdTime: '2025-01-01T00:00:00.000Z', modelFile: 'model.onnx',
    signature: { inputs: [{ name: 'image', type: 'float32', shape: ['batch', 1, 28, 28] }], outputs: [{ name: 'logits', type: 'float32', shape: ['batch', 10] }] },
    id: `${name}:${version}`, path: `/ws/models/${name}/${version}`, ...extra,
  };
}

function service(name: string, state: ServiceStatus['state'], authMode: ServiceStatus['authMode'] = 'none'): ServiceStatus {
  return {
    name, computeType: 'local', target: { kind: 'local', port: 5001 }, updateStrategy: 'swap', models: ['fashion:1'], entryScript: undefined, sourceDir: undefined, authMode, corsOrigins: [], timeoutMs: 60000,
    scoringUri: 'http://127.0.0.1:5001/score', swaggerUri: 'http://127.0.0.1:5001/swagger.json', createdTime: '', updatedTime: '', generation: 1, state, detail: undefined,
  };
}

const snapshot: WorkspaceSnapshot = {
  models: [model('fashion', 1), model('iris', 1), model('fashion', 2, { tags: { stage: 'dev' } })],
  services: [service('zeta', 'Failed'), service('alpha', 'Healthy', 'key')],
  problems: [{ file: '/ws/models/bad/1/model.meta.json', message: 'invalid' }],
};

function walk(node: WorkspaceNode | undefined, depth = 0): string[] {
  return childNodes(snapshot, node).flatMap((c) => [`${'  '.repeat(depth)}${c.id} ${presentNode(c).label}`, ...walk(c, depth + 1)]);
}

test('models group their versions, newest first; services sort by name; problems stay visible', () => {
  assert.deepEqual(walk(undefined), [
    'group:models Models',
    '  model:fashion fashion',
    '    model:fashion:2 Version 2',
    '    model:fashion:1 Version 1',
    '  model:iris iris',
    '    model:iris:1 Version 1',
    '  problem:/ws/models/bad/1/model.meta.json bad/1/model.meta.json',
    'group:services Services',
    '  service:alpha alpha',
    '  service:zeta zeta',
  ]);
});

test('an empty workspace has no nodes, so the welcome view shows', () => {
  assert.deepEqual(childNodes({ models: [], services: [], problems: [] }, undefined), []);
});

test('a version tooltip carries the signature, size, sha256 and tags', () => {
  const v = childNodes(snapshot, childNodes(snapshot, childNodes(snapshot, undefined)[0])[0])[0]!;
  const p = presentNode(v);
  assert.equal(p.contextValue, 'modelport.model.version');
  assert.equal(p.description, '2.0 KB · float32 [batch, 1, 28, 28]');
  for (const part of ['`image`: float32 [batch, 1, 28, 28]', '`logits`: float32 [batch, 10]', 'Size: 2.0 KB', `sha256: \`${'a'.repeat(64)}\``, '`stage=dev`']) {
    assert.ok(p.tooltip?.includes(part), `tooltip has ${part}`);
  }
});

test('services show state, target and scoring URI, with a colour per state', () => {
  const alpha = presentNode({ kind: 'service', id: 'service:alpha', service: service('alpha', 'Healthy', 'key') });
  assert.equal(alpha.description, 'Healthy · local · http://127.0.0.1:5001/score');
  assert.deepEqual(alpha.icon, { id: 'pass-filled', color: 'testing.iconPassed' });
  assert.equal(alpha.contextValue, 'modelport.service.healthy.local.key');
  assert.equal(presentNode({ kind: 'service', id: 'x', service: service('x', 'Failed') }).icon.color, 'list.errorForeground');
});

test('a Kubernetes service shows its cluster (context) · namespace and ready/desired replicas', () => {
  const base = service('k', 'Healthy', 'key');
  const k: ServiceStatus = {
    ...base,
    computeType: 'kubernetes',
    updateStrategy: 'rolling',
    scoringUri: 'http://20.1.2.3:80/score',
    replicas: { ready: 2, desired: 3 },
    target: {
      kind: 'kubernetes',
      context: 'aks-prod',
      namespace: 'ml',
      serviceType: 'LoadBalancer',
      replicas: 3,
      resources: { cpu: 0.1, memoryInGB: 0.5 },
      livenessProbe: { periodSeconds: 10, initialDelaySeconds: 310, timeoutSeconds: 2, successThreshold: 1, failureThreshold: 3 },
      progressDeadlineSeconds: 600,
      registry: 'r',
      image: { buildArgs: {} },
      flavour: 'deployment',
    },
  };
  const p = presentNode({ kind: 'service', id: 'service:k', service: k });
  assert.equal(p.description, 'Healthy · 2/3 ready · kubernetes aks-prod · ml · http://20.1.2.3:80/score');
  assert.ok(p.tooltip?.includes('Target: 2/3 ready · kubernetes aks-prod · ml'));
  assert.equal(p.contextValue, 'modelport.service.healthy.kubernetes.key');
});

test("the manifest's when-clause regexes match the contextValues they are meant for", () => {
  const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { contributes: { menus: Record<string, Array<{ command: string; when?: string }>> } };
  const item = pkg.contributes.menus['view/item/context'] ?? [];
  const regexFor = (command: string): RegExp[] =>
    item.filter((m) => m.command === command).map((m) => {
      const source = /viewItem =~ \/(.+)\/$/.exec(m.when ?? '')?.[1] ?? `^${(/viewItem == (\S+)/.exec(m.when ?? '')?.[1] ?? '').replace(/\./g, '\\.')}$`;
      return new RegExp(source);
    });
  const matches = (command: string, value: string): boolean => regexFor(command).some((r) => r.test(value));
  const keyed = serviceContextValue(service('a', 'Healthy', 'key'));
  const tokened = serviceContextValue(service('a', 'Unhealthy', 'token'));
  assert.ok(matches('modelport.service.copyKey', keyed));
  assert.ok(!matches('modelport.service.copyKey', tokened));
  assert.ok(matches('modelport.service.getToken', tokened));
  assert.ok(matches('modelport.service.delete', tokened));
  assert.ok(matches('modelport.model.deploy', 'modelport.model.version'));
  assert.ok(matches('modelport.model.delete', 'modelport.model.version'));
  assert.ok(!matches('modelport.model.delete', 'modelport.model'));
});

test('stop shows on a running service, start on a stopped or failed one; the row copies its scoring URI inline', () => {
  const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { contributes: { menus: Record<string, Array<{ command: string; when?: string; group?: string }>> } };
  const item = pkg.contributes.menus['view/item/context'] ?? [];
  const shownFor = (command: string, value: string, inline = false): boolean =>
    item
      .filter((m) => m.command === command && (m.group ?? '').startsWith('inline') === inline)
      .some((m) => new RegExp(/viewItem =~ \/(.+)\/$/.exec(m.when ?? '')?.[1] ?? '$^').test(value));
  for (const state of ['Healthy', 'Unhealthy', 'Transitioning', 'Unknown'] as const) {
    const value = serviceContextValue(service('a', state));
    assert.ok(shownFor('modelport.service.stop', value), `stop for ${state}`);
    assert.ok(!shownFor('modelport.service.start', value), `no start for ${state}`);
  }
  for (const state of ['Stopped', 'Failed'] as const) {
    const value = serviceContextValue(service('a', state));
    assert.ok(shownFor('modelport.service.start', value), `start for ${state}`);
    assert.ok(!shownFor('modelport.service.stop', value), `no stop for ${state}`);
  }
  assert.ok(shownFor('modelport.service.copyScoringUri', serviceContextValue(service('a', 'Stopped', 'key')), true));
});

test('an empty group says what to do next, and a click does it', () => {
  const onlyModels: WorkspaceSnapshot = { models: [model('fashion', 1)], services: [], problems: [] };
  const services = childNodes(onlyModels, undefined).find((n) => n.id === 'group:services');
  const [hint, ...rest] = childNodes(onlyModels, services);
  assert.equal(rest.length, 0);
  assert.ok(hint);
  const p = presentNode(hint);
  assert.equal(p.label, 'No services yet');
  assert.deepEqual(p.command, { id: 'modelport.model.deploy', title: 'No services yet' });
  assert.equal(p.collapsible, 'none');

  const onlyServices: WorkspaceSnapshot = { models: [], services: [service('alpha', 'Healthy')], problems: [] };
  const models = childNodes(onlyServices, undefined).find((n) => n.id === 'group:models');
  const [modelsHint] = childNodes(onlyServices, models);
  assert.ok(modelsHint);
  assert.equal(presentNode(modelsHint).command?.id, 'modelport.model.register');
  // A services listing error is shown instead of the hint.
  const failing: WorkspaceSnapshot = { ...onlyModels, servicesError: 'boom' };
  assert.deepEqual(childNodes(failing, childNodes(failing, undefined)[1]).map((n) => n.kind), ['problem']);
});
