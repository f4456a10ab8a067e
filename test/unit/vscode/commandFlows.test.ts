// Command flows through the scripted Ui: what is asked, in which order, what reaches the core, what the user
// sees on failure. The real registry on a temp folder; services are an in-memory fake of ServiceLifecycle.
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, beforeEach, test } from 'node:test';
import { ModelRegistry } from '../../../src/core/registry/modelRegistry';
import { commandTable } from '../../../src/vscode/commands/commandTable';
import { runCommand } from '../../../src/vscode/commands/runCommand';
import type { ModelportWorkspace } from '../../../src/vscode/common/deps';
import { FakeServices, ScriptedUi, makeDeps } from './fakes';

const root = mkdtempSync(join(tmpdir(), 'modelport-flows-'));
after(() => rmSync(root, { recursive: true, force: true }));
let ws: ModelportWorkspace;
let services: FakeServices;
let onnx: string;

beforeEach(() => {
  const project = mkdtempSync(join(root, 'p-'));
  mkdirSync(join(project, 'fashion'));
  onnx = join(project, 'fashion', 'model.onnx');
  copyFileSync('samples/fashion-mnist/model.onnx', onnx);
  writeFileSync(join(project, 'fashion', 'model.json'), readFileSync('samples/fashion-mnist/model.json'));
  writeFileSync(join(project, 'fashion', 'labels.txt'), readFileSync('samples/fashion-mnist/labels.txt'));
  services = new FakeServices();
  const dir = join(project, '.modelport');
  ws = { projectDir: project, dir, registry: new ModelRegistry(dir), services };
});

const flow = (id: string) => {
  const f = commandTable[id];
  if (!f) throw new Error(id);
  return f;
};

test('register from the explorer: asks file-or-folder (a model.json sits beside it), then the name suggested from the folder', async () => {
  const ui = new ScriptedUi(['The folder fashion/', true]);
  const deps = makeDeps(ws, ui);
  const model = (await runCommand(deps, 'modelport.model.register', flow('modelport.model.register'), [{ fsPath: onnx }])) as { id: string; files: Array<{ path: string }> };
  assert.equal(model.id, 'fashion:1');
  assert.deepEqual(model.files.map((f) => f.path), ['labels.txt', 'model.json', 'model.onnx']);
  assert.deepEqual(ui.calls.filter((c) => c.kind === 'input').map((c) => c.message), ['fashion']);
  assert.equal(deps.refreshes, 1);
});

test('deploy an .onnx file: register, then name, target and auth defaults from settings come first', async () => {
  const ui = new ScriptedUi([true, 'key']);
  const deps = makeDeps(ws, ui, { defaultTarget: 'local', defaultAuthMode: 'key' });
  const status = (await runCommand(deps, 'modelport.model.deploy', flow('modelport.model.deploy'), [{ fsPath: onnx }, { modelName: 'fashion', source: 'file', computeType: 'local' }])) as { name: string };
  assert.equal(status.name, 'fashion-svc');
  assert.deepEqual(services.requests[0], { name: 'fashion-svc', models: ['fashion:1'], computeType: 'local', authMode: 'key' });
  const authPick = ui.calls.find((c) => c.kind === 'pick');
  assert.equal(authPick?.labels?.[0], 'key', 'the default auth mode is offered first');
  assert.ok(deps.log.lines.some((l) => l.includes('[fashion-svc] Starting')), 'progress lines reach the log');
  const infos = ui.calls.filter((c) => c.kind === 'info').map((c) => c.message ?? '');
  assert.ok(!infos.some((m) => /^Registered model/.test(m)), `no "Registered" notification with its own Deploy… button mid-deploy: ${infos.join(' | ')}`);
  assert.equal(infos.length, 1, 'one flow, one notification at its end');
});

test('a dismissed prompt ends the command quietly: no error message, nothing deployed', async () => {
  const ui = new ScriptedUi([undefined]);
  const deps = makeDeps(ws, ui);
  await ws.registry.register({ source: onnx, name: 'fashion' });
  const result = await runCommand(deps, 'modelport.model.deploy', flow('modelport.model.deploy'), ['fashion:1']);
  assert.equal(result, undefined);
  assert.equal(services.requests.length, 0);
  assert.equal(ui.calls.filter((c) => c.kind === 'error').length, 0);
});

test('a failure shows one message and logs it', async () => {
  const ui = new ScriptedUi();
  const deps = makeDeps(ws, ui);
  await runCommand(deps, 'modelport.service.copyScoringUri', flow('modelport.service.copyScoringUri'), ['missing']);
  const errors = ui.calls.filter((c) => c.kind === 'error');
  assert.equal(errors.length, 1);
  assert.match(errors[0]?.message ?? '', /missing does not exist/);
  assert.ok(deps.log.lines.some((l) => l.startsWith('error modelport.service.copyScoringUri failed')));
});

