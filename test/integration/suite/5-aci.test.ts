// Azure Container Instances from a real VS Code, against the Azure contract doubles that scripts/integration.ts
// starts (test/doubles/azure): sign in (the setting modelport.azure.signIn = defaultAzureCredential, so the real
// @azure/identity signs in to the Entra double with the service principal in the host's environment — the editor
// of these tests has no Microsoft account), deploy with key auth, see the service in the tree with where it runs
// (screenshot test-results/screenshots/tree-aci-service.png), score sneaker.png with the endpoint tester at the
// service's azurecontainer.io URI, stream its log into its output channel, update it (a restart, with its
// downtime) and delete it. The extension host reaches the doubles' azurecontainer.io names through their resolving
// proxy (VS Code's http.proxy setting), since VS Code strips the LD_PRELOAD nss_wrapper needs. Skips with the reason when the doubles could not run (no engine, registry or nss_wrapper).
import * as assert from 'node:assert/strict';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { RegisteredModel } from '../../../src/core/registry/modelMeta';
import type { ServiceStatus } from '../../../src/core/services/types';
import type { ModelportApi } from '../../../src/extension';
import type { TesterOutcome } from '../../../src/vscode/webviews/testerHostEnv';
import { activateModelport, findNode, projectDir, screenshot, waitUntil } from './helpers';

const serviceName = `aci-host-${Math.random().toString(36).slice(2, 6)}`;
const modelName = 'aci-fashion';
const skipReason = process.env.MODELPORT_TEST_AZURE_SKIP;

