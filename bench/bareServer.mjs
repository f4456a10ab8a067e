// The reference server for aims 2 and 3: about the least an HTTP server can do for these models, measured under the
// same load as Modelport. Bare node:http, no framework, no validation beyond what the bodies need, no metrics, no
// logging; the models run as Modelport runs them (one worker thread per core, a session and one intra-op thread
// each, queued rows gathered into one run per free thread). What keeps this server under the in-process limit is
// HTTP itself and the load generator on the same cores: what keeps Modelport there too, unless it falls short of this.
//
//   PORT=… node bench/bareServer.mjs <model.onnx> <row shape, e.g. 3,48,320> [max batch]
//
// A request is either V2 inference with Triton's binary tensor data (one FP32 row; the answer in the same form),
// or, with content-type image/png, an RGB(A) 8-bit non-interlaced PNG of the row's size, decoded here (node:zlib),
// scaled as the OCR models want ((v/255 − 0.5)/0.5, NCHW); the answer is then the output row as JSON.
/* global Buffer */
import http from 'node:http';
import { availableParallelism } from 'node:os';
import { inflateSync } from 'node:zlib';
import { Worker } from 'node:worker_threads';
import { createRequire } from 'node:module';

const [file, rowShapeArg, maxBatchArg] = process.argv.slice(2);
if (!file || !/^\d+,\d+,\d+$/.test(rowShapeArg ?? '')) {
  console.error('usage: node bench/bareServer.mjs <model.onnx> <row shape C,H,W> [max batch]');
  process.exit(2);
}
const maxBatch = Number(maxBatchArg ?? 32);
const ortPath = createRequire(import.meta.url).resolve('onnxruntime-node');
const rowShape = rowShapeArg.split(',').map(Number);
const [, rowHeight, rowWidth] = rowShape;
const rowFloats = rowShape.reduce((a, b) => a * b, 1);

const workerSource = `
const { parentPort, workerData } = require('node:worker_threads');
const ort = require(workerData.ortPath);
let session;
ort.InferenceSession.create(workerData.file, { intraOpNumThreads: 1, interOpNumThreads: 1 }).then((s) => {
  session = s;
  parentPort.postMessage({ ready: true });
});
parentPort.on('message', async (m) => {
  // Ended by the session's release, not by terminate(): onnxruntime-node's finalizers abort the process when a
  // thread that has run a session is torn down under them.
  if (m.close) {
    closing = true;
    if (!running) await finish();
    return;
  }
  running = true;
  try {
    const results = await session.run({ [session.inputNames[0]]: new ort.Tensor('float32', new Float32Array(m.buffer), m.dims) });
    const t = results[session.outputNames[0]];
    parentPort.postMessage({ data: t.data, dims: Array.from(t.dims) }, [t.data.buffer]);
  } catch (err) {
    parentPort.postMessage({ error: String((err && err.message) || err) });
  }
  running = false;
  if (closing) await finish();
});
let running = false;
let closing = false;
async function finish() {
  await session.release();
  parentPort.close();
}`;

const threads = await Promise.all(
  Array.from({ length: availableParallelism() }, () => new Promise((resolve, reject) => {
    const w = new Worker(workerSource, { eval: true, workerData: { ortPath, file } });
    w.once('message', () => resolve(w));
    w.once('error', reject);
  })),
);

/** @type {{ row: Uint8Array, json: boolean, res: http.ServerResponse }[]} */
const queue = [];
const free = [...threads];

function pump() {
  while (free.length > 0 && queue.length > 0) {
    const worker = free.pop();
    // Each free thread takes its share of the queue, so that one thread does not take it all while the other idles.
    const take = queue.splice(0, Math.max(1, Math.min(maxBatch, Math.ceil(queue.length / (free.length + 1)))));
    const buffer = new ArrayBuffer(take.length * rowFloats * 4);
    const bytes = new Uint8Array(buffer);
    take.forEach((t, i) => bytes.set(t.row, i * rowFloats * 4));
    worker.once('message', (m) => {
      free.push(worker);
      if (m.error) {
        for (const t of take) fail(t.res, 500, m.error);
        pump();
        return;
      }
      const per = m.data.length / take.length;
      take.forEach((t, i) => answer(t, m.data.subarray(i * per, (i + 1) * per), [1, ...m.dims.slice(1)]));
      pump();
    });
    worker.postMessage({ buffer, dims: [take.length, ...rowShape] }, [buffer]);
  }
}

