// Scores an ONNX model with no entry script: tabular JSON, named tensors, or images (raw bytes or base64)
// become the model's input; classifier outputs come back as labelled top-k.
import { BadRequestError, ConfigError, ModelOutputError, UnsupportedMediaTypeError } from '../../../core/errors';
import type { PostprocessSpec, PreprocessSpec } from '../../../core/modelConfig';
import type { TensorSpec } from '../../../core/onnx/signature';
import { checkAgainstSpec, checkSharedDims, firstNonFinite, jsonToTensor, tensorToJson, type TensorValue } from '../../../core/onnx/tensorData';
import { isJsonContentType, mimeOf, parseJsonDictionary, queryToJson } from '../../http/jsonBody';
import type { Logger } from '../../logger';
import type { LoadedModel } from '../../models/modelSet';
import type { OnnxSession } from '../../runtime/onnxSession';
import { checkLabels, topK } from '../../postprocess/classification';
import { decodeBase64Images } from '../../preprocess/base64Images';
import { checkPreprocessSpec, imagesToTensor } from '../../../core/preprocess/imageTensor';
import type { ScoreRequest, ScoreResult, Scorer, ScorerDescription } from '../scorer';
import { inferPreprocess } from '../../../core/preprocess/inferPreprocess';
import { decodeDataBody } from './dataBodyDecoder';
import { sampleRequest, sampleResponse } from './samples';
import { checkFeeds, checkImageCount, defaultWorkLimits, type WorkLimits } from '../../limits';

/** A 1×1 grey PNG: enough to load and exercise the image decoder once. */
const onePixelPng = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAAAAAA6fptVAAAACklEQVR4nGNoAAAAggCBd81ytgAAAABJRU5ErkJggg==', 'base64');

const imageTypes = ['image/jpeg', 'image/png', 'image/webp', 'image/gif', 'image/tiff', 'image/avif'];

export class OnnxScorer implements Scorer {
  private readonly session: OnnxSession;
  private readonly input: TensorSpec;
  private readonly preprocess: PreprocessSpec | undefined;
  private readonly postprocess: PostprocessSpec | undefined;
  /** {"data": [...]} bodies for this model can take the one-pass decoder (dataBodyDecoder.ts). */
  private readonly oneFloatInput: boolean;

  constructor(
    private readonly model: LoadedModel,
    logger: Logger,
    private readonly limits: WorkLimits = defaultWorkLimits,
  ) {
    if (!model.session) throw new ConfigError(`Model ${model.name}:${model.version} has no .onnx file; serve it with an entry script.`);
    this.session = model.session;
    const sig = this.session.signature;
    const explicit = model.config.preprocess;
    const inputName = explicit?.input;
    const input = inputName ? sig.inputs.find((i) => i.name === inputName) : sig.inputs[0];
    if (!input) throw new ConfigError(`Model ${model.name}: preprocess.input '${inputName}' is not an input (inputs: ${sig.inputs.map((i) => i.name).join(', ')}).`);
    this.input = input;
    this.oneFloatInput = sig.inputs.length === 1 && input.type === 'float32';
    this.preprocess = explicit ?? inferPreprocess(input);
    if (!explicit && this.preprocess) {
      logger.info(`Model ${model.name}: no preprocess config; images are resized to ${this.preprocess.width}x${this.preprocess.height} ${this.preprocess.channels} ${this.preprocess.layout}, scaled to 0..1.`);
    }
    this.postprocess = model.config.postprocess ?? (model.labels ? { kind: 'classification', topK: 3, softmax: 'auto' } : undefined);
    if (this.preprocess) checkPreprocessSpec(this.preprocess);
    const outName = this.postprocess?.output;
    const scores = outName ? sig.outputs.find((o) => o.name === outName) : sig.outputs[0];
    if (outName && !scores) {
      throw new ConfigError(`Model ${model.name}: postprocess.output '${outName}' is not an output (outputs: ${sig.outputs.map((o) => o.name).join(', ')}).`);
    }
    // Catch a labels file that does not fit the model now, not on the first request.
    const classes = scores?.shape[1];
    if (this.postprocess && model.labels && typeof classes === 'number' && classes > 0) {
      checkLabels(model.labels, classes, `Labels of model ${model.name}`);
    }
  }

  get name(): string {
    return `${this.model.name}:${this.model.version}`;
  }

  private async imageFeeds(images: Buffer[]): Promise<Record<string, TensorValue>> {
    if (!this.preprocess) {
      throw new UnsupportedMediaTypeError(
        `Model ${this.model.name} does not take images: its input '${this.input.name}' is not image-shaped and it has no preprocess section in its model config. Send {"data": [...]} instead.`,
      );
    }
    checkImageCount(images.length, this.limits);
    const { data, dims } = await imagesToTensor(images, this.preprocess);
    const value: TensorValue = { type: this.preprocess.dtype, dims, data };
    checkAgainstSpec(value, this.input);
    return { [this.input.name]: value };
  }

  private tensorFor(spec: TensorSpec, data: unknown): TensorValue {
    return this.fitted(spec, jsonToTensor(spec.name, data, spec.type));
  }

  private fitted(spec: TensorSpec, value: TensorValue): TensorValue {
    // A single row sent without its batch dimension is the most common tabular request: add it.
    if (value.dims.length === spec.shape.length - 1 && typeof spec.shape[0] !== 'number') value.dims = [1, ...value.dims];
    checkAgainstSpec(value, spec);
    return value;
  }

