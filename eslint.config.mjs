// Flat config: zero warnings, no `any`, no console outside the CLI and scripts, and a VS Code-free core.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** One no-restricted-imports rule per room: what it may not climb into, and whether `vscode` or heavy packages are refused. */
function rooms(table) {
  return Object.entries(table).map(([files, room]) => {
    const paths = [];
    if (room.vscode) paths.push({ name: 'vscode', message: `${room.why}; and it stays VS Code-free.` });
    // Heavy native packages load in the service's own process, or lazily from a bundle of their own (types are fine).
    if (room.heavy) for (const name of ['sharp', 'onnxruntime-node', 'esbuild']) paths.push({ name, allowTypeImports: true, message: `${name} must not load in the extension host at activation: load it lazily from a separate bundle (see src/vscode/webviews/imageTensorLoader.ts).` });
    const patterns = [];
    if (room.into) patterns.push({ regex: `^\\.{1,2}/(\\.\\./)*(${room.into.join('|').replaceAll('.', '\\.')})(/|$)`, message: `${room.why}.` });
    if (room.srcInto) patterns.push({ regex: `(^|/)src/(${room.srcInto.join('|')})(/|$)`, message: `${room.why}.` });
    return {
      files: [files],
      rules: { 'no-restricted-imports': 'off', '@typescript-eslint/no-restricted-imports': ['error', { paths, patterns }] },
    };
  });
}

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'node_modules/**', '.modelport/**', '.tmp/**', 'test-results/**', 'samples/**/*.js', 'test/fixtures/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'no-console': 'error',
    },
  },
  // The rooms of the code (see README "Layout"): each may import only the rooms below it. Relative imports are
  // matched by the folder they climb into; none of these folder names exists inside another room.
  ...rooms({
    'src/core/**/*.ts': { vscode: true, into: ['server', 'serviceHost', 'vscode', 'cli', 'protocol', 'webview', 'extension', 'cli.ts', 'demo'], why: 'src/core is shared by the CLI, the server and the extension: it imports nothing outside src/core' },
    'src/protocol/**/*.ts': { vscode: true, into: ['server', 'serviceHost', 'vscode', 'cli'], why: 'the tester protocol stands on src/core alone' },
    'src/server/**/*.ts': { vscode: true, into: ['serviceHost', 'vscode', 'cli', 'protocol'], why: 'the scoring server stands on src/core alone' },
    'src/serviceHost/**/*.ts': { vscode: true, into: ['server', 'vscode', 'cli', 'protocol'], why: 'the service host runs instances as processes or containers; it does not link the server in' },
    'src/vscode/**/*.ts': { heavy: true, into: ['server', 'serviceHost', 'cli'], why: 'the extension never loads the server or the service host: services run in their own processes' },
    'src/extension.ts': { heavy: true, into: ['server', 'serviceHost', 'cli'], why: 'the extension never loads the server or the service host: services run in their own processes' },
    'webview/**/*.ts': { vscode: true, srcInto: ['server', 'serviceHost', 'cli', 'vscode'], why: 'webview code runs in the browser: it shares only src/protocol and src/core' },
  }),
  {
    files: ['src/cli.ts', 'src/cli/**/*.ts', 'src/demo.ts', 'scripts/**', 'test/**', 'bin/**'],
    rules: { 'no-console': 'off' },
  },
  {
    files: ['bin/**/*.js'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['**/*.mjs', '**/*.js'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', require: 'readonly', __dirname: 'readonly', URL: 'readonly' } },
  },
);
