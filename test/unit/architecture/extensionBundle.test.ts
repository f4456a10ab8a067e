// What the extension host loads at activation: dist/extension.js. Bundled here with the build's own settings,
// its inputs and imports are read from esbuild's metafile: no server or service-host code, and no heavy
// package (sharp, onnxruntime-node, esbuild) imported at all. The tester's image preprocessing is its own bundle.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readFileSync } from 'node:fs';
import { build } from 'esbuild';

test('the extension bundle imports no sharp, onnxruntime or esbuild, and holds no server or service-host code', async () => {
  const result = await build({
    entryPoints: ['src/extension.ts'],
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    external: ['vscode', 'onnxruntime-node', 'sharp', 'esbuild'],
    mainFields: ['module', 'main'],
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  const inputs = Object.keys(result.metafile.inputs);
  assert.ok(inputs.some((i) => i.startsWith('src/vscode/')), 'the metafile lists the sources');
  assert.deepEqual(inputs.filter((i) => /^src\/(server|serviceHost)\//.test(i)), []);
  const output = Object.values(result.metafile.outputs)[0];
  const imported = (output?.imports ?? []).map((i) => i.path);
  assert.ok(imported.includes('vscode'));
  assert.deepEqual(imported.filter((p) => ['sharp', 'onnxruntime-node', 'esbuild'].includes(p)), []);
});

test('the tester\'s image preprocessing bundle is the one that loads sharp', async () => {
  const result = await build({ entryPoints: ['src/core/preprocess/imageTensor.ts'], bundle: true, platform: 'node', format: 'cjs', external: ['sharp'], write: false, metafile: true, logLevel: 'silent' });
  const imported = (Object.values(result.metafile.outputs)[0]?.imports ?? []).map((i) => i.path);
  assert.ok(imported.includes('sharp'));
});

test('@kubernetes/client-node is left out of the bundles, imported only by the Kubernetes modules, on first use', async () => {
  const buildScript = readFileSync('scripts/build.mjs', 'utf8');
  assert.match(buildScript, /const external = \[[^\]]*'@kubernetes\/client-node'/, 'scripts/build.mjs leaves it external');
  const result = await build({
    entryPoints: ['src/extension.ts'],
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    external: ['vscode', 'onnxruntime-node', 'sharp', 'esbuild', '@kubernetes/client-node'],
    mainFields: ['module', 'main'],
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  const imports = Object.entries(result.metafile.inputs).filter(([, input]) => input.imports.some((i) => i.path === '@kubernetes/client-node' && !i.path.startsWith('.')));
  for (const [file, input] of imports) {
    assert.match(file, /^src\/core\/services\/kubernetes\//, `${file} imports the client`);
    assert.ok(input.imports.filter((i) => i.path === '@kubernetes/client-node').every((i) => i.kind === 'dynamic-import'), `${file} imports it with import()`);
  }
  assert.ok(imports.length > 0, 'the kubeconfig module imports it');
});
