import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BadRequestError, CancelledError, ConfigError, ConflictError, NotFoundError } from '../../../../src/core/errors';
import { ModelRegistry, manifestHash } from '../../../../src/core/registry/modelRegistry';
import { buildSequenceModel, buildTestModel } from '../../../helpers/onnxModels';
import { withTempDir } from './tempDir';

const sha256 = (bytes: Uint8Array | string) => createHash('sha256').update(bytes).digest('hex');

async function setup(dir: string): Promise<{ registry: ModelRegistry; workspace: string; onnxFile: string }> {
  const onnxFile = join(dir, 'src', 'model.onnx');
  await mkdir(join(dir, 'src'), { recursive: true });
  await writeFile(onnxFile, buildTestModel());
  const workspace = join(dir, 'ws');
  return { registry: new ModelRegistry(workspace), workspace, onnxFile };
}

test('registers versions 1, 2, 3 in order and records hash, size, signature and metadata', () =>
  withTempDir(async (dir) => {
    const { registry, workspace, onnxFile } = await setup(dir);
    const bytes = await readFile(onnxFile);
    const versions = [];
    for (let i = 0; i < 3; i++) {
      versions.push((await registry.register({ source: onnxFile, name: 'adder', description: `try ${i}`, tags: { stage: 'dev' }, properties: { acc: '0.9' } })).version);
    }
    assert.deepEqual(versions, [1, 2, 3]);

    const m = await registry.get('adder:2');
    assert.equal(m.id, 'adder:2');
    assert.equal(m.path, join(workspace, 'models', 'adder', '2'));
    assert.equal(m.description, 'try 1');
    assert.deepEqual(m.tags, { stage: 'dev' });
    assert.deepEqual(m.properties, { acc: '0.9' });
    assert.equal(m.framework, 'onnx');
    assert.equal(m.modelFile, 'model.onnx');
    assert.equal(m.sha256, sha256(bytes));
    assert.equal(m.size, bytes.length);
    assert.deepEqual(m.files, [{ path: 'model.onnx', size: bytes.length, sha256: sha256(bytes) }]);
    assert.ok(!Number.isNaN(Date.parse(m.createdTime)));
    assert.deepEqual(m.signature?.inputs.map((i) => [i.name, i.type, i.shape]), [['x', 'float32', ['batch', 3]], ['tokens', 'int64', ['batch', null]]]);
    assert.deepEqual(await readFile(join(m.path, 'model.onnx')), bytes);
    assert.deepEqual((await readdir(m.path)).sort(), ['model.meta.json', 'model.onnx']);
  }));

test('resolves name, name:N and name:latest; bad and unknown references are clear errors', () =>
  withTempDir(async (dir) => {
    const { registry, onnxFile } = await setup(dir);
    await assert.rejects(registry.get('adder'), (err: unknown) => err instanceof NotFoundError && /No models are registered/.test(err.message));
    for (let i = 0; i < 3; i++) await registry.register({ source: onnxFile, name: 'adder' });
    await registry.register({ source: onnxFile, name: 'other' });
    assert.equal((await registry.get('adder')).version, 3);
    assert.equal((await registry.get('adder:latest')).version, 3);
    assert.equal((await registry.get('adder:2')).version, 2);
    await assert.rejects(registry.get('adder:'), (err: unknown) => err instanceof BadRequestError && /NAME:VERSION/.test(err.message));
    await assert.rejects(registry.get('adder:x'), BadRequestError);
    await assert.rejects(registry.get('adder:7'), (err: unknown) => err instanceof NotFoundError && /no version 7\. Known versions: 1, 2, 3\./.test(err.message));
    await assert.rejects(registry.get('nope'), (err: unknown) => err instanceof NotFoundError && /"nope" is not registered\. Registered models: adder, other\./.test(err.message));
    assert.equal(await registry.modelPath('adder'), (await registry.get('adder:3')).path);
    assert.equal(await registry.modelPath('adder', 1), (await registry.get('adder:1')).path);
    const listed = await registry.list();
    assert.deepEqual(listed.models.map((m) => m.id), ['adder:1', 'adder:2', 'adder:3', 'other:1']);
    assert.deepEqual((await registry.list({ name: 'other' })).models.map((m) => m.id), ['other:1']);
    assert.deepEqual((await registry.list({ name: 'absent' })).models, []);
  }));

