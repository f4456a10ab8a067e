// The messages between the endpoint tester's webview and the extension host. Both sides validate every
// message on arrival with these schemas; anything else is ignored and logged. Names are `scope/verb`:
// webview → host messages ask (the host does every HTTP call, file read and clipboard write), host → webview
// messages tell. The webview never receives a key: only whether one is set (`hasKey`).
import * as z from 'zod';
import { historyEntrySchema } from '../core/client/history';
import { imageLimitMessage, imageLimits } from '../core/client/imageLimits';

/**
 * Shared bounds. The image limits are defined once, in src/core/client/imageLimits.ts (the request builder checks
 * them too); the core's load-test limits are checked against these in test/unit/protocol.
 */
export const testerLimits = {
  maxImages: imageLimits.maxImages,
  maxImageBytes: imageLimits.maxImageBytes,
  maxLoadRequests: 10_000,
  maxLoadConcurrency: 64,
  maxLoadDurationS: 60,
  maxJsonChars: 8 * 1024 * 1024,
} as const;

export const snippetLanguageSchema = z.enum(['curl', 'python', 'javascript']);
export type SnippetLanguageName = z.infer<typeof snippetLanguageSchema>;
export const imageEncodingSchema = z.enum(['raw', 'base64', 'v2']);
export const authModeSchema = z.enum(['none', 'key', 'token']);

/** Bytes cross as a Uint8Array (VS Code revives typed arrays and ArrayBuffers); an ArrayBuffer is accepted too. */
export const bytesSchema = z
  .union([z.instanceof(Uint8Array), z.instanceof(ArrayBuffer)])
  .transform((b): Uint8Array => (b instanceof Uint8Array ? b : new Uint8Array(b)))
  .refine((b) => b.byteLength <= testerLimits.maxImageBytes, { message: imageLimitMessage() });

export const imagePayloadSchema = z.object({
  name: z.string().min(1).max(260),
  mime: z.string().max(100),
  bytes: bytesSchema,
});
export type ImagePayload = z.infer<typeof imagePayloadSchema>;

export const inputPayloadSchema = z.discriminatedUnion('mode', [
  z.object({ mode: z.literal('json'), body: z.string().max(testerLimits.maxJsonChars) }),
  z.object({ mode: z.literal('v2'), body: z.string().max(testerLimits.maxJsonChars) }),
  z.object({ mode: z.literal('image'), encoding: imageEncodingSchema, images: z.array(imagePayloadSchema).min(1).max(testerLimits.maxImages, { message: imageLimitMessage() }) }),
]);
export type InputPayload = z.infer<typeof inputPayloadSchema>;

export const targetOptionSchema = z.object({
  /** `service:<name>` or `url:<scoring URI>`. */
  key: z.string(),
  kind: z.enum(['service', 'url']),
  label: z.string(),
  scoringUri: z.string(),
  authMode: authModeSchema,
  /** `Healthy`, `Stopped`… for services. */
  state: z.string().optional(),
  model: z.string().optional(),
});
export type TargetOption = z.infer<typeof targetOptionSchema>;

export const v2TensorInfoSchema = z.object({ name: z.string(), datatype: z.string(), shape: z.array(z.number()) });

export const targetInfoSchema = targetOptionSchema.extend({
  hasKey: z.boolean(),
  jsonExample: z.string().optional(),
  v2Example: z.string().optional(),
  v2Inputs: z.array(v2TensorInfoSchema).optional(),
  v2Outputs: z.array(v2TensorInfoSchema).optional(),
  /** Image content types the service takes as raw bytes (from swagger `consumes`). */
  imageTypes: z.array(z.string()).optional(),
  /** What could not be read (swagger, V2 metadata), in words for the user. */
  problems: z.array(z.string()),
});
export type TargetInfo = z.infer<typeof targetInfoSchema>;

export const predictionSchema = z.object({ label: z.string(), index: z.number(), probability: z.number() });

export const resultViewSchema = z.object({
  requestId: z.string(),
  at: z.string(),
  summary: z.string(),
  url: z.string(),
  status: z.number(),
  statusText: z.string(),
  ok: z.boolean(),
  totalMs: z.number(),
  serverMs: z.number().optional(),
  headers: z.array(z.tuple([z.string(), z.string()])),
  contentType: z.string(),
  body: z.string(),
  bodyBytes: z.number(),
  truncated: z.boolean(),
  errorMessage: z.string().optional(),
  predictions: z.array(z.array(predictionSchema)).optional(),
  /** Names of the images sent, one per prediction row. */
  imageNames: z.array(z.string()).optional(),
});
export type ResultView = z.infer<typeof resultViewSchema>;

/** A history entry as the panel shows it: the stored entry without its URL, target key and input. */
export const historyViewSchema = historyEntrySchema
  .pick({ id: true, at: true, targetLabel: true, summary: true, status: true, ok: true, totalMs: true, serverMs: true, requestId: true, outcome: true })
  .extend({ rerunnable: z.boolean() });
export type HistoryView = z.infer<typeof historyViewSchema>;

export const loadPointSchema = z.object({ t: z.number(), p50: z.number(), p95: z.number(), p99: z.number(), rps: z.number() });
export type LoadPoint = z.infer<typeof loadPointSchema>;

export const loadProgressSchema = z.object({
  requested: z.number(),
  completed: z.number(),
  succeeded: z.number(),
  failed: z.number(),
  elapsedMs: z.number(),
  point: loadPointSchema,
});

