// Files kept as links (DVC, git-annex, model caches) count as the files they point to, in a model folder and in
// the folder an image ships; dangling links and links to folders do not.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { buildContextRequest } from '../../../../src/core/docker/contextInputs';
import { isFileOrLinkToFile } from '../../../../src/core/fs/linkedFile';
import { serviceRecordSchema } from '../../../../src/core/services/serviceRecord';

let dir: string;
let src: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'mp-linked-file-'));
  const store = join(dir, 'store');
  mkdirSync(join(store, 'folder'), { recursive: true });
  writeFileSync(join(store, 'weights.bin'), 'w');
  src = join(dir, 'src');
  mkdirSync(join(src, 'sub'), { recursive: true });
  writeFileSync(join(src, 'score.js'), 'exports.init = () => {}; exports.run = () => 1;');
  symlinkSync(join(store, 'weights.bin'), join(src, 'weights.bin'));
  symlinkSync(join(store, 'gone.bin'), join(src, 'dangling.bin'));
  symlinkSync(join(store, 'folder'), join(src, 'linked-folder'));
  writeFileSync(join(src, 'sub', 'labels.txt'), 'a\nb\n');
});
after(() => rmSync(dir, { recursive: true, force: true }));

test('a file and a link to a file are files; a dangling link, a link to a folder and a folder are not', async () => {
  const seen: Record<string, boolean> = {};
  for (const e of readdirSync(src, { withFileTypes: true })) seen[e.name] = await isFileOrLinkToFile(e, join(src, e.name));
  assert.deepEqual(seen, { 'dangling.bin': false, 'linked-folder': false, 'score.js': true, sub: false, 'weights.bin': true });
});

test("an image's source files include a linked file as itself, and leave out dangling and folder links", async () => {
  const record = serviceRecordSchema.parse({
    name: 'linked',
    models: [],
    entryScript: join(src, 'score.js'),
    authMode: 'none',
    corsOrigins: [],
    timeoutMs: 60000,
    scoringUri: 'http://127.0.0.1:1/score',
    swaggerUri: 'http://127.0.0.1:1/swagger.json',
    createdTime: new Date(0).toISOString(),
    updatedTime: new Date(0).toISOString(),
    generation: 1,
    target: { kind: 'local', port: 0 },
  });
  const request = await buildContextRequest(record, { get: () => Promise.reject(new Error('no models here')) }, join(process.cwd(), 'dist', 'cli.js'));
  assert.deepEqual(
    request.source?.files.map((f) => [f.path, f.source]),
    [
      ['score.js', join(src, 'score.js')],
      ['sub/labels.txt', join(src, 'sub', 'labels.txt')],
      ['weights.bin', join(src, 'weights.bin')],
    ],
  );
});
