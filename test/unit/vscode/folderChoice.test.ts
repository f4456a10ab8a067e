// Multi-root workspaces: which folder a command acts on, and the tree with one root per folder.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { chooseFolder, folderOf } from '../../../src/vscode/common/folderChoice';
import { folderChildren, localId, presentNode, type FolderSnapshot, type WorkspaceNode } from '../../../src/vscode/tree/workspaceNodes';

const folders = ['/p/alpha', '/p/beta', '/p/beta/nested'];
const none = (): boolean => false;

test('the folder that holds a path is the innermost one; a path outside every folder has none', () => {
  assert.equal(folderOf(folders, '/p/beta/models/m.onnx'), '/p/beta');
  assert.equal(folderOf(folders, '/p/beta/nested/x.onnx'), '/p/beta/nested');
  assert.equal(folderOf(folders, '/p/beta'), '/p/beta');
  assert.equal(folderOf(folders, '/p/betamax/x'), undefined);
  assert.equal(folderOf(folders, '/elsewhere'), undefined);
});

test('a command acts on its node, else its file, else the active editor, else the selection, else the folder with a workspace', () => {
  const node: WorkspaceNode = { kind: 'service', id: '/p/beta::service:s', projectDir: '/p/beta', service: {} as never };
  assert.equal(chooseFolder(folders, { args: [node], activeFile: '/p/alpha/a.ts' }, none), '/p/beta');
  assert.equal(chooseFolder(folders, { args: [{ fsPath: '/p/beta/nested/m.onnx' }], activeFile: '/p/alpha/a.ts' }, none), '/p/beta/nested');
  assert.equal(chooseFolder(folders, { args: [[{ fsPath: '/p/beta/m.onnx' }]] }, none), '/p/beta', 'the Explorer passes a Uri list too');
  assert.equal(chooseFolder(folders, { args: ['svc-name'], activeFile: '/p/alpha/a.ts', selectedFolder: '/p/beta' }, none), '/p/alpha', 'a bare name is not a path');
  assert.equal(chooseFolder(folders, { args: [], selectedFolder: '/p/beta' }, none), '/p/beta');
  assert.equal(chooseFolder(folders, { args: [] }, (f) => f === '/p/beta/nested'), '/p/beta/nested');
  assert.equal(chooseFolder(folders, { args: [] }, none), '/p/alpha');
  assert.equal(chooseFolder(['/only'], { args: [{ fsPath: '/elsewhere/x' }] }, none), '/only');
  assert.equal(chooseFolder([], { args: [] }, none), undefined);
});

const service = (name: string) =>
  ({ name, state: 'Healthy', computeType: 'local', target: { kind: 'local', port: 1 }, authMode: 'none', models: [], scoringUri: 'http://127.0.0.1:1/score' }) as never;

test('several folders: one root per folder with something in it; equal names stay apart; nodes know their folder', () => {
  const snapshots: FolderSnapshot[] = [
    { projectDir: '/p/alpha', name: 'alpha', snapshot: { models: [], services: [service('svc')], problems: [] } },
    { projectDir: '/p/empty', name: 'empty', snapshot: { models: [], services: [], problems: [] } },
    { projectDir: '/p/beta', name: 'beta', snapshot: { models: [], services: [service('svc')], problems: [] } },
  ];
  const roots = folderChildren(snapshots, undefined);
  assert.deepEqual(roots.map((r) => [r.kind, presentNode(r).label]), [['folder', 'alpha'], ['folder', 'beta']]);
  const walk = (node: WorkspaceNode): string[] => folderChildren(snapshots, node).flatMap((c) => [c.id, ...walk(c)]);
  const ids = roots.flatMap((r) => walk(r));
  assert.equal(new Set(ids).size, ids.length, 'ids are unique across folders');
  const services = roots.flatMap((r) => walk(r)).filter((id) => id.endsWith('service:svc'));
  assert.deepEqual(services, ['/p/alpha::service:svc', '/p/beta::service:svc']);
  const betaServices = folderChildren(snapshots, folderChildren(snapshots, roots[1])[1]);
  assert.equal(betaServices[0]?.projectDir, '/p/beta');
  assert.equal(betaServices[0] && localId(betaServices[0]), 'service:svc');
});

test('one folder: the groups at the top, ids as before', () => {
  const one: FolderSnapshot[] = [{ projectDir: '/p/alpha', name: 'alpha', snapshot: { models: [], services: [service('svc')], problems: [] } }];
  const roots = folderChildren(one, undefined);
  assert.deepEqual(roots.map((r) => r.id), ['group:models', 'group:services']);
  assert.equal(roots[0]?.projectDir, undefined);
});
