// The ACI parts of the command flows: the target picker says whether ACI can work, a deploy to ACI signs in and
// passes where the service goes, an update of a service Azure restarts asks first and says how long it lasted.
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, beforeEach, test } from 'node:test';
import { ModelRegistry } from '../../../src/core/registry/modelRegistry';
import type { DeployRequest, LifecycleOptions, ServiceStatus } from '../../../src/core/services/types';
import { commandTable } from '../../../src/vscode/commands/commandTable';
import { runCommand } from '../../../src/vscode/commands/runCommand';
import type { AzureSignInApi, ModelportWorkspace } from '../../../src/vscode/common/deps';
import { FakeServices, ScriptedUi, makeDeps } from './fakes';

const root = mkdtempSync(join(tmpdir(), 'modelport-aci-flows-'));
after(() => rmSync(root, { recursive: true, force: true }));

/** Services whose updates restart them, as the aci target's do, and say how long. */
class RestartingServices extends FakeServices {
  override async update(name: string, changes: Partial<DeployRequest>, options?: LifecycleOptions): Promise<ServiceStatus> {
    options?.onProgress?.('The service was unavailable for 4.2 s during the update (from 2026-01-01T00:00:00.000Z).');
    return super.update(name, changes);
  }
}

let ws: ModelportWorkspace;
let services: RestartingServices;
beforeEach(async () => {
  const project = mkdtempSync(join(root, 'p-'));
  services = new RestartingServices();
  ws = { projectDir: project, dir: join(project, '.modelport'), registry: new ModelRegistry(join(project, '.modelport')), services };
  // A real ONNX model as fashion:1: the deploy flow reads the registry (a model that is not ONNX asks for its entry script).
  const onnx = join(project, 'model.onnx');
  copyFileSync('samples/fashion-mnist/model.onnx', onnx);
  await ws.registry.register({ source: onnx, name: 'fashion' });
});

function fakeAzure(account: string | undefined): AzureSignInApi & { signIns: number } {
  const api = {
    signIns: 0,
    account: async () => account,
    signIn: async () => {
      api.signIns++;
      return account ?? 'someone@example.com';
    },
    access: async () => {
      throw new Error('the flow must not call Azure when every placement is given');
    },
  };
  return api;
}

const flow = (id: string) => {
  const f = commandTable[id];
  if (!f) throw new Error(id);
  return f;
};

test('the target picker offers aci only where Azure sign-in exists, and says whether it can work now', async () => {
  for (const [azure, expected] of [
    [undefined, undefined],
    [fakeAzure(undefined), 'Azure Container Instances · not signed in: choosing it signs you in'],
    [fakeAzure('ada@contoso.com'), 'Azure Container Instances · signed in as ada@contoso.com'],
  ] as const) {
    const ui = new ScriptedUi(['svc-a', undefined]);
    const deps = { ...makeDeps(ws, ui), ...(azure ? { azure } : {}) };
    const items: Array<{ label: string; description?: string }> = [];
    deps.ui.pick = async (list) => {
      items.push(...list.map((i) => ({ label: i.label, ...(i.description !== undefined ? { description: i.description } : {}) })));
      return undefined;
    };
    await runCommand(deps, 'modelport.model.deploy', flow('modelport.model.deploy'), ['fashion:1', { name: 'svc-a' }]);
    assert.equal(items.find((i) => i.label === 'aci')?.description, expected);
  }
});

test('a deploy to aci signs in and passes the subscription, resource group and registry to the core', async () => {
  const azure = fakeAzure('ada@contoso.com');
  const deps = { ...makeDeps(ws, new ScriptedUi()), azure };
  const placement = { subscriptionId: 'sub-1', resourceGroup: 'rg-1', registry: 'myreg.azurecr.io' };
  await runCommand(deps, 'modelport.model.deploy', flow('modelport.model.deploy'), ['fashion:1', { name: 'svc-a', computeType: 'aci', authMode: 'key', azure: placement }]);
  assert.equal(azure.signIns, 1);
  assert.deepEqual(services.requests[0], { name: 'svc-a', models: ['fashion:1'], computeType: 'aci', authMode: 'key', azure: placement });
});

test('updating a service its target restarts asks first; declining changes nothing; accepting reports the downtime', async () => {
  await services.deploy({ name: 'svc', models: ['fashion:1'] });
  services.services.set('svc', { ...(await services.get('svc')), updateStrategy: 'restart', computeType: 'aci' });
  const declined = new ScriptedUi([false]);
  await runCommand(makeDeps(ws, declined), 'modelport.service.update', flow('modelport.service.update'), ['svc', { model: 'fashion:2' }]);
  assert.match(declined.calls.find((c) => c.kind === 'confirm')?.message ?? '', /^Updating to fashion:2 restarts svc\.$/);
  assert.equal(services.updates.length, 0);
  assert.equal(declined.calls.filter((c) => c.kind === 'error').length, 0, 'declining is not an error');
  const accepted = new ScriptedUi([true]);
  await runCommand(makeDeps(ws, accepted), 'modelport.service.update', flow('modelport.service.update'), ['svc', { model: 'fashion:2' }]);
  assert.deepEqual(services.updates.map((u) => u.changes.models), [['fashion:2']]);
  assert.match(accepted.calls.find((c) => c.kind === 'info')?.message ?? '', /now serves fashion:2 .*The service was unavailable for 4\.2 s/);
});
