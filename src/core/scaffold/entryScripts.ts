// Entry-script templates. A script written for a model with a known signature is schema-typed: one named
// parameter per model input, its sample shaped like the tensor, so the service checks requests and swagger
// documents them. Without a signature the script is untyped. The raw-image variant takes image bytes.
import type { TensorSpec } from '../onnx/signature';
import type { ScaffoldModel } from './scaffoldRequest';
import { imageInputOf, nestedTsType, propertyKey, sampleShape, type ImageInput } from './signatureSamples';

export type ScriptLanguage = 'ts' | 'js';

/** Picks the TypeScript or the JavaScript form of a line. */
function lang(language: ScriptLanguage): (ts: string, js: string) => string {
  return (ts, js) => (language === 'ts' ? ts : js);
}

function modelLabel(model: ScaffoldModel): string {
  return model.version === undefined ? `"${model.name}"` : `"${model.name}" (version ${model.version})`;
}

const tsTypes = `// The parts of the service's context this script uses (onnxruntime-node's types need not be installed).
interface Tensor {
  readonly dims: readonly number[];
  readonly data: ArrayLike<unknown>;
}
interface Session {
  run(feeds: Record<string, Tensor>): Promise<Record<string, Tensor>>;
}
interface InitContext {
  sessions: Record<string, Session>;
  ort: { Tensor: new (type: string, data: unknown, dims: readonly number[]) => Tensor };
  logger: { info(message: string): void };
  modelPath(name?: string): string;
}
`;

function initBlock(language: ScriptLanguage, extra = ''): string {
  const t = lang(language);
  const exportInit = t('export async function init(context: InitContext): Promise<void> {', 'exports.init = async function init(context) {');
  return `${t('let session: Session;\nlet ort: InitContext[\'ort\'];', 'let session;\nlet ort;')}

/** Called once, before the service reports Healthy: keep what every request needs. */
${exportInit}
  const loaded = context.sessions[modelName];
  if (loaded === undefined) throw new Error(\`model "\${modelName}" is not served with this script: deploy it together with the model\`);
  session = loaded;
  ort = context.ort;${extra}
  context.logger.info(\`\${modelName} ready from \${context.modelPath(modelName)}\`);
}${t('', ';')}
`;
}

const tensorHelpersTs = `
/** A nested array of \`shape\` filled with \`value\`: samples stay readable however large the tensor is. */
function filled(shape: number[], value: unknown): unknown {
  const [first, ...rest] = shape;
  return first === undefined ? value : Array.from({ length: first }, () => filled(rest, value));
}

/** A tensor from a nested JSON array; its dims are read from the nesting. */
function toTensor(type: string, value: unknown): Tensor {
  const dims: number[] = [];
  for (let v = value; Array.isArray(v); v = v[0]) dims.push(v.length);
  const flat = dims.length === 0 ? [value] : (value as unknown[]).flat(Infinity);
  if (flat.length !== dims.reduce((n, d) => n * d, 1)) throw new Error('every row of a tensor must have the same length');
  return new ort.Tensor(type, typedArray(type, flat), dims);
}

function typedArray(type: string, flat: unknown[]): unknown {
  const numbers = flat as number[];
  switch (type) {
    case 'float32': return Float32Array.from(numbers);
    case 'float64': return Float64Array.from(numbers);
    case 'int8': return Int8Array.from(numbers);
    case 'int16': return Int16Array.from(numbers);
    case 'int32': return Int32Array.from(numbers);
    case 'int64': return BigInt64Array.from(numbers, (x) => BigInt(Math.trunc(x)));
    case 'uint8': return Uint8Array.from(numbers);
    case 'uint16': return Uint16Array.from(numbers);
    case 'uint32': return Uint32Array.from(numbers);
    case 'uint64': return BigUint64Array.from(numbers, (x) => BigInt(Math.trunc(x)));
    case 'bool': return Uint8Array.from(flat, (x) => (x ? 1 : 0));
    case 'string': return flat.map(String);
    default: throw new Error(\`\${type} tensors are not handled by this script\`);
  }
}

/** A nested JSON array from a tensor (64-bit integers become numbers). */
function fromTensor(tensor: Tensor | undefined): unknown {
  if (tensor === undefined) throw new Error('the model did not return an expected output');
  const flat = Array.from(tensor.data, (x) => (typeof x === 'bigint' ? Number(x) : x));
  const dims = tensor.dims;
  const nest = (offset: number, depth: number): unknown => {
    const size = dims[depth];
    if (size === undefined) return flat[offset];
    const stride = dims.slice(depth + 1).reduce((n, d) => n * d, 1);
    return Array.from({ length: size }, (_, i) => nest(offset + i * stride, depth + 1));
  };
  return nest(0, 0);
}
`;