test('keys are cached in secret storage, never logged; regenerate replaces the cache', async () => {
  const ui = new ScriptedUi();
  const deps = makeDeps(ws, ui);
  await services.deploy({ name: 'svc', models: ['fashion:1'], authMode: 'key' });
  await runCommand(deps, 'modelport.service.copyKey', flow('modelport.service.copyKey'), ['svc']);
  await runCommand(deps, 'modelport.service.copyKey', flow('modelport.service.copyKey'), ['svc']);
  assert.deepEqual(ui.clipboard, ['pk-1', 'pk-1']);
  assert.equal(services.keyCalls, 1, 'the second copy comes from SecretStorage');
  await runCommand(deps, 'modelport.service.regenerateKey', flow('modelport.service.regenerateKey'), ['svc', { key: 'primary' }]);
  assert.equal(JSON.parse(deps.secretMap.get('modelport.service.svc.keys') ?? '{}').primaryKey, 'pk-2');
  assert.ok(!deps.log.lines.some((l) => /pk-|sk-/.test(l)), 'no key in the log');
  await runCommand(deps, 'modelport.service.delete', flow('modelport.service.delete'), ['svc', { confirm: false }]);
  assert.equal(deps.secretMap.size, 0, 'deleting the service forgets its credentials');
});

test('delete service asks for confirmation; declining changes nothing', async () => {
  const ui = new ScriptedUi([false]);
  const deps = makeDeps(ws, ui);
  await services.deploy({ name: 'svc', models: ['fashion:1'] });
  await runCommand(deps, 'modelport.service.delete', flow('modelport.service.delete'), ['svc']);
  assert.equal(ui.calls[0]?.kind, 'confirm');
  assert.ok(services.services.has('svc'));
});

test('Open Swagger opens the service\'s interactive API page (/docs), not the raw document', async () => {
  const ui = new ScriptedUi();
  const deps = makeDeps(ws, ui);
  await services.deploy({ name: 'docs-svc', models: ['fashion:1'] });
  const opened = await runCommand(deps, 'modelport.service.openSwagger', flow('modelport.service.openSwagger'), ['docs-svc']);
  assert.equal(opened, 'http://127.0.0.1:5001/docs');
  assert.deepEqual(ui.opened, ['http://127.0.0.1:5001/docs']);
});

test('update offers the other versions of the same model', async () => {
  await ws.registry.register({ source: onnx, name: 'fashion' });
  await ws.registry.register({ source: onnx, name: 'fashion' });
  await ws.registry.register({ source: onnx, name: 'other' });
  await services.deploy({ name: 'svc', models: ['fashion:1'] });
  const ui = new ScriptedUi(['fashion:2']);
  const deps = makeDeps(ws, ui);
  const status = (await runCommand(deps, 'modelport.service.update', flow('modelport.service.update'), ['svc'])) as { models: string[] };
  assert.deepEqual(ui.calls[0]?.labels, ['fashion:2']);
  assert.deepEqual(status.models, ['fashion:2']);
});

test('deleting a model version in use is refused with the services named', async () => {
  await ws.registry.register({ source: onnx, name: 'fashion' });
  await services.deploy({ name: 'svc', models: ['fashion:1'] });
  const ui = new ScriptedUi();
  const deps = makeDeps(ws, ui);
  await runCommand(deps, 'modelport.model.delete', flow('modelport.model.delete'), ['fashion:1', { confirm: false }]);
  assert.match(ui.calls.find((c) => c.kind === 'error')?.message ?? '', /used by service svc/);
});

test('new entry script: kind, model and folder prompts, then the file is written and opened; an existing file needs consent', async () => {
  await ws.registry.register({ source: onnx, name: 'fashion' });
  const ui = new ScriptedUi(['TypeScript', 'fashion:1', '$(root-folder) ' + ws.projectDir.split('/').pop()]);
  const deps = makeDeps(ws, ui);
  const written = (await runCommand(deps, 'modelport.scaffold.entryScript', flow('modelport.scaffold.entryScript'), [])) as string[];
  const file = join(ws.projectDir, 'score.ts');
  assert.deepEqual(written, [file]);
  assert.match(readFileSync(file, 'utf8'), /image: filled\(\[1, 1, 28, 28\], 0\)/);
  assert.deepEqual(ui.opened, [file]);
  writeFileSync(file, 'mine');
  const again = new ScriptedUi([false]);
  await runCommand(makeDeps(ws, again), 'modelport.scaffold.entryScript', flow('modelport.scaffold.entryScript'), [{ language: 'ts', model: 'fashion:1', folder: ws.projectDir }]);
  assert.equal(again.calls[0]?.kind, 'confirm');
  assert.equal(readFileSync(file, 'utf8'), 'mine', 'declining keeps the file');
});

test('new inference config picks up the single entry script and the environment file beside it', async () => {
  writeFileSync(join(ws.projectDir, 'score.js'), '');
  writeFileSync(join(ws.projectDir, 'environment.json'), '{}');
  const deps = makeDeps(ws, new ScriptedUi());
  await runCommand(deps, 'modelport.scaffold.inferenceConfig', flow('modelport.scaffold.inferenceConfig'), [{ folder: ws.projectDir }]);
  const config = JSON.parse(readFileSync(join(ws.projectDir, 'inferenceconfig.json'), 'utf8')) as { entryScript: string; environmentFile: string };
  assert.equal(config.entryScript, 'score.js');
  assert.equal(config.environmentFile, 'environment.json');
  assert.ok(existsSync(join(ws.projectDir, 'inferenceconfig.json')));
});
