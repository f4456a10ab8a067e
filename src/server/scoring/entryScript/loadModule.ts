// Loads a user's entry script: JavaScript as it is, TypeScript compiled on load with esbuild. The compiled
// code is evaluated under the script's own path, so its imports resolve from its folder, stack traces name
// score.ts, and an inline source map lets a debugger put breakpoints in the TypeScript source.
import Module from 'node:module';
import { dirname } from 'node:path';
import { pathToFileURL } from 'node:url';
import { entryScriptExtensionList, entryScriptLanguage, nodeEntryExtensions } from '../../../core/entryScriptFiles';
import { ConfigError, errorMessage } from '../../../core/errors';


// esbuild would turn a bundled `import()` into `require()`; evaluated here it stays a real dynamic import,
// which ESM entry scripts need.
const dynamicImport = new Function('specifier', 'return import(specifier)') as (specifier: string) => Promise<unknown>;

interface ModuleInternals {
  _nodeModulePaths(dir: string): string[];
}

async function compileTypeScript(file: string): Promise<unknown> {
  const esbuild = await import('esbuild');
  let code: string;
  try {
    const result = await esbuild.build({
      entryPoints: [file],
      bundle: true,
      packages: 'external',
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      sourcemap: 'inline',
      sourcesContent: true,
      // The map's `sources` are relative to the working directory; a debugger resolves them against the
      // script's own path (the code is evaluated as `file`), so they must be relative to the script's folder.
      absWorkingDir: dirname(file),
      write: false,
      logLevel: 'silent',
    });
    code = result.outputFiles[0]?.text ?? '';
  } catch (err) {
    throw new ConfigError(`Entry script ${file} does not compile: ${errorMessage(err)}`, file, undefined, { cause: err });
  }
  const mod = new Module(file, module);
  mod.filename = file;
  mod.paths = (Module as unknown as ModuleInternals)._nodeModulePaths(dirname(file));
  (mod as unknown as { _compile(code: string, filename: string): void })._compile(code, file);
  return mod.exports;
}

/** The module's exports, unwrapping `export default { init, run }` and CommonJS interop. */
export async function loadEntryModule(file: string): Promise<Record<string, unknown>> {
  const language = entryScriptLanguage(file);
  let loaded: unknown;
  try {
    if (language === 'typescript') loaded = await compileTypeScript(file);
    else if (language === 'javascript') loaded = await dynamicImport(pathToFileURL(file).href);
    else throw new ConfigError(`Entry script ${file} must be a ${entryScriptExtensionList(nodeEntryExtensions)} file.`, file);
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    if ((err as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND' && String(errorMessage(err)).includes(file)) {
      throw new ConfigError(`Entry script not found: ${file}`, file);
    }
    throw new ConfigError(`Entry script ${file} failed while loading: ${errorMessage(err)}`, file, undefined, { cause: err });
  }
  const exports = (loaded ?? {}) as Record<string, unknown>;
  const inner = exports.default as Record<string, unknown> | undefined;
  if (typeof exports.run !== 'function' && inner && typeof inner === 'object' && typeof inner.run === 'function') return inner;
  return exports;
}