/** The same helpers without type annotations, for JavaScript. */
function stripTypes(ts: string): string {
  return ts
    .replace(/\(shape: number\[\], value: unknown\): unknown/g, '(shape, value)')
    .replace(/\(type: string, value: unknown\): Tensor/g, '(type, value)')
    .replace(/\(type: string, flat: unknown\[\]\): unknown/g, '(type, flat)')
    .replace(/\(tensor: Tensor \| undefined\): unknown/g, '(tensor)')
    .replace(/const dims: number\[\] = \[\];/g, 'const dims = [];')
    .replace(/\(value as unknown\[\]\)/g, 'value')
    .replace(/const numbers = flat as number\[\];/g, 'const numbers = flat;')
    .replace(/\(offset: number, depth: number\): unknown =>/g, '(offset, depth) =>');
}

function samplesBlock(name: string, specs: readonly TensorSpec[], language: ScriptLanguage): string {
  const t = lang(language);
  const lines = specs.map((s) => `  ${propertyKey(s.name)}: filled(${JSON.stringify(sampleShape(s.shape)).replace(/,/g, ', ')}, ${JSON.stringify(s.type === 'string' ? '' : s.type === 'bool' ? false : 0)}),`);
  return `${t('export const', 'exports.')}${t(` ${name}`, name)} = {\n${lines.join('\n')}\n};\n`;
}

function access(object: string, name: string): string {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(name) ? `${object}.${name}` : `${object}[${JSON.stringify(name)}]`;
}

function typedScript(model: ScaffoldModel, signature: { inputs: TensorSpec[]; outputs: TensorSpec[] }, language: ScriptLanguage, fileName: string): string {
  const t = lang(language);
  const inputType = signature.inputs.map((s) => `  ${propertyKey(s.name)}: ${nestedTsType(s)};`).join('\n');
  const outputType = signature.outputs.map((s) => `  ${propertyKey(s.name)}: ${nestedTsType(s)};`).join('\n');
  const feeds = signature.inputs.map((s) => `    ${propertyKey(s.name)}: toTensor(${JSON.stringify(s.type)}, ${access('input', s.name)}),`).join('\n');
  const answers = signature.outputs.map((s) => `    ${propertyKey(s.name)}: fromTensor(results[${JSON.stringify(s.name)}])${t(` as Output[${JSON.stringify(s.name)}]`, '')},`).join('\n');
  const describe = (specs: readonly TensorSpec[]): string => specs.map((s) => `//    ${s.name}: ${s.type} [${s.shape.map((d) => (d === null ? '?' : String(d))).join(', ')}]`).join('\n');
  return `// ${fileName}: the entry script of model ${modelLabel(model)}, written by Modelport.
// init() runs once before the service reports Healthy; run() answers every POST /score.
// run() is schema-typed: the body is a JSON object with one parameter per model input,
// shaped like \`inputSample\`. The service checks requests against it and documents it
// in /swagger.json. The model's signature:
//  inputs
${describe(signature.inputs)}
//  outputs
${describe(signature.outputs)}

const modelName = ${JSON.stringify(model.name)};

${initBlock(language)}
/** One example per parameter: dynamic dimensions (the batch) are 1 here, any size in requests. */
${samplesBlock('inputSample', signature.inputs, language)}
${samplesBlock('outputSample', signature.outputs, language)}${t(`
export interface Input {
${inputType}
}

export interface Output {
${outputType}
}
`, '')}
/** Called for every request with the checked parameters; what it returns is sent as JSON. */
${t('export async function run(input: Input): Promise<Output> {', 'exports.run = async function run(input) {')}
  const results = await session.run({
${feeds}
  });
  return {
${answers}
  };
}${t('', ';')}
${language === 'ts' ? tensorHelpersTs : stripTypes(tensorHelpersTs)}${t(`\n${tsTypes}`, '')}`;
}

function untypedScript(model: ScaffoldModel | undefined, language: ScriptLanguage, fileName: string): string {
  const t = lang(language);
  const name = model?.name ?? 'model';
  return `// ${fileName}: an entry script${model ? ` for model ${modelLabel(model)}` : ''}, written by Modelport.
// init() runs once before the service reports Healthy; run() answers every POST /score.
// run() is untyped: it receives the parsed JSON body. Export \`inputSample\` to make it
// schema-typed (see the README's "Entry scripts").

const modelName = ${JSON.stringify(name)};

${initBlock(language)}
/** Called for every request; what it returns is sent as JSON. */
${t('export async function run(input: unknown): Promise<unknown> {', 'exports.run = async function run(input) {')}
  // TODO: turn \`input\` into tensors, call session.run(feeds) and shape the answer.
  return { model: modelName, received: input, ready: session !== undefined && ort !== undefined };
}${t('', ';')}
${t(`\n${tsTypes}`, '')}`;
}

