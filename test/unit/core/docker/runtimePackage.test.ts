// The runtime's package files, cut out of Modelport's lockfile.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { planRuntimePackage, planRuntimePackageFromVersions } from '../../../../src/core/docker/runtimePackage';

const lockText = readFileSync('package-lock.json', 'utf8');

describe('planRuntimePackage', () => {
  test('pins onnxruntime-node, sharp and esbuild at the locked versions, with everything they need and nothing else', () => {
    const plan = planRuntimePackage(lockText);
    const full = JSON.parse(lockText) as { packages: Record<string, { version?: string; dev?: boolean }> };
    const pkg = JSON.parse(plan.packageJson) as { dependencies: Record<string, string> };
    assert.deepEqual(Object.keys(pkg.dependencies).sort(), ['esbuild', 'onnxruntime-node', 'sharp']);
    assert.equal(pkg.dependencies['onnxruntime-node'], full.packages['node_modules/onnxruntime-node']?.version);
    const lock = JSON.parse(plan.packageLock ?? '{}') as { lockfileVersion: number; packages: Record<string, { dev?: boolean }> };
    assert.equal(lock.lockfileVersion, 3);
    const paths = Object.keys(lock.packages);
    assert.ok(paths.includes('node_modules/onnxruntime-common'), 'transitive dependencies are kept');
    assert.ok(paths.includes('node_modules/@img/sharp-linux-x64'), 'platform packages stay, npm picks by os/cpu');
    assert.ok(paths.includes('node_modules/@esbuild/linux-x64'));
    assert.ok(!paths.includes('node_modules/fastify') && !paths.includes('node_modules/typescript'), 'bundled and dev packages are left out');
    assert.ok(Object.values(lock.packages).every((p) => !p.dev));
    assert.deepEqual(plan.installCommand.slice(0, 3), ['npm', 'ci', '--omit=dev']);
  });

  test("the environment's extra packages switch to npm install (the lockfile cannot pin them)", () => {
    const plan = planRuntimePackage(lockText, { 'left-pad': '1.3.0', sharp: '0.1.0' });
    const pkg = JSON.parse(plan.packageJson) as { dependencies: Record<string, string> };
    assert.equal(pkg.dependencies['left-pad'], '1.3.0');
    assert.notEqual(pkg.dependencies.sharp, '0.1.0', "the runtime's own versions win");
    assert.equal(plan.packageLock, undefined);
    assert.deepEqual(plan.installCommand.slice(0, 2), ['npm', 'install']);
  });

  test('a lockfile without a runtime package is refused with what to do', () => {
    assert.throws(() => planRuntimePackage(JSON.stringify({ lockfileVersion: 3, packages: { '': {} } })), /no entry for onnxruntime-node; reinstall Modelport/);
  });

  test('without a lockfile: the installed versions', () => {
    const plan = planRuntimePackageFromVersions({ sharp: '0.35.5' }, { extra: '^1' });
    assert.deepEqual(JSON.parse(plan.packageJson).dependencies, { extra: '^1', sharp: '0.35.5' });
  });
});