test('a folder source keeps its tree, picks its .onnx and hashes the sorted file list', () =>
  withTempDir(async (dir) => {
    const { registry } = await setup(dir);
    const folder = join(dir, 'folder');
    await mkdir(join(folder, 'sub'), { recursive: true });
    await writeFile(join(folder, 'net.onnx'), buildTestModel());
    await writeFile(join(folder, 'model.json'), '{"labels": ["a"]}');
    await writeFile(join(folder, 'sub', 'labels.txt'), 'a\nb\n');
    const m = await registry.register({ source: folder, name: 'bundle' });
    assert.deepEqual(m.files.map((f) => f.path), ['model.json', 'net.onnx', 'sub/labels.txt']);
    for (const f of m.files) assert.equal(f.sha256, sha256(await readFile(join(folder, ...f.path.split('/')))));
    const expected = sha256(m.files.map((f) => `${f.sha256}  ${f.path}\n`).join(''));
    assert.equal(m.sha256, expected);
    assert.equal(manifestHash([...m.files].reverse()), expected);
    assert.equal(m.modelFile, 'net.onnx');
    assert.equal(m.framework, 'onnx');
    assert.equal(m.size, m.files.reduce((n, f) => n + f.size, 0));
    assert.equal(await readFile(join(m.path, 'sub', 'labels.txt'), 'utf8'), 'a\nb\n');
  }));

test('a non-ONNX source is framework custom; an unsupported ONNX input is recorded, not fatal', () =>
  withTempDir(async (dir) => {
    const { registry } = await setup(dir);
    const pkl = join(dir, 'model.pkl');
    await writeFile(pkl, 'not onnx');
    const custom = await registry.register({ source: pkl, name: 'sk' });
    assert.equal(custom.framework, 'custom');
    assert.equal(custom.signature, undefined);
    assert.equal(custom.modelFile, undefined);
    const seq = join(dir, 'seq.onnx');
    await writeFile(seq, buildSequenceModel());
    const m = await registry.register({ source: seq, name: 'seq' });
    assert.equal(m.signature, undefined);
    assert.match(m.signatureProblem ?? '', /sequenceType/);
  }));

test('bad sources fail clearly and write nothing', () =>
  withTempDir(async (dir) => {
    const { registry, workspace, onnxFile } = await setup(dir);
    await assert.rejects(registry.register({ source: join(dir, 'missing.onnx'), name: 'm' }), (err: unknown) =>
      err instanceof NotFoundError && err.message.includes(join(dir, 'missing.onnx')));
    await assert.rejects(registry.register({ source: onnxFile, name: 'bad name' }), BadRequestError);
    const empty = join(dir, 'empty');
    await mkdir(empty);
    await assert.rejects(registry.register({ source: empty, name: 'm' }), /contains no files/);
    assert.equal(existsSync(workspace), false);

    const broken = join(dir, 'broken.onnx');
    await writeFile(broken, 'version https://git-lfs.github.com/spec/v1\n');
    await assert.rejects(registry.register({ source: broken, name: 'm' }), (err: unknown) =>
      err instanceof BadRequestError && err.message.includes(`${broken} is not a valid ONNX model`));
    assert.deepEqual(await registry.list(), { models: [], problems: [] });
    assert.deepEqual(await readdir(join(workspace, 'models', '.staging')), []);
  }));

test('a corrupt meta file is reported by list with its path while the others stay listed', () =>
  withTempDir(async (dir) => {
    const { registry, onnxFile } = await setup(dir);
    for (let i = 0; i < 3; i++) await registry.register({ source: onnxFile, name: 'adder' });
    await registry.register({ source: onnxFile, name: 'other' });
    const badJson = join((await registry.get('adder:2')).path, 'model.meta.json');
    await writeFile(badJson, '{"name": "adder", ');
    const badShape = join((await registry.get('other:1')).path, 'model.meta.json');
    const meta = JSON.parse(await readFile(badShape, 'utf8')) as Record<string, unknown>;
    await writeFile(badShape, JSON.stringify({ ...meta, sha256: 'nope' }));

    const { models, problems } = await registry.list();
    assert.deepEqual(models.map((m) => m.id), ['adder:1', 'adder:3']);
    assert.deepEqual(problems.map((p) => p.file).sort(), [badJson, badShape].sort());
    assert.match(problems.find((p) => p.file === badJson)?.message ?? '', /not valid JSON/);
    assert.match(problems.find((p) => p.file === badShape)?.message ?? '', /invalid at \/sha256/);
    await assert.rejects(registry.get('adder:2'), (err: unknown) => err instanceof ConfigError && err.file === badJson && err.message.includes(badJson));
    assert.equal((await registry.get('adder:3')).version, 3);
    // The corrupt version can still be deleted, which is what the error message tells the user to do.
    await registry.delete('adder:2');
    assert.deepEqual((await registry.list()).problems.map((p) => p.file), [badShape]);
  }));

