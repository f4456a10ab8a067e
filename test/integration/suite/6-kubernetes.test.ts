// A Kubernetes service from the real VS Code: the contract double of kube-apiserver runs inside this extension
// host (its pods are real containers of the pushed image), the deploy command targets its kubeconfig, the
// tree shows the service with its cluster · namespace and ready/desired replicas (photographed), its log
// streams into the service's channel, and delete removes it. Skipped without an engine and a registry.
import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { ModelportApi } from '../../../src/extension';
import type { ServiceStatus } from '../../../src/core/services/types';
import { startKubeDouble, type KubeDouble } from '../../doubles/kubernetes/kubeDouble';
import { activateModelport, findNode, projectDir, screenshot, waitUntil } from './helpers';

function skipReason(): string | undefined {
  if (!process.env.DOCKER_HOST) return 'DOCKER_HOST is not set (.ci/run starts the container engine and sets it)';
  if (!process.env.CTR_REGISTRY) return 'CTR_REGISTRY is not set (engine.sh registry-up): the cluster double pulls from it';
  return undefined;
}

suite('A Kubernetes service in a real VS Code (kube-apiserver double)', () => {
  let api: ModelportApi;
  let double: KubeDouble | undefined;
  const name = `k8s-tree-${randomBytes(2).toString('hex')}`;
  const namespace = 'ml-prod';
  let service: ServiceStatus | undefined;
  /** How many steps the side bar was widened for the screenshot (undone at the end). */
  let widened = 0;

  suiteSetup(async function () {
    const why = skipReason();
    if (why) {
      console.log(`skipping the Kubernetes suite: ${why}`);
      this.skip();
    }
    this.timeout(120_000);
    api = await activateModelport();
    double = await startKubeDouble({ context: 'aks-modelport-demo' });
    double.createNamespace(namespace);
    process.env.KUBECONFIG = double.kubeconfig;
    process.env.MODELPORT_DOCKER_RUN_ARGS ??= process.env.CTR_RUN_NET_ARGS ?? '';
  });

  suiteTeardown(async function () {
    this.timeout(180_000);
    // Give the side bar its width back: the Explorer screenshots that follow expect the usual layout.
    if (widened > 0) await vscode.commands.executeCommand('workbench.action.focusSideBar');
    for (; widened > 0; widened--) await vscode.commands.executeCommand('workbench.action.increaseViewWidth').then(undefined, () => undefined);
    await vscode.commands.executeCommand('notifications.clearAll').then(undefined, () => undefined);
    if (service) await vscode.commands.executeCommand('modelport.service.delete', name, { confirm: false });
    await double?.stop();
    delete process.env.KUBECONFIG;
  });

  test('deploys fashion:1 to the cluster with 2 replicas and shows cluster · namespace · 2/2 ready in the tree', async function () {
    this.timeout(900_000);
    // The model the first suite registers (registered here when this suite runs alone).
    await api.tree.reload();
    if (!(await findNode(api, 'model:fashion:1'))) {
      await vscode.commands.executeCommand('modelport.model.register', vscode.Uri.file(join(projectDir(), 'fashion', 'model.onnx')), { name: 'fashion', source: 'folder' });
    }
    service = (await vscode.commands.executeCommand('modelport.model.deploy', 'fashion:1', {
      name,
      computeType: 'kubernetes',
      authMode: 'key',
      kubernetes: { context: double!.context, namespace, registry: process.env.CTR_REGISTRY, replicas: 2 },
    })) as ServiceStatus | undefined;
    assert.ok(service, `deploy failed: ${api.lastOutcome()?.error?.message ?? '?'}`);
    assert.equal(service.state, 'Healthy');
    assert.equal(service.computeType, 'kubernetes');
    assert.deepEqual(service.replicas, { ready: 2, desired: 2 });
    const image = join(projectDir(), 'fashion', 'sneaker.png');
    const answer = (await vscode.commands.executeCommand('modelport.service.invoke', name, { file: image, show: false })) as { status: number; body: { predictions: Array<Array<{ label: string }>> } };
    assert.equal(answer?.status, 200, JSON.stringify(answer ?? api.lastOutcome()?.error?.message));
    assert.equal(answer.body.predictions[0]?.[0]?.label, 'Sneaker');
    const refused = await fetch(service.scoringUri, { method: 'POST', headers: { 'content-type': 'image/png' }, body: await readFile(image) });
    assert.equal(refused.status, 401, 'key auth on the cluster too');
    const node = await waitUntil('the Kubernetes service in the tree', async () => {
      await api.tree.reload();
      const n = await findNode(api, `service:${name}`);
      return n?.kind === 'service' && n.service.state === 'Healthy' ? n : undefined;
    });
    await api.tree.reveal(node);
    await vscode.commands.executeCommand('modelport.views.workspace.focus');
    for (; widened < 8; widened++) await vscode.commands.executeCommand('workbench.action.decreaseViewWidth').then(undefined, () => undefined);
    await screenshot('tree-kubernetes-service.png', [`.monaco-list-row:has-text("${name}")`, '.monaco-list-row:has-text("aks-modelport-demo")']);
  });

  test("streams the pods' log into the service's channel", async () => {
    assert.ok(service, 'the deploy test ran');
    await vscode.commands.executeCommand('modelport.service.logs', name);
    assert.ok(api.followedLogs().includes(name));
  });
});
