// npm run package: a platform-specific VSIX (default linux-x64) that works when installed, not only in
// development. The extension and the CLI are esbuild bundles; only the three modules they leave external
// (onnxruntime-node, sharp, esbuild: native binaries or a compiler) ship as files, under dist/node_modules,
// where dist/cli.js (the service host the extension starts) resolves them. They are copied with their
// dependency closure from node_modules into a staging folder, and `vsce package --no-dependencies` packs
// it, .vscodeignore dropping other platforms' binaries, sources, tests and source maps.
//   node scripts/package-vsix.mjs [--target linux-x64] [--out modelport-linux-x64.vsix]
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { spawnSync } from 'node:child_process';

const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? args[i + 1] : fallback;
};
const target = opt('target', 'linux-x64');
const [platform, arch] = target.split('-');
if (target !== `${process.platform}-${process.arch}`) {
  console.error(`This script packs the native modules installed here (${process.platform}-${process.arch}); run it on ${target} to build that package.`);
  process.exit(2);
}
const root = resolve('.');
const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
const out = resolve(opt('out', `${pkg.name}-${pkg.version}-${target}.vsix`));
const stage = join(root, '.tmp', `vsix-${target}`);
rmSync(stage, { recursive: true, force: true });
mkdirSync(stage, { recursive: true });

for (const f of ['dist/extension.js', 'dist/cli.js']) if (!existsSync(f)) throw new Error(`${f} is missing: run npm run build first`);
for (const p of ['dist', 'media', 'schemas', 'samples', '.vscodeignore', 'LICENSE']) {
  if (existsSync(p)) cpSync(p, join(stage, p), { recursive: true, filter: (src) => !src.includes(`${join('dist', 'node_modules')}`) });
}

// The packaged extension's README is docs/extension.md (it links nowhere, so it reads the same everywhere).
cpSync('docs/extension.md', join(stage, 'README.md'));

// The runtime modules and everything they require, as installed (optional platform packages only when
// present, which npm installs for this platform alone).
const runtime = ['onnxruntime-node', 'sharp', 'esbuild', '@kubernetes/client-node'];
// onnxruntime-node's install script (CUDA download) needs these; nothing at run time does.
const installOnly = new Set(['adm-zip', 'global-agent']);
const copied = new Set();
function copyPackage(name, fromDir) {
  if (installOnly.has(name)) return true;
  // Node's resolution: the nearest node_modules up from the requiring package.
  let dir = fromDir;
  let found;
  for (;;) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) {
      found = candidate;
      break;
    }
    if (dir === root || dirname(dir) === dir) break;
    dir = dirname(dir);
  }
  if (found === undefined) return false;
  if (copied.has(found)) return true;
  copied.add(found);
  const dest = join(stage, 'dist', 'node_modules', found.slice(join(root, 'node_modules').length + 1));
  cpSync(found, dest, { recursive: true, dereference: true, filter: (src) => !src.slice(found.length).includes('/node_modules/') });
  const meta = JSON.parse(readFileSync(join(found, 'package.json'), 'utf8'));
  for (const dep of Object.keys(meta.dependencies ?? {})) {
    if (!copyPackage(dep, found)) throw new Error(`${meta.name} needs ${dep}, which is not installed`);
  }
  for (const dep of Object.keys(meta.optionalDependencies ?? {})) copyPackage(dep, found);
  return true;
}
for (const name of runtime) if (!copyPackage(name, root)) throw new Error(`${name} is not installed: run npm ci`);

// The manifest as installed: no dev tooling, runtime dependencies only (documentation: they are packed above).
const manifest = { ...pkg, dependencies: Object.fromEntries(runtime.map((n) => [n, pkg.dependencies[n]])) };
delete manifest.devDependencies;
delete manifest.bin;
delete manifest.files; // npm's list for the CLI package: vsce refuses it beside .vscodeignore
manifest.scripts = {};
writeFileSync(join(stage, 'package.json'), JSON.stringify(manifest, null, 2));

const vsce = join(root, 'node_modules', '@vscode', 'vsce', 'vsce');
const r = spawnSync(process.execPath, [vsce, 'package', '--no-dependencies', '--target', target, '--out', out, '--skip-license', '--allow-missing-repository'], { cwd: stage, stdio: 'inherit' });
rmSync(stage, { recursive: true, force: true });
if (r.status !== 0) process.exit(r.status ?? 1);
console.log(`${out}: ${(statSync(out).size / 1024 / 1024).toFixed(1)} MB (${platform}-${arch})`);
