// The Open Inference Protocol (V2) REST routes: server and model metadata, health, readiness and infer.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { BadRequestError } from '../../core/errors';
import { binaryResponseParts, parseBinaryRequest } from '../../core/onnx/binaryData';
import { onnxToV2 } from '../../core/onnx/datatypes';
import type { TensorSpec } from '../../core/onnx/signature';
import { modelportVersion } from '../../core/version';
import type { AppDeps } from '../appTypes';
import { checkAuthorization } from '../http/auth';
import { parseJsonBody } from '../http/jsonBody';
import type { LoadedModel } from '../models/modelSet';
import { buildFeeds, buildResponse, requestedOutputs } from '../v2/infer';
import { parseInferRequest } from '../v2/inferRequest';
import { checkFeeds } from '../limits';
import { limitsOf } from '../options';

/** Responses from this size on are written part by part (see infer). */
const streamedResponseBytes = 256 * 1024;

interface ModelParams {
  name: string;
  version?: string;
}

/** V2 writes variable dimensions as -1. */
function describeTensor(spec: TensorSpec): { name: string; datatype: string; shape: number[] } {
  return { name: spec.name, datatype: onnxToV2(spec.type), shape: spec.shape.map((d) => (typeof d === 'number' && d >= 0 ? d : -1)) };
}

function headerLength(req: FastifyRequest): number | undefined {
  const raw = req.headers['inference-header-content-length'];
  if (raw === undefined) return undefined;
  const text = Array.isArray(raw) ? raw[0] : raw;
  if (!text || !/^\d+$/.test(text)) throw new BadRequestError(`Inference-Header-Content-Length must be a byte count, got '${text}'.`);
  return Number(text);
}

export function registerV2Routes(app: FastifyInstance, deps: AppDeps): void {
  const { options, models, metrics } = deps;
  const requireAuth = async (req: FastifyRequest): Promise<void> => checkAuthorization(options.auth, req.headers.authorization);
  const modelOf = (req: FastifyRequest): LoadedModel => {
    const p = req.params as ModelParams;
    return models.find(p.name, p.version);
  };

  app.get('/v2', async () => ({ name: 'modelport', version: modelportVersion, extensions: ['binary_tensor_data', 'model_repository_metadata'] }));
  app.get('/v2/health/live', async () => ({ live: true }));
  app.get('/v2/health/ready', async () => ({ ready: true }));

  const metadata = async (req: FastifyRequest): Promise<object> => {
    const model = modelOf(req);
    const sig = model.session?.signature;
    return {
      name: model.name,
      versions: models.models.filter((m) => m.name === model.name).map((m) => m.version),
      platform: sig ? 'onnx_onnxv1' : 'modelport_entry_script',
      inputs: sig?.inputs.map(describeTensor) ?? [],
      outputs: sig?.outputs.map(describeTensor) ?? [],
    };
  };
  const ready = async (req: FastifyRequest): Promise<object> => {
    const model = modelOf(req);
    return { name: model.name, ready: true };
  };

  const infer = async (req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
    await requireAuth(req);
    const model = modelOf(req);
    const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const length = headerLength(req);
    const { header, buffers } = length === undefined ? { header: parseJsonBody(body), buffers: [] } : parseBinaryRequest(body, length);
    const request = parseInferRequest(header);
    const feeds = buildFeeds(model, request, buffers);
    checkFeeds(feeds, limitsOf(options));
    const outputs = requestedOutputs(model, request);
    const started = process.hrtime.bigint();
    const results = await model.session!.run(feeds, outputs);
    metrics.modelRun.observe(Number(process.hrtime.bigint() - started) / 1e9, { model: `${model.name}:${model.version}` });
    const order = outputs ?? model.session!.signature.outputs.map((o) => o.name);
    const response = buildResponse(model, request, request.id ?? req.mpIds.requestId ?? randomUUID(), results, order);
    if (response.buffers.length === 0) return reply.type('application/json').send(JSON.stringify(response.header));
    const { parts, headerLength: jsonLength, length: bodyLength } = binaryResponseParts(response.header, response.buffers);
    reply.header('inference-header-content-length', String(jsonLength));
    reply.type('application/octet-stream');
    // Large outputs (a text recogniser returns a megabyte per row) are written part after part from the model's
    // own buffers rather than copied into one body first; small ones go as one write.
    if (bodyLength < streamedResponseBytes) return reply.send(Buffer.concat(parts, bodyLength));
    reply.header('content-length', String(bodyLength));
    return reply.send(Readable.from(parts, { objectMode: false }));
  };

  for (const prefix of ['/v2/models/:name', '/v2/models/:name/versions/:version']) {
    app.get(prefix, { preHandler: requireAuth }, metadata);
    app.get(`${prefix}/ready`, ready);
    app.post(`${prefix}/infer`, infer);
  }
}
