// `--model <folder>` finds the folder's .onnx file, also when it is a link (DVC, git-annex and model caches link
// their files into the working tree).
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import { resolveModelSource } from '../../../../src/server/models/modelSources';

let dir: string;
before(() => (dir = mkdtempSync(join(tmpdir(), 'mp-model-sources-'))));
after(() => rmSync(dir, { recursive: true, force: true }));

test('a .onnx file linked into the folder is the model', async () => {
  const folder = mkdtempSync(join(dir, 'linked-'));
  symlinkSync(resolve('samples/fashion-mnist/model.onnx'), join(folder, 'model.onnx'));
  const source = await resolveModelSource({ path: folder });
  assert.equal(source.onnxFile, join(folder, 'model.onnx'));
});

test('a dangling link is not a model; a real file and a link are two models, refused by name', async () => {
  const dangling = mkdtempSync(join(dir, 'dangling-'));
  symlinkSync(join(dir, 'nothing-here.onnx'), join(dangling, 'model.onnx'));
  assert.equal((await resolveModelSource({ path: dangling })).onnxFile, undefined);
  const both = mkdtempSync(join(dir, 'both-'));
  copyFileSync(resolve('samples/fashion-mnist/model.onnx'), join(both, 'a.onnx'));
  symlinkSync(resolve('samples/fashion-mnist/model.onnx'), join(both, 'b.onnx'));
  await assert.rejects(resolveModelSource({ path: both }), /holds several \.onnx files \(a\.onnx, b\.onnx\)/);
});