test('delete is refused while a service uses the version and allowed otherwise', () =>
  withTempDir(async (dir) => {
    const { registry, onnxFile } = await setup(dir);
    await registry.register({ source: onnxFile, name: 'adder' });
    await registry.register({ source: onnxFile, name: 'adder' });
    const asked: string[] = [];
    const inUseBy = async (ref: string) => {
      asked.push(ref);
      return ref === 'adder:2' ? ['web', 'batch'] : [];
    };
    await assert.rejects(registry.delete('adder:latest', { inUseBy }), (err: unknown) =>
      err instanceof ConflictError && /adder:2 is used by services web, batch/.test(err.message));
    assert.equal((await registry.get('adder:2')).version, 2);
    await assert.rejects(registry.delete('adder', { inUseBy }), (err: unknown) => err instanceof BadRequestError && /adder:latest/.test(err.message));
    assert.deepEqual(await registry.delete('adder:1', { inUseBy }), { name: 'adder', version: 1 });
    assert.deepEqual(asked, ['adder:2', 'adder:1']);
    await assert.rejects(registry.get('adder:1'), NotFoundError);
    await registry.delete('adder:2');
    await assert.rejects(registry.get('adder'), NotFoundError);
    assert.deepEqual(await registry.list(), { models: [], problems: [] });
    await assert.rejects(registry.delete('adder:2'), NotFoundError);
  }));

test('download copies identical bytes, refuses to overwrite, and detects a damaged store', () =>
  withTempDir(async (dir) => {
    const { registry } = await setup(dir);
    const folder = join(dir, 'folder');
    await mkdir(join(folder, 'sub'), { recursive: true });
    await writeFile(join(folder, 'model.onnx'), buildTestModel());
    await writeFile(join(folder, 'sub', 'vocab.txt'), 'hello');
    const m = await registry.register({ source: folder, name: 'bundle' });
    const out = join(dir, 'out');
    const written = await registry.download('bundle:1', out);
    assert.deepEqual(written, [join(out, 'model.onnx'), join(out, 'sub', 'vocab.txt')]);
    assert.deepEqual(await readFile(join(out, 'model.onnx')), await readFile(join(folder, 'model.onnx')));
    assert.equal(await readFile(join(out, 'sub', 'vocab.txt'), 'utf8'), 'hello');
    assert.equal(existsSync(join(out, 'model.meta.json')), false);
    await assert.rejects(registry.download('bundle', out), ConflictError);
    await writeFile(join(m.path, 'sub', 'vocab.txt'), 'tampered');
    await assert.rejects(registry.download('bundle', out, { overwrite: true }), (err: unknown) => err instanceof ConfigError && /no longer matches/.test(err.message));
    assert.equal(await readFile(join(out, 'sub', 'vocab.txt'), 'utf8'), 'hello');
  }));

test('aborting mid-register leaves nothing visible and cleans its staging folder', () =>
  withTempDir(async (dir) => {
    const { registry, workspace } = await setup(dir);
    const big = join(dir, 'big.bin');
    await writeFile(big, Buffer.alloc(8 * 1024 * 1024, 7));
    const controller = new AbortController();
    await assert.rejects(
      registry.register({
        source: big,
        name: 'big',
        signal: controller.signal,
        onProgress: ({ bytesDone }) => {
          if (bytesDone > 1024 * 1024) controller.abort();
        },
      }),
      CancelledError,
    );
    assert.deepEqual(await registry.list(), { models: [], problems: [] });
    assert.deepEqual(await readdir(join(workspace, 'models', '.staging')), []);
    assert.equal(existsSync(join(workspace, 'models', 'big')), false);
    assert.equal((await registry.register({ source: big, name: 'big' })).version, 1);
  }));

test('a version number is never reused while a higher one exists, and refs survive a gap', () =>
  withTempDir(async (dir) => {
    const { registry, onnxFile } = await setup(dir);
    for (let i = 0; i < 3; i++) await registry.register({ source: onnxFile, name: 'adder' });
    await registry.delete('adder:2');
    assert.equal((await registry.register({ source: onnxFile, name: 'adder' })).version, 4);
    await assert.rejects(registry.get('adder:2'), (err: unknown) => err instanceof NotFoundError && /Known versions: 1, 3, 4\./.test(err.message));
  }));

test('concurrent registers in one process all compute the same next version and still get distinct ones', () =>
  withTempDir(async (dir) => {
    const { registry, onnxFile } = await setup(dir);
    const models = await Promise.all(Array.from({ length: 8 }, () => registry.register({ source: onnxFile, name: 'adder' })));
    assert.deepEqual(models.map((m) => m.version).sort((a, b) => a - b), [1, 2, 3, 4, 5, 6, 7, 8]);
    const { models: listed, problems } = await registry.list();
    assert.deepEqual(problems, []);
    for (const m of listed) assert.equal(m.version, Number(m.path.split(/[\\/]/).at(-1)));
  }));

test('tags and properties must be strings; a bad one is refused before anything is published', () =>
  withTempDir(async (dir) => {
    const { registry, onnxFile, workspace } = await setup(dir);
    const tags = { epochs: 3 } as unknown as Record<string, string>;
    await assert.rejects(registry.register({ source: onnxFile, name: 'adder', tags }), (err: unknown) => err instanceof BadRequestError && /\/tags\/epochs/.test(err.message));
    assert.deepEqual(await registry.list(), { models: [], problems: [] });
    assert.deepEqual(await readdir(join(workspace, 'models', '.staging')), []);
  }));
