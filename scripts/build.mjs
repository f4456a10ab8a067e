// Bundles every entry point with esbuild. Native and heavy modules stay external: they are loaded from
// node_modules at run time (onnxruntime-node and sharp carry platform binaries; esbuild compiles score.ts).
import { readdirSync } from 'node:fs';
import { build } from 'esbuild';

// @kubernetes/client-node (an ES module of ~15 MB with its dependencies) is loaded only for Kubernetes services:
// left external, it costs the extension's activation and the service images nothing.
const external = ['vscode', 'onnxruntime-node', 'sharp', 'esbuild', '@kubernetes/client-node'];
// jsonc-parser's UMD main build requires files esbuild cannot see; its ESM build bundles cleanly.
const common = { bundle: true, platform: 'node', target: 'node20', format: 'cjs', sourcemap: true, external, mainFields: ['module', 'main'], logLevel: 'warning' };

const entries = [
  { in: 'src/cli.ts', out: 'dist/cli.js' },
  { in: 'src/demo.ts', out: 'dist/demo.js' },
  // The VS Code extension: `vscode` is provided by the extension host.
  { in: 'src/extension.ts', out: 'dist/extension.js' },
  // The tester's image preprocessing (it needs sharp): required by the extension on first use only.
  { in: 'src/core/preprocess/imageTensor.ts', out: 'dist/imageTensor.js' },
];

// Integration suites (mocha inside a real extension host): one bundle per file of test/integration/suite,
// mocha loaded from node_modules at run time. See scripts/integration.ts.
const integration = readdirSync('test/integration/suite')
  .filter((f) => f.endsWith('.ts'))
  .map((f) => ({ in: `test/integration/suite/${f}`, out: `out/test/integration/${f.replace(/\.ts$/, '.js')}` }));

// (webview bundles go in their own block below, with their own browser settings)

// The Python runtime's worker and its stand-in packages (python/): run by the server beside dist/cli.js, so
// they ship in dist/ (the VSIX carries dist/; the docker build context copies dist/python with cli.js).
{
  const { cpSync, rmSync } = await import('node:fs');
  rmSync('dist/python', { recursive: true, force: true });
  cpSync('python', 'dist/python', { recursive: true, filter: (src) => !src.includes('__pycache__') && !src.endsWith('.pyc') });
}

await Promise.all([
  // The extension's bundle notes when it starts to load: activate() reports load and activation times (aim 5 of
  // the benchmarks reads them from a real extension host).
  ...entries.map((e) => build({ ...common, entryPoints: [e.in], outfile: e.out, ...(e.out === 'dist/extension.js' ? { banner: { js: 'globalThis.__modelportBundleStart = performance.now();' } } : {}) })),
  ...integration.map((e) => build({ ...common, external: [...external, 'mocha'], entryPoints: [e.in], outfile: e.out })),
]);

// The interactive API page (GET /docs) serves Swagger UI from beside the server bundle: copy the two files it
// needs (and the licence) from swagger-ui-dist, so no CDN and no runtime dependency are involved.
{
  const { cpSync, mkdirSync } = await import('node:fs');
  mkdirSync('dist/swagger-ui', { recursive: true });
  for (const f of ['swagger-ui-bundle.js', 'swagger-ui.css', 'LICENSE', 'NOTICE']) cpSync(`node_modules/swagger-ui-dist/${f}`, `dist/swagger-ui/${f}`);
}

// ---- Webviews (browser code; owned by the endpoint tester, issue 5) ----
// Each panel's script is one minified IIFE; its stylesheet and the codicons it uses are copied beside it, so
// that localResourceRoots can stay limited to dist/webview and media.
{
  const { cpSync, mkdirSync } = await import('node:fs');
  const webviewCommon = { bundle: true, platform: 'browser', format: 'iife', target: 'es2022', minify: true, sourcemap: true, logLevel: 'warning' };
  await Promise.all([
    build({ ...webviewCommon, entryPoints: ['webview/tester/main.ts'], outfile: 'dist/webview/tester.js' }),
    build({ ...webviewCommon, entryPoints: ['webview/tester/tester.css'], outfile: 'dist/webview/tester.css' }),
  ]);
  mkdirSync('dist/webview/codicons', { recursive: true });
  for (const f of ['codicon.css', 'codicon.ttf']) cpSync(`node_modules/@vscode/codicons/dist/${f}`, `dist/webview/codicons/${f}`);
}
