// `npm run demo`: serves the sample models as real child processes (exactly as `modelport serve` runs),
// scores a sample image and a tabular request over HTTP, prints the answers, and stops both services.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(__dirname, '..');
const cli = join(root, 'dist', 'cli.js');

interface Prediction {
  label: string;
  probability: number;
}

interface Running {
  child: ChildProcess;
  scoringUri: string;
}

function startService(modelDir: string): Promise<Running> {
  const child = spawn(process.execPath, [cli, 'serve', '--model', modelDir, '--port', '0'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolveStart, reject) => {
    let output = '';
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      const m = /listening: (http:\/\/\S+\/score)/.exec(output);
      if (m?.[1]) {
        child.stdout?.off('data', onData);
        resolveStart({ child, scoringUri: m[1] });
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (c: Buffer) => (output += c.toString()));
    child.once('exit', (code) => reject(new Error(`The service for ${modelDir} exited with code ${code}:\n${output}`)));
  });
}

function stop(svc: Running): Promise<number | null> {
  return new Promise((resolveStop) => {
    svc.child.removeAllListeners('exit');
    svc.child.once('exit', (code) => resolveStop(code));
    svc.child.kill('SIGTERM');
  });
}

function bar(p: number): string {
  return '█'.repeat(Math.round(p * 20)).padEnd(20, '·');
}

function printPredictions(rows: Prediction[][], indent = '    '): void {
  rows.forEach((row, r) => {
    if (rows.length > 1) console.log(`${indent}row ${r + 1}:`);
    row.forEach((p, i) => console.log(`${indent}${i + 1}. ${p.label.padEnd(12)} ${bar(p.probability)} ${(p.probability * 100).toFixed(2).padStart(6)} %`));
  });
}

async function score(uri: string, body: Buffer | string, contentType: string): Promise<{ predictions: Prediction[][]; ms: number; serverMs: string }> {
  const started = performance.now();
  const res = await fetch(uri, { method: 'POST', headers: { 'content-type': contentType }, body });
  const text = await res.text();
  const ms = performance.now() - started;
  if (res.status !== 200) throw new Error(`POST ${uri} answered ${res.status}: ${text}`);
  return { ...(JSON.parse(text) as { predictions: Prediction[][] }), ms, serverMs: res.headers.get('x-ms-run-fn-exec-ms') ?? '?' };
}

async function main(): Promise<void> {
  console.log('Modelport demo: sample models served locally and invoked over HTTP\n');
  const image = await startService('samples/fashion-mnist');
  const tabular = await startService('samples/iris');
  try {
    console.log(`Fashion-MNIST image classifier\n  scoring URI: ${image.scoringUri}`);
    const imageFile = 'samples/fashion-mnist/images/ankle-boot.png';
    const img = await score(image.scoringUri, readFileSync(join(root, imageFile)), 'image/png');
    console.log(`  POST ${imageFile} (raw image/png) → 200 in ${img.ms.toFixed(1)} ms (server ${img.serverMs} ms)`);
    printPredictions(img.predictions);

    console.log(`\nIris tabular classifier\n  scoring URI: ${tabular.scoringUri}`);
    const request = readFileSync(join(root, 'samples/iris/request.json'), 'utf8');
    const tab = await score(tabular.scoringUri, request, 'application/json');
    console.log(`  POST ${JSON.stringify(JSON.parse(request))} → 200 in ${tab.ms.toFixed(1)} ms (server ${tab.serverMs} ms)`);
    printPredictions(tab.predictions);
  } finally {
    const codes = await Promise.all([stop(image), stop(tabular)]);
    console.log(`\nStopped both services (SIGTERM → exit codes ${codes.join(', ')}).`);
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exitCode = 1;
});
