// The user journey in a real VS Code: activate, register the sample model twice through the command, see its
// versions in the tree, deploy, see Healthy, score over HTTP, update to the other version, delete.
import * as assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { ModelportApi } from '../../../src/extension';
import type { RegisteredModel } from '../../../src/core/registry/modelMeta';
import type { ServiceStatus } from '../../../src/core/services/types';
import { commandTable } from '../../../src/vscode/commands/commandTable';
import { activateModelport, findNode, projectDir, screenshot, treeLines, waitUntil } from './helpers';

suite('Modelport in a real VS Code', () => {
  let api: ModelportApi;
  const model = (): vscode.Uri => vscode.Uri.file(join(projectDir(), 'fashion', 'model.onnx'));

  suiteSetup(async () => {
    api = await activateModelport();
  });

  test('activates and registers every command of its table', async () => {
    const all = await vscode.commands.getCommands(true);
    for (const id of Object.keys(commandTable)) assert.ok(all.includes(id), `${id} is registered`);
    assert.ok(vscode.version.startsWith('1.'));
  });

  test('reports its activation time: the bundle loaded and activate() ran (npm run bench records them)', () => {
    const { loadMs, activateMs } = api.activation;
    // The bundle marks its first line: a load time of 0 would mean that mark is gone and aim 5 measures nothing.
    assert.ok(loadMs > 0 && Number.isFinite(loadMs), `load ${loadMs} ms`);
    assert.ok(activateMs > 0 && Number.isFinite(activateMs), `activate ${activateMs} ms`);
    console.log(`__MODELPORT_ACTIVATION__ ${JSON.stringify({ loadMs, activateMs })}`);
  });

  test('an empty workspace shows the welcome view', async () => {
    await vscode.commands.executeCommand('modelport.views.workspace.focus');
    await api.tree.reload();
    assert.deepEqual(await api.tree.children(), []);
    await screenshot('welcome.png', ['.welcome-view-content']);
  });

  test('registers the sample model from its file (twice: two versions) and shows them in the tree', async () => {
    const first = (await vscode.commands.executeCommand('modelport.model.register', model(), { name: 'fashion', source: 'folder' })) as RegisteredModel;
    assert.equal(first?.id, 'fashion:1', `register returned ${JSON.stringify(api.lastOutcome())}`);
    assert.deepEqual(first.signature?.inputs[0]?.shape, ['batch', 1, 28, 28]);
    const second = (await vscode.commands.executeCommand('modelport.model.register', model(), { name: 'fashion', source: 'file' })) as RegisteredModel;
    assert.equal(second.id, 'fashion:2');
    await api.tree.reload();
    const lines = await treeLines(api);
    assert.deepEqual(lines.slice(0, 4), ['group:group:models', '  model:model:fashion', '    version:model:fashion:2', '    version:model:fashion:1']);
  });

  let service: ServiceStatus;
  test('deploys version 1 locally and sees it Healthy in the tree', async () => {
    service = (await vscode.commands.executeCommand('modelport.model.deploy', 'fashion:1', { name: 'fashion-svc', computeType: 'local', authMode: 'key' })) as ServiceStatus;
    assert.ok(service, `deploy failed: ${api.lastOutcome()?.error?.message ?? '?'}`);
    assert.equal(service.state, 'Healthy');
    const node = await waitUntil('the service in the tree', async () => {
      await api.tree.reload();
      const n = await findNode(api, 'service:fashion-svc');
      return n?.kind === 'service' && n.service.state === 'Healthy' ? n : undefined;
    });
    assert.equal(node.kind, 'service');
    const modelNode = await findNode(api, 'model:fashion');
    if (modelNode) await api.tree.reveal(modelNode);
    // A wider side bar, so the descriptions (state, target, scoring URI) show in full. (With the tree
    // focused, code-server 1.100 widens the side bar on decreaseViewWidth: the editor is the view it shrinks.)
    await vscode.commands.executeCommand('modelport.views.workspace.focus');
    for (let i = 0; i < 3; i++) await vscode.commands.executeCommand('workbench.action.decreaseViewWidth').then(undefined, () => undefined);
    await screenshot('tree-healthy-service.png', ['.monaco-list-row:has-text("fashion-svc")', '.monaco-list-row:has-text("Version 1")']);
  });

  test('Invoke with a File scores a sample image with the key from SecretStorage', async () => {
    const image = join(projectDir(), 'fashion', 'sneaker.png');
    const answer = (await vscode.commands.executeCommand('modelport.service.invoke', 'fashion-svc', { file: image, show: false })) as { status: number; body: { predictions: Array<Array<{ label: string }>> } };
    assert.equal(answer?.status, 200, JSON.stringify(answer ?? api.lastOutcome()?.error?.message));
    assert.equal(answer.body.predictions[0]?.[0]?.label, 'Sneaker');
    // And directly, as any client would: without the key it is refused.
    const refused = await fetch(service.scoringUri, { method: 'POST', headers: { 'content-type': 'image/png' }, body: await readFile(image) });
    assert.equal(refused.status, 401);
  });

  test('copies the scoring URI to the clipboard', async () => {
    await vscode.commands.executeCommand('modelport.service.copyScoringUri', 'fashion-svc');
    assert.equal(await vscode.env.clipboard.readText(), service.scoringUri);
  });

  test('shows the service log in its own output channel', async () => {
    await vscode.commands.executeCommand('modelport.service.logs', 'fashion-svc');
    assert.deepEqual(api.followedLogs(), ['fashion-svc']);
  });

  test('updates the service in place to version 2', async () => {
    const updated = (await vscode.commands.executeCommand('modelport.service.update', 'fashion-svc', { model: 'fashion:2' })) as ServiceStatus;
    assert.ok(updated, `update failed: ${api.lastOutcome()?.error?.message ?? '?'}`);
    assert.deepEqual(updated.models, ['fashion:2']);
    assert.equal(updated.scoringUri, service.scoringUri);
    assert.equal(updated.state, 'Healthy');
  });

  test('refuses to delete a model version a service uses, with one message', async () => {
    await vscode.commands.executeCommand('modelport.model.delete', 'fashion:2', { confirm: false });
    assert.match(api.lastOutcome()?.error?.message ?? '', /used by service/);
  });

  test('deletes the service, then the model version', async () => {
    await vscode.commands.executeCommand('modelport.service.delete', 'fashion-svc', { confirm: false });
    assert.equal(api.lastOutcome()?.error, undefined, api.lastOutcome()?.error?.message);
    await assert.rejects(fetch(service.scoringUri));
    await vscode.commands.executeCommand('modelport.model.delete', 'fashion:2', { confirm: false });
    assert.equal(api.lastOutcome()?.error, undefined, api.lastOutcome()?.error?.message);
    await api.tree.reload();
    assert.equal(await findNode(api, 'service:fashion-svc'), undefined);
    assert.equal(await findNode(api, 'model:fashion:2'), undefined);
    assert.ok(await findNode(api, 'model:fashion:1'));
  });
});
