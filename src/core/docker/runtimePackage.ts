// The runtime's own package.json and package-lock.json for a service image: only the packages the bundled
// server loads at run time (onnxruntime-node, sharp, esbuild, and what they need), cut out of Modelport's
// lockfile so `npm ci` in the image installs exactly the versions Modelport was tested with. Pure: text in,
// text out.
import { z } from 'zod';

/** The packages dist/cli.js leaves external (scripts/build.mjs) and loads from node_modules. */
export const runtimePackages = ['onnxruntime-node', 'sharp', 'esbuild'] as const;

const lockEntrySchema = z
  .object({
    version: z.string().optional(),
    dependencies: z.record(z.string(), z.string()).optional(),
    optionalDependencies: z.record(z.string(), z.string()).optional(),
    peerDependencies: z.record(z.string(), z.string()).optional(),
    peerDependenciesMeta: z.record(z.string(), z.object({ optional: z.boolean().optional() }).loose()).optional(),
    dev: z.boolean().optional(),
    devOptional: z.boolean().optional(),
    optional: z.boolean().optional(),
    link: z.boolean().optional(),
  })
  .loose();

const lockfileSchema = z
  .object({
    lockfileVersion: z.number().int().min(2),
    packages: z.record(z.string(), lockEntrySchema),
  })
  .loose();

type LockEntry = z.output<typeof lockEntrySchema>;

export interface RuntimePackage {
  packageJson: string;
  /** Undefined when the environment asks for packages the lockfile does not hold (then `npm install` resolves them). */
  packageLock: string | undefined;
  /** The npm command that installs them in the image. */
  installCommand: string[];
}

/** Where npm would find `name` when required from the package at `fromPath` (`node_modules/a/node_modules/b`). */
function resolveIn(packages: Record<string, LockEntry>, fromPath: string, name: string): string | undefined {
  let base = fromPath;
  for (;;) {
    const candidate = base === '' ? `node_modules/${name}` : `${base}/node_modules/${name}`;
    if (packages[candidate]) return candidate;
    if (base === '') return undefined;
    const i = base.lastIndexOf('/node_modules/');
    base = i < 0 ? '' : base.slice(0, i);
  }
}

/**
 * `lockText`: Modelport's package-lock.json. `extraDependencies`: the environment file's `dependencies`.
 * Throws when a runtime package is missing from the lockfile (a broken install of Modelport).
 */
export function planRuntimePackage(lockText: string, extraDependencies: Readonly<Record<string, string>> = {}): RuntimePackage {
  const lock = lockfileSchema.parse(JSON.parse(lockText));
  const packages = lock.packages;
  const keep = new Map<string, LockEntry>();
  const rootDeps: Record<string, string> = {};
  const queue: string[] = [];
  for (const name of runtimePackages) {
    const path = resolveIn(packages, '', name);
    const entry = path === undefined ? undefined : packages[path];
    if (!path || !entry?.version) throw new Error(`Modelport's package-lock.json has no entry for ${name}; reinstall Modelport.`);
    rootDeps[name] = entry.version;
    queue.push(path);
  }
  while (queue.length > 0) {
    const path = queue.shift() as string;
    if (keep.has(path)) continue;
    const entry = packages[path];
    if (!entry) continue;
    keep.set(path, entry);
    const optionalPeers = entry.peerDependenciesMeta ?? {};
    const wanted = [
      ...Object.keys(entry.dependencies ?? {}),
      ...Object.keys(entry.optionalDependencies ?? {}),
      ...Object.keys(entry.peerDependencies ?? {}).filter((p) => !optionalPeers[p]?.optional),
    ];
    for (const dep of wanted) {
      const found = resolveIn(packages, path, dep);
      if (found !== undefined) queue.push(found);
    }
  }
  const extra = Object.entries(extraDependencies).filter(([name]) => !(name in rootDeps));
  const dependencies = { ...rootDeps, ...Object.fromEntries(extra) };
  const root = { name: 'modelport-service-runtime', version: '1.0.0', private: true, dependencies };
  const packageJson = JSON.stringify(root, null, 2) + '\n';
  const npmFlags = ['--omit=dev', '--no-audit', '--no-fund', '--no-update-notifier'];
  if (extra.length > 0) {
    // Packages Modelport's lockfile does not pin: npm resolves them in the image, next to the pinned runtime.
    return { packageJson, packageLock: undefined, installCommand: ['npm', 'install', ...npmFlags] };
  }
  const lockPackages: Record<string, unknown> = { '': { name: root.name, version: root.version, dependencies } };
  for (const path of [...keep.keys()].sort()) {
    const entry: LockEntry = { ...(keep.get(path) as LockEntry) };
    const devOptional = entry.devOptional;
    delete entry.dev;
    delete entry.devOptional;
    lockPackages[path] = devOptional ? { ...entry, optional: true } : entry;
  }
  const packageLock = JSON.stringify({ name: root.name, version: root.version, lockfileVersion: 3, requires: true, packages: lockPackages }, null, 2) + '\n';
  return { packageJson, packageLock, installCommand: ['npm', 'ci', ...npmFlags] };
}

/**
 * Without a lockfile (an installation that does not carry one): pin the runtime packages to the versions
 * installed beside the server, and let `npm install` resolve what they need.
 */
export function planRuntimePackageFromVersions(versions: Readonly<Record<string, string>>, extraDependencies: Readonly<Record<string, string>> = {}): RuntimePackage {
  const dependencies = { ...extraDependencies, ...versions };
  const packageJson = JSON.stringify({ name: 'modelport-service-runtime', version: '1.0.0', private: true, dependencies }, null, 2) + '\n';
  return { packageJson, packageLock: undefined, installCommand: ['npm', 'install', '--omit=dev', '--no-audit', '--no-fund', '--no-update-notifier'] };
}
