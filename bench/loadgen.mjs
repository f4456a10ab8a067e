/* global Buffer, setTimeout */
// A closed-loop HTTP load generator for loopback benchmarks: `concurrency` keep-alive connections, each sending
// its next request as soon as the previous answer arrived, for `durationMs` after a short warm-up. Run as a child
// process (`node bench/loadgen.mjs <json spec>`) so it does not share an event loop with the server it measures;
// prints `MEASURING` when the measured load begins (so the parent knows where the warm-up ended on its own clock),
// then one JSON line: {requests, errors, rps, p50, p99, mean, warmupRps} (latencies in ms; warmupRps: the 200
// answers per second during the warm-up, what a fresh server gives while it settles).
import http from 'node:http';
import { readFileSync } from 'node:fs';

/**
 * spec: {url, method, headers, bodies: [{file}|{text}|{base64}], concurrency, durationMs, warmupMs}
 * Each connection cycles through the bodies, starting at its own offset, so concurrent requests differ.
 */
export async function runLoad(spec, onMeasuring = () => undefined) {
  const target = new URL(spec.url);
  const bodies = spec.bodies.map((b) => (b.file ? readFileSync(b.file) : b.base64 ? Buffer.from(b.base64, 'base64') : Buffer.from(b.text ?? '')));
  const agent = new http.Agent({ keepAlive: true, maxSockets: spec.concurrency });
  const latencies = [];
  let errors = 0;
  let firstError;
  let measuring = false;
  let stopped = false;
  let warmOk = 0;
  const send = (body) =>
    new Promise((resolve) => {
      const started = process.hrtime.bigint();
      const req = http.request(
        { host: target.hostname, port: target.port, path: target.pathname + target.search, method: spec.method ?? 'POST', agent, headers: { ...spec.headers, 'content-length': body.length } },
        (res) => {
          res.on('data', () => undefined);
          res.on('end', () => {
            if (!measuring && !stopped && res.statusCode === 200) warmOk += 1;
            if (measuring) {
              if (res.statusCode === 200) latencies.push(Number(process.hrtime.bigint() - started) / 1e6);
              else {
                errors += 1;
                firstError ??= `status ${res.statusCode}`;
              }
            }
            resolve();
          });
        },
      );
      req.on('error', (err) => {
        if (measuring) {
          errors += 1;
          firstError ??= err.message;
        }
        resolve();
      });
      req.end(body);
    });
  const worker = async (offset) => {
    let i = offset;
    while (!stopped) {
      await send(bodies[i % bodies.length]);
      i += 1;
    }
  };
  const workers = Array.from({ length: spec.concurrency }, (_, k) => worker(k));
  await new Promise((r) => setTimeout(r, spec.warmupMs ?? 500));
  measuring = true;
  onMeasuring();
  const t0 = process.hrtime.bigint();
  await new Promise((r) => setTimeout(r, spec.durationMs));
  measuring = false;
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  stopped = true;
  await Promise.all(workers);
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const pick = (q) => (latencies.length === 0 ? NaN : latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]);
  return {
    requests: latencies.length,
    errors,
    firstError,
    rps: latencies.length / seconds,
    p50: pick(0.5),
    p99: pick(0.99),
    mean: latencies.reduce((a, b) => a + b, 0) / Math.max(1, latencies.length),
    warmupRps: (spec.warmupMs ?? 500) > 0 ? warmOk / ((spec.warmupMs ?? 500) / 1000) : NaN,
  };
}

if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  const spec = JSON.parse(process.argv[2] ?? '{}');
  const result = await runLoad(spec, () => process.stdout.write('MEASURING\n'));
  process.stdout.write(JSON.stringify(result) + '\n');
}