function fail(res, status, message) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ message }));
}

function answer({ res, json }, data, dims) {
  if (json) {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ probabilities: Array.from(data) }));
    return;
  }
  const out = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const header = Buffer.from(JSON.stringify({ model_name: 'model', outputs: [{ name: 'output', datatype: 'FP32', shape: dims, parameters: { binary_data_size: out.length } }] }));
  res.writeHead(200, { 'content-type': 'application/octet-stream', 'inference-header-content-length': String(header.length), 'content-length': String(header.length + out.length) });
  res.write(header);
  res.end(out);
}

/** The FP32 row of a V2 binary request: the bytes after its JSON header. */
function v2Row(body, headerLength) {
  JSON.parse(body.subarray(0, headerLength).toString('utf8'));
  return body.subarray(headerLength, headerLength + rowFloats * 4);
}

/** The NCHW float row of an 8-bit RGB or RGBA non-interlaced PNG of the row's size, as the OCR models' preprocessing gives it. */
function pngRow(png) {
  let width = 0;
  let height = 0;
  let channels = 0;
  const idat = [];
  for (let at = 8; at < png.length;) {
    const length = png.readUInt32BE(at);
    const type = png.toString('latin1', at + 4, at + 8);
    const data = png.subarray(at + 8, at + 8 + length);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      if (data[8] !== 8 || (data[9] !== 2 && data[9] !== 6) || data[12] !== 0) throw new Error('only 8-bit RGB/RGBA non-interlaced PNGs');
      channels = data[9] === 2 ? 3 : 4;
    } else if (type === 'IDAT') idat.push(data);
    at += 12 + length;
  }
  if (width !== rowWidth || height !== rowHeight) throw new Error(`${rowWidth}×${rowHeight} PNGs only`);
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  const pixels = new Uint8Array(stride * height);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    const out = y * stride;
    for (let x = 0; x < stride; x++) {
      const a = x >= channels ? pixels[out + x - channels] : 0;
      const b = y > 0 ? pixels[out - stride + x] : 0;
      const c = x >= channels && y > 0 ? pixels[out - stride + x - channels] : 0;
      let p;
      if (filter === 0) p = line[x];
      else if (filter === 1) p = line[x] + a;
      else if (filter === 2) p = line[x] + b;
      else if (filter === 3) p = line[x] + ((a + b) >> 1);
      else {
        const q = a + b - c;
        const pa = Math.abs(q - a);
        const pb = Math.abs(q - b);
        const pc = Math.abs(q - c);
        p = line[x] + (pa <= pb && pa <= pc ? a : pb <= pc ? b : c);
      }
      pixels[out + x] = p & 255;
    }
  }
  const row = new Float32Array(rowFloats);
  const plane = width * height;
  for (let i = 0; i < plane; i++) {
    for (let ch = 0; ch < 3; ch++) row[ch * plane + i] = (pixels[i * channels + ch] / 255 - 0.5) / 0.5;
  }
  return new Uint8Array(row.buffer);
}

const server = http.createServer((req, res) => {
  if (req.method === 'GET') {
    res.end('Healthy');
    return;
  }
  const length = Number(req.headers['content-length']);
  if (!Number.isSafeInteger(length) || length < 0) {
    fail(res, 411, 'a Content-Length is required');
    return;
  }
  const body = Buffer.allocUnsafe(length);
  let at = 0;
  req.on('data', (chunk) => {
    chunk.copy(body, at);
    at += chunk.length;
  });
  req.on('end', () => {
    try {
      const json = req.headers['content-type'] === 'image/png';
      const row = json ? pngRow(body) : v2Row(body, Number(req.headers['inference-header-content-length']));
      queue.push({ row, json, res });
      pump();
    } catch (err) {
      fail(res, 400, err.message);
    }
  });
});
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1');
process.once('SIGTERM', () => {
  server.close();
  server.closeAllConnections();
  Promise.all(threads.map((w) => new Promise((resolve) => {
    w.once('exit', resolve);
    w.postMessage({ close: true });
  }))).then(() => process.exit(0));
});