  private namedFeeds(named: Record<string, unknown>): Record<string, TensorValue> {
    const inputs = this.session.signature.inputs;
    const feeds: Record<string, TensorValue> = {};
    for (const key of Object.keys(named)) {
      if (!inputs.some((i) => i.name === key)) {
        throw new BadRequestError(`Unknown input '${key}'. The model's inputs are: ${inputs.map((i) => i.name).join(', ')}.`);
      }
    }
    for (const spec of inputs) {
      if (!(spec.name in named)) throw new BadRequestError(`A value is not provided for the model input '${spec.name}'.`);
      feeds[spec.name] = this.tensorFor(spec, named[spec.name]);
    }
    checkSharedDims(feeds, inputs);
    return feeds;
  }

  private async jsonFeeds(body: Record<string, unknown>): Promise<Record<string, TensorValue>> {
    if ('image' in body || 'images' in body) return this.imageFeeds(decodeBase64Images(body.image ?? body.images));
    if ('inputs' in body && typeof body.inputs === 'object' && body.inputs !== null && !Array.isArray(body.inputs)) {
      return this.namedFeeds(body.inputs as Record<string, unknown>);
    }
    if ('data' in body) {
      const data = body.data;
      if (this.preprocess && Array.isArray(data) && data.length > 0 && data.every((d) => typeof d === 'string')) {
        return this.imageFeeds(decodeBase64Images(data));
      }
      const inputs = this.session.signature.inputs;
      if (inputs.length > 1) {
        throw new BadRequestError(`The model has ${inputs.length} inputs (${inputs.map((i) => i.name).join(', ')}); send {"inputs": {"<name>": [...]}}.`);
      }
      return { [this.input.name]: this.tensorFor(this.input, data) };
    }
    const inputNames = this.session.signature.inputs.map((i) => i.name);
    if (Object.keys(body).length > 0 && Object.keys(body).every((k) => inputNames.includes(k))) return this.namedFeeds(body);
    throw new BadRequestError(
      `Expected {"data": [...]} (rows for input '${this.input.name}')${this.preprocess ? ', {"image": "<base64>"}' : ''} or {"inputs": {"<name>": [...]}}; got keys: ${Object.keys(body).join(', ') || 'none'}.`,
    );
  }

  private async feedsOf(req: ScoreRequest): Promise<Record<string, TensorValue>> {
    const contentType = req.headers['content-type'];
    const mime = mimeOf(contentType);
    if (mime.startsWith('image/') || mime === 'application/octet-stream') {
      if (req.body.length === 0) throw new BadRequestError('POST body is empty. Expecting image bytes.');
      return this.imageFeeds([req.body]);
    }
    if (contentType !== undefined && !isJsonContentType(contentType)) {
      throw new UnsupportedMediaTypeError(`Content-Type '${contentType}' is not supported: send application/json${this.preprocess ? ' or an image (image/jpeg, image/png, image/webp)' : ''}.`);
    }
    if (this.oneFloatInput) {
      const fast = decodeDataBody(req.body);
      if (fast) return { [this.input.name]: this.fitted(this.input, { type: 'float32', dims: fast.dims, data: fast.data }) };
    }
    return this.jsonFeeds(parseJsonDictionary(req.body));
  }

  async score(req: ScoreRequest): Promise<ScoreResult> {
    // GET /score?data=[[…]]: the query, parsed as the reference server parses it, is the request's JSON body.
    const feeds = req.method === 'GET' ? await this.jsonFeeds(queryToJson(req.query)) : await this.feedsOf(req);
    checkFeeds(feeds, this.limits);
    const outputs = await this.session.run(feeds);
    return { body: this.present(outputs) };
  }

  private present(outputs: Record<string, TensorValue>): unknown {
    if (this.postprocess) {
      const name = this.postprocess.output ?? this.session.signature.outputs[0]?.name ?? '';
      const out = outputs[name];
      if (out && !(out.data instanceof Array) && typeof out.data[0] === 'number') {
        const results = topK(out.data as Float32Array, out.dims, this.postprocess, this.model.labels);
        return { predictions: results.map((r) => r.predictions) };
      }
    }
    return Object.fromEntries(
      Object.entries(outputs).map(([name, value]) => {
        const bad = firstNonFinite(value);
        if (bad >= 0) {
          throw new ModelOutputError(`Output '${name}' holds ${String(value.data[bad])} at flat index ${bad}, which JSON cannot carry; score it through /v2 with binary output.`);
        }
        return [name, tensorToJson(value, true)];
      }),
    );
  }

  /**
   * One model run on its example input and, for image models, one image decode, before the service reports
   * healthy: the first real request would otherwise pay for onnxruntime's and sharp's lazy start-up (tens to a
   * hundred milliseconds). A model that rejects the example only loses the warm-up.
   */
  async warmUp(logger: Logger): Promise<void> {
    const started = performance.now();
    try {
      const example = sampleRequest(this.input, this.session.signature) as { data?: unknown; inputs?: Record<string, unknown> };
      const feeds = example.inputs ? this.namedFeeds(example.inputs) : { [this.input.name]: this.tensorFor(this.input, example.data) };
      await this.session.warmUp(feeds);
      if (this.preprocess) await imagesToTensor([onePixelPng], this.preprocess);
      logger.debug(`Model ${this.name} warmed up in ${(performance.now() - started).toFixed(1)} ms`);
    } catch (err) {
      logger.debug(`Model ${this.name}: warm-up skipped (${err instanceof Error ? err.message : String(err)})`);
    }
  }

  describe(): ScorerDescription {
    return {
      inputSample: sampleRequest(this.input, this.session.signature),
      outputSample: sampleResponse(this.session.signature, this.postprocess, this.model.labels),
      schemaTyped: false,
      binaryContentTypes: this.preprocess ? imageTypes : [],
      raw: false,
    };
  }

  async close(): Promise<void> {
    // The ModelSet owns and closes the session.
  }
}