suite('Azure Container Instances in a real VS Code (against the Azure doubles)', function () {
  // An image build, a push and a container start per deploy and per update: minutes on a busy machine.
  this.timeout(600_000);
  let api: ModelportApi;
  let models: string[] = [];

  suiteSetup(async function () {
    if (skipReason) {
      console.log(`ACI suite skipped: ${skipReason}`);
      this.skip();
    }
    api = await activateModelport();
    // The doubles' test CA reaches this process through NODE_EXTRA_CA_CERTS; VS Code's own certificate handling
    // (http.systemCertificates) replaces the CA list of the extension host's connections unless turned off.
    await vscode.workspace.getConfiguration('http').update('systemCertificates', false, vscode.ConfigurationTarget.Global);
    // VS Code strips LD_PRELOAD from its extension host, so nss_wrapper cannot resolve the double-made
    // azurecontainer.io names here: the editor's own proxy setting sends requests through the doubles' resolving
    // proxy (test/doubles/azure/dnsProxy.ts), as a corporate proxy would carry them.
    await vscode.workspace.getConfiguration('http').update('proxy', process.env.MODELPORT_TEST_HTTP_PROXY, vscode.ConfigurationTarget.Global);
    await vscode.workspace.getConfiguration('modelport.azure').update('signIn', 'defaultAzureCredential', vscode.ConfigurationTarget.Workspace);
    for (let i = 0; i < 2; i++) {
      const m = (await vscode.commands.executeCommand('modelport.model.register', vscode.Uri.file(join(projectDir(), 'fashion', 'model.onnx')), { name: modelName, source: 'folder' })) as RegisteredModel | undefined;
      assert.ok(m, `register failed: ${api.lastOutcome()?.error?.message ?? '?'}`);
      models.push(m.id);
    }
  });

  suiteTeardown(async () => {
    if (skipReason) return;
    await vscode.commands.executeCommand('modelport.service.delete', serviceName, { confirm: false });
    for (const m of models) await vscode.commands.executeCommand('modelport.model.delete', m, { confirm: false });
    models = [];
    await vscode.workspace.getConfiguration('modelport.azure').update('signIn', undefined, vscode.ConfigurationTarget.Workspace);
    await vscode.workspace.getConfiguration('http').update('systemCertificates', undefined, vscode.ConfigurationTarget.Global);
    await vscode.workspace.getConfiguration('http').update('proxy', undefined, vscode.ConfigurationTarget.Global);
  });

  test('Sign in to Azure signs in with the service principal; the view shows the account', async () => {
    const account = (await vscode.commands.executeCommand('modelport.azure.signIn')) as string | undefined;
    assert.equal(account, `service principal ${process.env.AZURE_CLIENT_ID ?? ''}`, api.lastOutcome()?.error?.message);
  });

  let service: ServiceStatus;
  test('deploys to ACI with key auth and sees it Healthy in the tree, with its subscription and resource group', async () => {
    // The subscription and the resource group are picked as a user picks them (listed from ARM); the registry is given.
    await vscode.commands.executeCommand('notifications.clearAll');
    const running = vscode.commands.executeCommand('modelport.model.deploy', models[0], { name: serviceName, computeType: 'aci', authMode: 'key', azure: { registry: process.env.MODELPORT_REGISTRY } });
    await screenshot('aci-pick-subscription.png', ['.quick-input-widget .monaco-list-row:has-text("Modelport test subscription")']);
    await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
    await screenshot('aci-pick-resource-group.png', [`.quick-input-widget .monaco-list-row:has-text("${process.env.AZURE_RESOURCE_GROUP ?? ''}")`]);
    await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
    service = (await running) as ServiceStatus;
    assert.ok(service, `deploy failed: ${api.lastOutcome()?.error?.message ?? '?'}`);
    assert.equal(service.state, 'Healthy');
    assert.deepEqual(service.target.kind === 'aci' ? [service.target.subscriptionId, service.target.resourceGroup] : [], [process.env.AZURE_SUBSCRIPTION_ID, process.env.AZURE_RESOURCE_GROUP]);
    assert.match(service.scoringUri, /^http:\/\/aci-host-[a-z0-9]+-[0-9a-f]{8}\.westeurope\.azurecontainer\.io\/score$/);
    const node = await waitUntil('the ACI service in the tree', async () => {
      await api.tree.reload();
      const n = await findNode(api, `service:${serviceName}`);
      return n?.kind === 'service' && n.service.state === 'Healthy' ? n : undefined;
    });
    assert.equal(node.kind === 'service' ? node.service.computeType : '', 'aci');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('modelport.views.workspace.focus');
    await api.tree.reveal(node);
    for (let i = 0; i < 3; i++) await vscode.commands.executeCommand('workbench.action.decreaseViewWidth').then(undefined, () => undefined);
    await screenshot('tree-aci-service.png', [`.monaco-list-row:has-text("${serviceName}")`, `.monaco-list-row:has-text("${process.env.AZURE_RESOURCE_GROUP ?? ''}")`]);
  });

  test('the endpoint tester scores sneaker.png at the azurecontainer.io URI: Sneaker', async () => {
    const before = api.tester.lastOutcome();
    await vscode.commands.executeCommand('modelport.service.test', { service: serviceName, images: [join(projectDir(), 'fashion', 'sneaker.png')], send: true });
    const outcome = await waitUntil<TesterOutcome>('the tester to answer', async () => {
      const now = api.tester.lastOutcome();
      return now !== undefined && now !== before ? now : undefined;
    });
    assert.ok(outcome.ok, outcome.ok ? '' : outcome.message);
    assert.equal(outcome.result.status, 200, outcome.result.body);
    assert.equal(outcome.result.url, service.scoringUri);
    assert.equal(outcome.result.predictions?.[0]?.[0]?.label, 'Sneaker');
  });

  test('the service log streams into its output channel', async () => {
    await vscode.commands.executeCommand('modelport.service.logs', serviceName);
    assert.ok(api.followedLogs().includes(serviceName));
  });

  test('update to the second version restarts the group (confirmed) and reaches Healthy again', async () => {
    const updated = (await vscode.commands.executeCommand('modelport.service.update', serviceName, { model: models[1], confirm: false })) as ServiceStatus | undefined;
    assert.ok(updated, `update failed: ${api.lastOutcome()?.error?.message ?? '?'}`);
    assert.deepEqual([updated.state, updated.models, updated.scoringUri, updated.updateStrategy], ['Healthy', [models[1]], service.scoringUri, 'restart']);
  });

  test('delete removes the container group; the URI stops answering', async () => {
    await vscode.commands.executeCommand('modelport.service.delete', serviceName, { confirm: false });
    assert.equal(api.lastOutcome()?.error, undefined, api.lastOutcome()?.error?.message);
    await assert.rejects(fetch(service.scoringUri, { signal: AbortSignal.timeout(5000) }));
    await api.tree.reload();
    assert.equal(await findNode(api, `service:${serviceName}`), undefined);
  });
});
