// `npm test`'s static checks side by side: the two type checks (`npm run typecheck`) and the lint (`npm run lint`)
// run at the same time, each one's output printed whole when it ends, and the exit code is the first failure's (0
// when all pass). Side by side they take ~33 s here instead of ~40 s one after the other.
import { Buffer } from 'node:buffer';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const bin = (path) => fileURLToPath(new URL(`../node_modules/${path}`, import.meta.url));
const tsc = bin('typescript/bin/tsc');
const eslint = bin('eslint/bin/eslint.js');

const checks = [
  { name: 'typecheck (tsc -p .)', args: [tsc, '-p', '.', '--noEmit'] },
  { name: 'typecheck (tsc -p webview)', args: [tsc, '-p', 'webview', '--noEmit'] },
  { name: 'lint (eslint --max-warnings 0 .)', args: [eslint, '--max-warnings', '0', '.'] },
];

function run({ name, args }) {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const out = [];
    child.stdout.on('data', (c) => out.push(c));
    child.stderr.on('data', (c) => out.push(c));
    child.on('error', (err) => out.push(Buffer.from(`${err.message}\n`)));
    child.on('close', (code, signal) => {
      const status = code ?? (signal ? 128 : 1);
      process.stdout.write(`${status === 0 ? 'ok  ' : 'FAIL'} ${name} (${((Date.now() - started) / 1000).toFixed(1)} s)\n`);
      if (out.length > 0) process.stdout.write(Buffer.concat(out));
      resolve(status);
    });
  });
}

const codes = await Promise.all(checks.map(run));
process.exit(codes.find((c) => c !== 0) ?? 0);
