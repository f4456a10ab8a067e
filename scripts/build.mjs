// Bundles every entry point with esbuild. Native and heavy modules stay external: they are loaded from
// node_modules at run time (onnxruntime-node and sharp carry platform binaries; esbuild compiles score.ts).
import { build } from 'esbuild';

const external = ['vscode', 'onnxruntime-node', 'sharp', 'esbuild'];
// jsonc-parser's UMD main build requires files esbuild cannot see; its ESM build bundles cleanly.
const common = { bundle: true, platform: 'node', target: 'node20', format: 'cjs', sourcemap: true, external, mainFields: ['module', 'main'], logLevel: 'warning' };

const entries = [
  { in: 'src/cli.ts', out: 'dist/cli.js' },
  { in: 'src/demo.ts', out: 'dist/demo.js' },
];

await Promise.all(entries.map((e) => build({ ...common, entryPoints: [e.in], outfile: e.out })));
