// The Azure SDKs are bundled into dist/extension.js and dist/cli.js, but only behind a dynamic import(): esbuild
// keeps such a module unevaluated until the import runs, so activating the extension or running a command that
// touches no ACI service evaluates no @azure code. Read from esbuild's metafile: no @azure input is reachable
// from the entry point through static imports alone.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { build, type Metafile } from 'esbuild';

async function staticallyReachable(entry: string): Promise<{ reachable: Set<string>; inputs: string[] }> {
  const result = await build({
    entryPoints: [entry],
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
  const inputs: Metafile['inputs'] = result.metafile.inputs;
  const reachable = new Set<string>([entry]);
  const queue = [entry];
  while (queue.length > 0) {
    const file = queue.shift() ?? '';
    for (const i of inputs[file]?.imports ?? []) {
      if (i.kind === 'dynamic-import' || i.external || reachable.has(i.path)) continue;
      reachable.add(i.path);
      queue.push(i.path);
    }
  }
  return { reachable, inputs: Object.keys(inputs) };
}

for (const entry of ['src/extension.ts', 'src/cli.ts']) {
  test(`${entry}: the Azure SDKs are bundled, and reached only through a dynamic import`, async () => {
    const { reachable, inputs } = await staticallyReachable(entry);
    assert.ok(inputs.some((i) => i.includes('node_modules/@azure/arm-containerinstance/')), 'the SDK is in the bundle');
    assert.ok(inputs.some((i) => i.includes('node_modules/@azure/identity/')), 'the identity library is in the bundle');
    assert.deepEqual([...reachable].filter((i) => i.includes('node_modules/@azure/')), []);
    assert.deepEqual([...reachable].filter((i) => i.startsWith('src/core/services/aci/aciTarget')), []);
  });
}
