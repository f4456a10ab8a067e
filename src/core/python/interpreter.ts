// Which Python runs a score.py, and whether it can: its version, and the script's top-level imports it lacks.
import { spawn } from 'node:child_process';
import { ConfigError, errorMessage } from '../errors';

export interface InterpreterInfo {
  /** As given (a name on PATH or a path). */
  command: string;
  executable: string;
  version: string;
}

function capture(command: string, args: readonly string[], env: NodeJS.ProcessEnv, timeoutMs = 60_000): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    timer.unref();
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

export async function probeInterpreter(command: string, env: NodeJS.ProcessEnv = process.env): Promise<InterpreterInfo> {
  let r;
  try {
    r = await capture(command, ['-c', 'import sys, json; print(json.dumps({"executable": sys.executable, "version": "%d.%d.%d" % sys.version_info[:3]}))'], env);
  } catch (err) {
    throw new ConfigError(`The Python interpreter '${command}' cannot be run (${errorMessage(err)}). Install Python 3 (python3 on PATH), or name one with --python PATH or MODELPORT_PYTHON.`);
  }
  if (r.code !== 0) throw new ConfigError(`The Python interpreter '${command}' failed to start: ${r.stderr.trim().split('\n').at(-1) ?? `exit code ${r.code}`}`);
  const info = JSON.parse(r.stdout.trim().split('\n').at(-1) ?? '{}') as { executable: string; version: string };
  const [major, minor] = info.version.split('.').map(Number);
  if ((major ?? 0) < 3 || (major === 3 && (minor ?? 0) < 8)) throw new ConfigError(`The Python interpreter '${command}' is Python ${info.version}; Modelport's Python runtime needs 3.8 or later.`);
  return { command, ...info };
}

/** Packages Modelport provides to every script (its azureml and inference_schema stand-ins). */
const provided = ['azureml', 'inference_schema'];

// Lists the top-level modules the script imports at module level that the interpreter cannot find.
const findMissing = `
import ast, importlib.util, json, sys
script, extra = sys.argv[1], sys.argv[2:]
sys.path.extend(extra)
tree = ast.parse(open(script, "rb").read(), script)
names = []
for node in tree.body:
    if isinstance(node, ast.Import):
        names += [a.name.split(".")[0] for a in node.names]
    elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
        names.append(node.module.split(".")[0])
missing = []
for n in dict.fromkeys(names):
    if n in ${JSON.stringify(provided)}:
        continue
    try:
        if importlib.util.find_spec(n) is None:
            missing.append(n)
    except Exception:
        missing.append(n)
print(json.dumps(missing))
`;

/** Top-level imports of `script` that `python` cannot find (with `extraPath` on sys.path, as the service has). */
export async function missingImports(python: string, script: string, extraPath: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<string[]> {
  const r = await capture(python, ['-c', findMissing, script, ...extraPath], env);
  if (r.code !== 0) {
    const last = r.stderr.trim().split('\n').at(-1) ?? '';
    if (/SyntaxError/.test(r.stderr)) throw new ConfigError(`The entry script ${script} is not valid Python for ${python}: ${last}`, script);
    throw new ConfigError(`Could not check the imports of ${script} with ${python}: ${last}`, script);
  }
  return JSON.parse(r.stdout.trim().split('\n').at(-1) ?? '[]') as string[];
}

/** pip names of common import names, for the hint after a missing import. */
const pipNames: Readonly<Record<string, string>> = { sklearn: 'scikit-learn', cv2: 'opencv-python-headless', PIL: 'pillow', yaml: 'pyyaml', skimage: 'scikit-image' };

export function pipNameOf(module: string): string {
  return pipNames[module] ?? module;
}

/** Whether `python` can import `module` (e.g. debugpy), without importing it. */
export async function canImport(python: string, module: string, env: NodeJS.ProcessEnv = process.env): Promise<boolean> {
  try {
    const r = await capture(python, ['-c', `import importlib.util, sys; sys.exit(0 if importlib.util.find_spec(${JSON.stringify(module)}) else 1)`], env, 30_000);
    return r.code === 0;
  } catch {
    return false;
  }
}