export const loadSummarySchema = z.object({
  requested: z.number(),
  completed: z.number(),
  succeeded: z.number(),
  failed: z.number(),
  aborted: z.number(),
  concurrency: z.number(),
  elapsedMs: z.number(),
  rps: z.number(),
  latency: z.object({ p50: z.number(), p95: z.number(), p99: z.number(), min: z.number(), max: z.number(), mean: z.number() }),
  statuses: z.record(z.string(), z.number()),
  stoppedBy: z.enum(['completed', 'time-limit', 'cancelled']),
  points: z.array(loadPointSchema),
  firstError: z.string().optional(),
});

const snippetsSchema = z.object({ curl: z.string(), python: z.string(), javascript: z.string() });

// ---- webview → host ----
export const webviewMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('panel/ready') }),
  z.object({ type: z.literal('target/select'), key: z.string().min(1) }),
  z.object({ type: z.literal('target/custom'), url: z.string().min(1).max(2048), model: z.string().max(200).optional() }),
  z.object({ type: z.literal('target/setKey') }),
  z.object({ type: z.literal('target/clearKey') }),
  z.object({ type: z.literal('target/refresh') }),
  z.object({ type: z.literal('image/pick') }),
  z.object({ type: z.literal('request/send'), input: inputPayloadSchema }),
  z.object({ type: z.literal('request/cancel') }),
  z.object({ type: z.literal('snippet/copy'), language: snippetLanguageSchema }),
  z.object({ type: z.literal('history/rerun'), id: z.string() }),
  z.object({ type: z.literal('history/remove'), id: z.string() }),
  z.object({ type: z.literal('history/clear') }),
  z.object({ type: z.literal('history/showLog'), id: z.string() }),
  z.object({
    type: z.literal('loadtest/start'),
    requests: z.number().int().min(1).max(testerLimits.maxLoadRequests),
    concurrency: z.number().int().min(1).max(testerLimits.maxLoadConcurrency),
    maxDurationS: z.number().int().min(1).max(testerLimits.maxLoadDurationS),
  }),
  z.object({ type: z.literal('loadtest/stop') }),
  z.object({ type: z.literal('clipboard/copy'), text: z.string().max(1024 * 1024) }),
]);
export type WebviewMessage = z.infer<typeof webviewMessageSchema>;

// ---- host → webview ----
export const hostMessageSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('state/init'),
    targets: z.array(targetOptionSchema),
    selectedKey: z.string().optional(),
    history: z.array(historyViewSchema),
  }),
  z.object({ type: z.literal('targets/update'), targets: z.array(targetOptionSchema), selectedKey: z.string().optional() }),
  z.object({ type: z.literal('target/info'), info: targetInfoSchema }),
  /** Images the host read (picker, or files given to `modelport.service.test`); `replace` drops the ones shown. */
  z.object({ type: z.literal('image/added'), images: z.array(imagePayloadSchema).max(testerLimits.maxImages, { message: imageLimitMessage() }), replace: z.boolean().optional() }),
  z.object({ type: z.literal('input/load'), input: inputPayloadSchema }),
  /** Asks the webview to do what its Send button does, on the given tab (default: the current one). */
  z.object({ type: z.literal('request/trigger'), mode: z.enum(['image', 'json', 'v2']).optional() }),
  z.object({ type: z.literal('request/started'), requestId: z.string(), summary: z.string() }),
  z.object({ type: z.literal('request/finished'), result: resultViewSchema, snippets: snippetsSchema }),
  z.object({ type: z.literal('request/failed'), message: z.string(), requestId: z.string().optional() }),
  z.object({ type: z.literal('history/update'), entries: z.array(historyViewSchema) }),
  z.object({ type: z.literal('loadtest/progress'), progress: loadProgressSchema }),
  z.object({ type: z.literal('loadtest/finished'), summary: loadSummarySchema, text: z.string() }),
  z.object({ type: z.literal('loadtest/failed'), message: z.string() }),
  z.object({ type: z.literal('notice/show'), level: z.enum(['info', 'error']), message: z.string() }),
]);
export type HostMessage = z.infer<typeof hostMessageSchema>;

export type MessageOf<M extends { type: string }, K extends M['type']> = Extract<M, { type: K }>;
/** One handler per message type: adding a message without handling it is a compile error. */
export type Handlers<M extends { type: string }> = { [K in M['type']]: (message: MessageOf<M, K>) => void | Promise<void> };

export type Parsed<M> = { ok: true; message: M } | { ok: false; error: string };

function describeIssue(data: unknown, error: z.ZodError): string {
  const type = data && typeof data === 'object' && typeof (data as { type?: unknown }).type === 'string' ? (data as { type: string }).type : '(no type)';
  const issue = error.issues[0];
  return `${type}: ${issue ? `${issue.path.join('.') || '(message)'}: ${issue.message}` : 'invalid'}`;
}

export function parseWebviewMessage(data: unknown): Parsed<WebviewMessage> {
  const r = webviewMessageSchema.safeParse(data);
  return r.success ? { ok: true, message: r.data } : { ok: false, error: describeIssue(data, r.error) };
}

export function parseHostMessage(data: unknown): Parsed<HostMessage> {
  const r = hostMessageSchema.safeParse(data);
  return r.success ? { ok: true, message: r.data } : { ok: false, error: describeIssue(data, r.error) };
}

/** Calls the handler of the message's type. */
export function dispatch<M extends { type: string }>(handlers: Handlers<M>, message: M): void | Promise<void> {
  const handler = handlers[message.type as M['type']] as (m: M) => void | Promise<void>;
  return handler(message);
}
