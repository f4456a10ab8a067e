// Each scaffold command in a real VS Code: files written where asked, valid, opened, never overwritten silently.
import * as assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { parseDeploymentConfig } from '../../../src/core/config/deploymentConfig';
import { parseEnvironmentFile } from '../../../src/core/config/environmentFile';
import { parseInferenceConfig } from '../../../src/core/config/inferenceConfig';
import type { ModelportApi } from '../../../src/extension';
import { activateModelport, projectDir, screenshot, waitUntil } from './helpers';

suite('Scaffolding', () => {
  let api: ModelportApi;
  let dir: string;

  suiteSetup(async () => {
    api = await activateModelport();
    dir = join(projectDir(), 'scoring');
    // The deploy suite leaves fashion:1 registered; register it here too when this suite runs alone.
    const ws = api.workspace();
    if (ws && (await ws.registry.list({})).models.length === 0) {
      await vscode.commands.executeCommand('modelport.model.register', vscode.Uri.file(join(projectDir(), 'fashion', 'model.onnx')), { name: 'fashion', source: 'folder' });
    }
  });

  test('New Entry Script writes a TypeScript script typed by the model signature and opens it', async () => {
    const written = (await vscode.commands.executeCommand('modelport.scaffold.entryScript', { language: 'ts', model: 'fashion:1', folder: dir })) as string[];
    assert.deepEqual(written, [join(dir, 'score.ts')], api.lastOutcome()?.error?.message);
    const text = await readFile(join(dir, 'score.ts'), 'utf8');
    assert.match(text, /image: filled\(\[1, 1, 28, 28\], 0\)/);
    await waitUntil('the script in an editor', async () => (vscode.window.activeTextEditor?.document.uri.fsPath === join(dir, 'score.ts') ? true : undefined), 10_000);
    await vscode.commands.executeCommand('notifications.clearAll');
    await vscode.commands.executeCommand('workbench.action.closePanel');
    await screenshot('entry-script.png', ['.monaco-editor .view-line:has-text("inputSample")']);
  });

  test('refuses to overwrite when told not to', async () => {
    const written = await vscode.commands.executeCommand('modelport.scaffold.entryScript', { language: 'ts', model: 'fashion:1', folder: dir, overwrite: false });
    assert.equal(written, undefined);
    assert.equal(api.lastOutcome()?.error?.name, 'CancelledError');
  });

  test('JavaScript and raw-image variants', async () => {
    await vscode.commands.executeCommand('modelport.scaffold.entryScript', { language: 'js', model: 'fashion:1', folder: dir });
    assert.match(await readFile(join(dir, 'score.js'), 'utf8'), /exports\.run = async function run/);
    await vscode.commands.executeCommand('modelport.scaffold.entryScript', { language: 'raw-image', model: 'fashion:1', folder: dir, fileName: 'image.ts' });
    assert.match(await readFile(join(dir, 'image.ts'), 'utf8'), /export const raw = true/);
  });

  test('New Environment File, New Inference Config and New Deployment Config write valid files', async () => {
    await vscode.commands.executeCommand('modelport.scaffold.environment', { kind: 'node', folder: dir });
    parseEnvironmentFile(await readFile(join(dir, 'environment.json'), 'utf8'), 'environment.json', dir);
    await vscode.commands.executeCommand('modelport.scaffold.inferenceConfig', { folder: dir, entryScript: 'score.ts' });
    const inference = parseInferenceConfig(await readFile(join(dir, 'inferenceconfig.json'), 'utf8'), 'inferenceconfig.json', dir);
    assert.equal(inference.entryScript, join(dir, 'score.ts'));
    assert.equal(inference.environmentFile, join(dir, 'environment.json'));
    await vscode.commands.executeCommand('modelport.scaffold.deploymentConfig', { folder: dir, computeType: 'local', authMode: 'token' });
    const deployment = parseDeploymentConfig(await readFile(join(dir, 'deploymentconfig.json'), 'utf8'), 'deploymentconfig.json', dir);
    assert.equal(deployment.auth, 'token');
  });

  test('the contributed JSON schema checks deploymentconfig.json in the editor', async () => {
    const uri = vscode.Uri.file(join(dir, 'deploymentconfig.json'));
    const doc = await vscode.workspace.openTextDocument(uri);
    const editor = await vscode.window.showTextDocument(doc);
    await editor.edit((e) => e.replace(new vscode.Range(0, 0, doc.lineCount, 0), '{\n  "computeType": "local",\n  "prot": 5001\n}\n'));
    const diagnostics = await waitUntil('a schema diagnostic', async () => {
      const d = vscode.languages.getDiagnostics(uri);
      return d.length > 0 ? d : undefined;
    }, 30_000);
    assert.ok(diagnostics.some((d) => /prot/.test(d.message) || /not allowed/i.test(d.message)), diagnostics.map((d) => d.message).join('; '));
    await vscode.commands.executeCommand('workbench.action.files.revert');
  });
});
