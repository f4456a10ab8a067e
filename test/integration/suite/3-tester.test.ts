// The endpoint tester in a real VS Code: deploy the sample model (key auth), open the tester on it with a sample
// apparel image through `modelport.service.test { service, images, send }`, and see the answer reach the host
// and the right label top the chart in the real webview (screenshot test-results/screenshots/tester-in-host.png).
// Then the Explorer's "Test Endpoint with This Image…" on another image. Its own model and service, removed at the end.
import * as assert from 'node:assert/strict';
import { copyFile, mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { RegisteredModel } from '../../../src/core/registry/modelMeta';
import type { ServiceStatus } from '../../../src/core/services/types';
import type { ModelportApi } from '../../../src/extension';
import type { TesterOutcome } from '../../../src/vscode/webviews/testerHostEnv';
import { activateModelport, projectDir, screenshot, waitUntil } from './helpers';

const serviceName = 'tester-svc';
const modelName = 'tester-fashion';

/** The tester's next outcome after `previous` (a different request id, or a failure). */
async function nextOutcome(api: ModelportApi, previous: TesterOutcome | undefined): Promise<TesterOutcome> {
  try {
    return await waitUntil(
      'the tester panel to answer',
      async () => {
        const now = api.tester.lastOutcome();
        return now !== undefined && now !== previous ? now : undefined;
      },
      30_000,
    );
  } catch (err) {
    await screenshot('tester-no-answer.png').catch(() => undefined); // what the panel showed instead
    throw err;
  }
}

function topLabel(outcome: TesterOutcome): string | undefined {
  assert.ok(outcome.ok, `the request failed: ${outcome.ok ? '' : outcome.message}`);
  return outcome.result.predictions?.[0]?.[0]?.label;
}

suite('Endpoint tester in a real VS Code', () => {
  let api: ModelportApi;
  let service: ServiceStatus | undefined;
  const sneaker = (): string => join(projectDir(), 'fashion', 'sneaker.png');

  suiteSetup(async () => {
    api = await activateModelport();
    const model = (await vscode.commands.executeCommand(
      'modelport.model.register',
      vscode.Uri.file(join(projectDir(), 'fashion', 'model.onnx')),
      { name: modelName, source: 'folder' },
    )) as RegisteredModel | undefined;
    assert.ok(model, `register failed: ${api.lastOutcome()?.error?.message ?? '?'}`);
    service = (await vscode.commands.executeCommand('modelport.model.deploy', model.id, { name: serviceName, computeType: 'local', authMode: 'key' })) as ServiceStatus | undefined;
    assert.ok(service, `deploy failed: ${api.lastOutcome()?.error?.message ?? '?'}`);
    assert.equal(service.state, 'Healthy');
  });

  suiteTeardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('workbench.view.explorer'); // the side bar back, as the next pass expects
    await vscode.commands.executeCommand('modelport.service.delete', serviceName, { confirm: false });
    await vscode.commands.executeCommand('modelport.model.delete', `${modelName}:1`, { confirm: false });
    await rm(join(projectDir(), 'tester-images'), { recursive: true, force: true });
  });

  test('Test Endpoint with a sample image, sent at once: 200 and Sneaker on top of the chart', async () => {
    // A clean stage for the screenshot: the tester alone in the editor area, no side bar, no bottom panel.
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('notifications.clearAll');
    const before = api.tester.lastOutcome();
    await vscode.commands.executeCommand('modelport.service.test', { service: serviceName, images: [sneaker()], send: true });
    const outcome = await nextOutcome(api, before);
    assert.equal(topLabel(outcome), 'Sneaker');
    assert.ok(outcome.ok);
    assert.equal(outcome.result.status, 200, outcome.result.body);
    assert.equal(outcome.result.url, service?.scoringUri);
    assert.deepEqual(outcome.result.imageNames, ['sneaker.png']);

    await vscode.commands.executeCommand('workbench.action.closeSidebar');
    await vscode.commands.executeCommand('workbench.action.closePanel');
    await vscode.commands.executeCommand('workbench.action.closeAuxiliaryBar').then(undefined, () => undefined);
    await vscode.commands.executeCommand('workbench.action.joinAllGroups');
    await vscode.commands.executeCommand('notifications.clearAll');
    await screenshot('tester-in-host.png', ['#predictions .top-label:has-text("Sneaker")', '.thumb-name:has-text("sneaker.png")', '#status-line:has-text("200")']);
  });

  test('the open tester follows the workspace: a service deployed appears in its list, a service deleted leaves it', async () => {
    const follower = 'tester-follow';
    const key = `service:${follower}`;
    assert.ok(!api.tester.shownTargets().includes(key));
    const deployed = (await vscode.commands.executeCommand('modelport.model.deploy', `${modelName}:1`, { name: follower, computeType: 'local', authMode: 'none' })) as ServiceStatus | undefined;
    assert.ok(deployed, `deploy failed: ${api.lastOutcome()?.error?.message ?? '?'}`);
    try {
      // The tree sees the new service on its next look (a file event or the health poll) and the panel follows.
      await waitUntil('the tester to list the new service', async () => api.tester.shownTargets().includes(key) || undefined, 30_000);
      // The Modelport view beside the panel: the tree and the tester show the same services.
      await vscode.commands.executeCommand('modelport.views.workspace.focus');
      await api.tree.reload();
      await vscode.commands.executeCommand('notifications.clearAll');
      await screenshot('tester-follows-deploy.png', ['#status-line', `.monaco-list-row:has-text("${follower}")`]);
    } finally {
      await vscode.commands.executeCommand('modelport.service.delete', follower, { confirm: false });
    }
    await waitUntil('the tester to drop the deleted service', async () => !api.tester.shownTargets().includes(key) || undefined, 30_000);
    assert.ok(api.tester.shownTargets().includes(`service:${serviceName}`), 'the other service stays listed');
    await api.tree.reload();
    await screenshot('tester-follows-delete.png', ['#status-line', `.monaco-list-row:has-text("${serviceName}")`]);
  });

  test('the Explorer entry "Test Endpoint with This Image…" sends the image it was opened on', async () => {
    // Another apparel image from the extension's own samples, in the project like any user file.
    const dir = join(projectDir(), 'tester-images');
    await mkdir(dir, { recursive: true });
    const extension = vscode.extensions.getExtension('modelport.modelport');
    assert.ok(extension);
    const bag = join(dir, 'bag.png');
    await copyFile(join(extension.extensionPath, 'samples', 'fashion-mnist', 'images', 'bag.png'), bag);
    const before = api.tester.lastOutcome();
    // As the Explorer calls it, (clicked, selected[]): it asks which service in a quick pick; we take the one offered.
    const uri = vscode.Uri.file(bag);
    const running = vscode.commands.executeCommand('modelport.tester.testImage', uri, [uri]);
    await screenshot('tester-pick-service.png', [`.quick-input-widget .monaco-list-row:has-text("${serviceName}")`]);
    await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
    await running;
    const outcome = await nextOutcome(api, before);
    assert.equal(topLabel(outcome), 'Bag');
    assert.ok(outcome.ok);
    assert.deepEqual(outcome.result.imageNames, ['bag.png'], 'the command replaces the images the panel showed');

    // From code, with the service given: no question.
    const second = api.tester.lastOutcome();
    await vscode.commands.executeCommand('modelport.tester.testImage', vscode.Uri.file(sneaker()), { service: serviceName });
    assert.equal(topLabel(await nextOutcome(api, second)), 'Sneaker');
  });

  test('a missing file is refused with a message, and nothing is sent', async () => {
    const before = api.tester.lastOutcome();
    await vscode.commands.executeCommand('modelport.service.test', { service: serviceName, images: [join(projectDir(), 'no-such.png')], send: true });
    await new Promise((r) => setTimeout(r, 1000));
    assert.equal(api.tester.lastOutcome(), before);
  });
});
