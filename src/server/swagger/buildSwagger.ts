// The OpenAPI document of a scoring service, generated from what the scorer knows of its input and output
// (samples or the model's signature). Version 2 is the default, as in Azure ML; 3 and 3.1 on request.
import type { ScorerDescription } from '../scoring/scorer';
import { documentedSchema, type JsonSchema } from './sampleSchema';

export const swaggerVersions = ['2', '3', '3.1'] as const;
export type SwaggerVersion = (typeof swaggerVersions)[number];

export interface SwaggerContext {
  serviceName: string;
  serviceVersion: string;
  authEnabled: boolean;
}

function schemas(d: ScorerDescription): { input: JsonSchema; output: JsonSchema } {
  const input = d.raw ? { type: 'string' as const, format: 'binary' } : d.inputSample === undefined ? { type: 'object' as const } : documentedSchema(d.inputSample);
  const output = d.outputSample === undefined ? {} : documentedSchema(d.outputSample);
  return { input, output };
}

const errorSchema: JsonSchema = { type: 'object', properties: { message: { type: 'string' } }, required: ['message'] };

const text = {
  health: 'Health check: answers "Healthy" while the service is up.',
  score: 'Runs the model on the request and returns its prediction.',
  input: 'The scoring request.',
  ok: 'The prediction.',
  error: 'The request failed; `message` says why.',
  bearer: 'Authorization: Bearer <key or token>',
};

function swagger2(ctx: SwaggerContext, d: ScorerDescription): object {
  const { input, output } = schemas(d);
  const consumes = d.raw ? ['*/*'] : ['application/json', ...d.binaryContentTypes];
  return {
    swagger: '2.0',
    info: { title: ctx.serviceName, description: `Scoring API of ${ctx.serviceName}, served by Modelport.`, version: ctx.serviceVersion },
    schemes: ['http', 'https'],
    consumes,
    produces: ['application/json'],
    ...(ctx.authEnabled ? { securityDefinitions: { Bearer: { type: 'apiKey', name: 'Authorization', in: 'header', description: text.bearer } } } : {}),
    paths: {
      '/': {
        get: {
          operationId: 'ServiceHealthCheck',
          description: text.health,
          produces: ['text/plain'],
          responses: { '200': { description: 'Healthy', schema: { type: 'string', example: 'Healthy' } } },
        },
      },
      '/score': {
        post: {
          operationId: 'RunMLService',
          description: text.score,
          ...(ctx.authEnabled ? { security: [{ Bearer: [] }] } : {}),
          parameters: [{ name: 'serviceInputPayload', in: 'body', description: text.input, schema: { $ref: '#/definitions/ServiceInput' } }],
          responses: {
            '200': { description: text.ok, schema: { $ref: '#/definitions/ServiceOutput' } },
            default: { description: text.error, schema: { $ref: '#/definitions/ErrorResponse' } },
          },
        },
      },
    },
    definitions: { ServiceInput: input, ServiceOutput: output, ErrorResponse: errorSchema },
  };
}

/** 3.0 cannot say `type: null` and uses `nullable`; samples never produce null types, so one shape serves both. */
function swagger3(ctx: SwaggerContext, d: ScorerDescription, version: '3.0.3' | '3.1.0'): object {
  const { input, output } = schemas(d);
  const ref = (name: string): object => ({ $ref: `#/components/schemas/${name}` });
  const content = d.raw
    ? { '*/*': { schema: ref('ServiceInput') } }
    : {
        'application/json': { schema: ref('ServiceInput') },
        ...Object.fromEntries(d.binaryContentTypes.map((t) => [t, { schema: { type: 'string', format: 'binary' } }])),
      };
  return {
    openapi: version,
    info: { title: ctx.serviceName, description: `Scoring API of ${ctx.serviceName}, served by Modelport.`, version: ctx.serviceVersion },
    paths: {
      '/': {
        get: {
          operationId: 'ServiceHealthCheck',
          description: text.health,
          responses: { '200': { description: 'Healthy', content: { 'text/plain': { schema: { type: 'string', example: 'Healthy' } } } } },
        },
      },
      '/score': {
        post: {
          operationId: 'RunMLService',
          description: text.score,
          ...(ctx.authEnabled ? { security: [{ Bearer: [] }] } : {}),
          requestBody: { description: text.input, required: true, content },
          responses: {
            '200': { description: text.ok, content: { 'application/json': { schema: ref('ServiceOutput') } } },
            default: { description: text.error, content: { 'application/json': { schema: ref('ErrorResponse') } } },
          },
        },
      },
    },
    components: {
      schemas: { ServiceInput: input, ServiceOutput: output, ErrorResponse: errorSchema },
      ...(ctx.authEnabled ? { securitySchemes: { Bearer: { type: 'http', scheme: 'bearer', description: text.bearer } } } : {}),
    },
  };
}

export function buildSwagger(version: SwaggerVersion, ctx: SwaggerContext, d: ScorerDescription): object {
  if (version === '2') return swagger2(ctx, d);
  return swagger3(ctx, d, version === '3' ? '3.0.3' : '3.1.0');
}

/** The version a `?version=` value asks for: `2`, `2.0`, `3`, `3.0` or `3.1`, as the reference server accepts them. */
export function swaggerVersionOf(v: string): SwaggerVersion | undefined {
  const aliases: Record<string, SwaggerVersion> = { '2': '2', '2.0': '2', '3': '3', '3.0': '3', '3.1': '3.1' };
  return Object.hasOwn(aliases, v) ? aliases[v] : undefined;
}