function rawImageScript(model: ScaffoldModel, image: ImageInput | undefined, output: TensorSpec | undefined, fileName: string): string {
  const img: ImageInput = image ?? { name: 'input', layout: 'NCHW', channels: 3, width: 224, height: 224 };
  const guessed = image === undefined;
  return `// ${fileName}: a raw entry script for image model ${modelLabel(model)}, written by Modelport.
// run() receives the HTTP request itself (Azure's @rawhttp): POST an image (PNG, JPEG, WebP…) as the body,
//   curl -X POST -H 'Content-Type: image/png' --data-binary @picture.png <scoring URI>
// and it answers the top-3 classes. Labels come from labels.txt in the model's folder, when there is one.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
${tsTypes}
interface RawRequest {
  method: string;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}
interface RunContext extends InitContext {
  response(body: unknown, init?: { status?: number; headers?: Record<string, string> }): unknown;
}
type Sharp = (input: Buffer) => {
  resize(width: number, height: number, options: { fit: string; background: string }): ReturnType<Sharp>;
  grayscale(): ReturnType<Sharp>;
  removeAlpha(): ReturnType<Sharp>;
  raw(): { toBuffer(): Promise<Buffer> };
};

export const raw = true;

const modelName = ${JSON.stringify(model.name)};
${guessed ? '// TODO: the model has no [N, C, H, W] or [N, H, W, C] image input; set these to what it expects.\n' : ''}const input = { name: ${JSON.stringify(img.name)}, layout: ${JSON.stringify(img.layout)}, channels: ${img.channels}, width: ${img.width}, height: ${img.height} };
const outputName = ${JSON.stringify(output?.name ?? 'output')};
/** Pixels 0..255 are scaled to 0..1; change this (and add mean/std) to match how the model was trained. */
const scale = 1 / 255;

let sharp: Sharp;
let labels: string[] = [];
${initBlock('ts', `
  sharp = loadSharp();
  const labelsFile = join(context.modelPath(modelName), 'labels.txt');
  if (existsSync(labelsFile)) labels = readFileSync(labelsFile, 'utf8').split(/\\r?\\n/).filter((l) => l.trim() !== '');`)}
export async function run(request: RawRequest, context: RunContext): Promise<unknown> {
  if (request.method !== 'POST' || request.body.length === 0) {
    return context.response({ message: 'POST an image (PNG, JPEG, WebP…) as the request body.' }, { status: 400 });
  }
  const resized = sharp(request.body).resize(input.width, input.height, { fit: 'contain', background: '#000000' });
  const pixels = await (input.channels === 1 ? resized.grayscale() : resized.removeAlpha()).raw().toBuffer();
  const { width, height, channels } = input;
  const data = new Float32Array(width * height * channels);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      for (let c = 0; c < channels; c++) {
        const from = (y * width + x) * channels + c;
        const to = input.layout === 'NCHW' ? c * width * height + y * width + x : from;
        data[to] = (pixels[from] ?? 0) * scale;
      }
    }
  }
  const dims = input.layout === 'NCHW' ? [1, channels, height, width] : [1, height, width, channels];
  const results = await session.run({ [input.name]: new ort.Tensor('float32', data, dims) });
  const scores = Array.from(results[outputName]?.data ?? [], Number);
  const probabilities = isDistribution(scores) ? scores : softmax(scores);
  const top = probabilities.map((probability, index) => ({ label: labels[index] ?? String(index), index, probability }));
  top.sort((a, b) => b.probability - a.probability);
  return { predictions: top.slice(0, 3) };
}

function isDistribution(values: number[]): boolean {
  const sum = values.reduce((s, v) => s + v, 0);
  return values.every((v) => v >= 0 && v <= 1) && Math.abs(sum - 1) < 1e-3;
}

function softmax(values: number[]): number[] {
  const max = Math.max(...values);
  const exps = values.map((v) => Math.exp(v - max));
  const sum = exps.reduce((s, v) => s + v, 0);
  return exps.map((v) => v / sum);
}

/** sharp decodes the image: the project's own copy when it has one, else the one Modelport runs with. */
function loadSharp(): Sharp {
  const attempts = [() => require('sharp') as Sharp, () => require.main?.require('sharp') as Sharp];
  for (const attempt of attempts) {
    try {
      const loaded = attempt();
      if (typeof loaded === 'function') return loaded;
    } catch {
      // try the next place
    }
  }
  throw new Error('sharp is needed to decode images: add it to the environment file\\'s dependencies');
}
`;
}

/** The text of an entry script for `model`. */
export function entryScriptText(kind: 'entry-script-ts' | 'entry-script-js' | 'entry-script-raw-image', model: ScaffoldModel | undefined, fileName: string): string {
  if (kind === 'entry-script-raw-image') {
    const m = model ?? { name: 'model' };
    const image = m.signature?.inputs.map(imageInputOf).find((i) => i !== undefined);
    return rawImageScript(m, image, m.signature?.outputs[0], fileName);
  }
  const language: ScriptLanguage = kind === 'entry-script-ts' ? 'ts' : 'js';
  const signature = model?.signature;
  if (model === undefined || signature === undefined || signature.inputs.length === 0) return untypedScript(model, language, fileName);
  return typedScript(model, signature, language, fileName);
}
