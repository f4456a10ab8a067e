// The extension's Kubernetes picker over a real kubeconfig (the kube-apiserver double's): its contexts, the
// namespaces the cluster lists, and the registry from the setting.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { pickKubernetesPlace } from '../../src/vscode/common/pickers';
import { startKubeDouble, type KubeDouble } from '../doubles/kubernetes/kubeDouble';
import { FakeServices, makeDeps, ScriptedUi } from '../unit/vscode/fakes';

let double: KubeDouble;
before(async () => {
  double = await startKubeDouble({ namespace: 'ml' });
  double.createNamespace('ml');
  process.env.KUBECONFIG = double.kubeconfig;
});
after(async () => {
  delete process.env.KUBECONFIG;
  await double.stop();
});

test('kube contexts, then the namespaces of its cluster (its own first), then the registry', async () => {
  const ui = new ScriptedUi([double.context, 'ml', 'myacr.azurecr.io']);
  const deps = makeDeps({ dir: '/ws', services: new FakeServices() } as never, ui, { kubernetesRegistry: 'myacr.azurecr.io' });
  const place = await pickKubernetesPlace(deps, 'Deploy fashion:1 as web');
  assert.deepEqual(place, { context: double.context, namespace: 'ml', registry: 'myacr.azurecr.io' });
  assert.deepEqual(ui.calls[0]?.labels, [double.context]);
  assert.deepEqual(ui.calls[1]?.labels, ['ml', 'default', 'kube-system']);
  assert.equal(ui.calls[2]?.message, 'myacr.azurecr.io', 'the setting is offered');
});
