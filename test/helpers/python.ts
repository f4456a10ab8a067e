// Finding a real Python for the tests, and making real scikit-learn model files with it. Candidates: $MODELPORT_TEST_PYTHON,
// the python3 on PATH, then Debian's /usr/bin/python3 (where `apt-get install python3-sklearn python3-pandas` puts
// scikit-learn). A test that needs what no candidate has skips with one line saying what is missing.
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestPython {
  path: string;
  version: string;
}

const cache = new Map<string, TestPython | undefined>();

function candidates(): string[] {
  const list = [process.env.MODELPORT_TEST_PYTHON, 'python3', '/usr/bin/python3'].filter((c): c is string => !!c);
  return [...new Set(list)];
}

/** The first interpreter that imports every module in `modules` (e.g. ['sklearn', 'pandas']). */
export function findPython(modules: readonly string[] = []): TestPython | undefined {
  const key = modules.join(',');
  if (cache.has(key)) return cache.get(key);
  let found: TestPython | undefined;
  for (const path of candidates()) {
    const code = `import sys${modules.map((m) => `, ${m}`).join('')}; print("%d.%d.%d" % sys.version_info[:3])`;
    const r = spawnSync(path, ['-c', code], { encoding: 'utf8', timeout: 60_000 });
    if (r.status === 0) {
      found = { path, version: r.stdout.trim() };
      break;
    }
  }
  cache.set(key, found);
  return found;
}

/** `false` when a Python with these modules exists, else the one-line reason a test skips. */
export function skipUnlessPython(modules: readonly string[] = []): false | string {
  if (findPython(modules)) return false;
  const what = modules.length > 0 ? `a python3 that imports ${modules.join(', ')}` : 'python3';
  return `needs ${what} (tried ${candidates().join(', ')}; on Debian: apt-get install python3-sklearn python3-pandas)`;
}

/** Trains a real LogisticRegression on scikit-learn's bundled iris data and writes it with joblib to `file`. */
export function makeSklearnModel(python: TestPython, file: string): void {
  const script = join(file + '.train.py');
  writeFileSync(
    script,
    [
      'import sys, joblib',
      'from sklearn.datasets import load_iris',
      'from sklearn.linear_model import LogisticRegression',
      'X, y = load_iris(return_X_y=True)',
      'model = LogisticRegression(max_iter=500).fit(X, y)',
      'joblib.dump(model, sys.argv[1])',
      '',
    ].join('\n'),
  );
  const r = spawnSync(python.path, [script, file], { encoding: 'utf8', timeout: 120_000 });
  if (r.status !== 0) throw new Error(`training the test model failed: ${r.stderr}`);
}

/** What the model above answers for `rows`, computed by scikit-learn directly (the reference answer). */
export function sklearnPredict(python: TestPython, file: string, rows: number[][]): number[] {
  const code = 'import sys, json, joblib; m = joblib.load(sys.argv[1]); print(json.dumps(m.predict(json.loads(sys.argv[2])).tolist()))';
  const r = spawnSync(python.path, ['-c', code, file, JSON.stringify(rows)], { encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0) throw new Error(`predicting with the test model failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as number[];
}

/**
 * A venv (of the first python3 found) with `packages` installed by pip from the machine's configured indexes, kept in
 * the temp folder and reused by later runs; undefined when it cannot be made (no python3, no venv, pip cannot reach them).
 */
export function venvWith(packages: readonly string[]): TestPython | undefined {
  const base = findPython();
  if (!base) return undefined;
  const dir = join(tmpdir(), `modelport-test-venv-${packages.join('-').replace(/[^a-z0-9-]/gi, '')}`);
  const python = join(dir, 'bin', 'python');
  const check = (): boolean => spawnSync(python, ['-c', packages.map((p) => `import ${p}`).join('; ')], { timeout: 60_000 }).status === 0;
  if (existsSync(python) && check()) return { path: python, version: base.version };
  if (!existsSync(python) && spawnSync(base.path, ['-m', 'venv', dir], { timeout: 120_000 }).status !== 0) return undefined;
  spawnSync(python, ['-m', 'pip', 'install', '--quiet', ...packages], { timeout: 300_000 });
  return check() ? { path: python, version: base.version } : undefined;
}
