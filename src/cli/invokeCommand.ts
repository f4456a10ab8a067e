// `modelport invoke SERVICE`: calls a service with its credentials and prints the answer.
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { requestContentType } from '../core/http/requestContentTypes';
import { authorizationHeader } from '../core/services/authorization';
import { parseArgs } from 'node:util';
import { commonOptions, onePositional } from './common/args';
import { ExitCode, exitCodeFor } from './common/exitCodes';
import { processIo, type CliIo } from './common/io';
import { renderError } from './common/renderError';
import { unknownOptionMessage } from './common/unknownOption';
import { UsageError } from './common/usageError';
import { writeJson } from './common/output';
import { ModelportError, errorMessage } from '../core/errors';
import { openServices } from './service/openServices';
import { genericServiceHint } from './service/serviceHints';

export const invokeUsage = `Usage: modelport invoke SERVICE (--file FILE | --data JSON | --json-file FILE) [options]

Sends one request to a service's scoring URI, with its key or a fresh token when it needs one, and
prints the response body on stdout (status, latency and request id on stderr). Exit code 0 for a 2xx
answer, 1 otherwise.

Options:
  --file FILE          send the file's bytes (an image: its type comes from the extension)
  --content-type TYPE  the Content-Type for --file (default from the extension)
  --data JSON          send this JSON
  --json-file FILE     send this JSON file
  --json               print {status, latencyMs, serverMs, requestId, contentType, body} on stdout
                       (body parsed when the answer is JSON)
  --workspace DIR      the workspace (default: $MODELPORT_WORKSPACE, else ./.modelport)
  -h, --help           show this help

Examples:
  modelport invoke fashion-svc --file samples/fashion-mnist/images/sneaker.png
  modelport invoke iris-svc --data '{"data": [[5.1, 3.5, 1.4, 0.2]]}'
`;


async function body(values: { file?: string; data?: string; 'json-file'?: string; 'content-type'?: string }, cwd: string): Promise<{ bytes: Buffer; type: string }> {
  const given = [values.file, values.data, values['json-file']].filter((v) => v !== undefined).length;
  if (given !== 1) throw new UsageError('Give exactly one of --file, --data or --json-file.');
  if (values.data !== undefined) return { bytes: Buffer.from(values.data), type: 'application/json' };
  const file = resolve(cwd, (values.file ?? values['json-file'])!);
  const bytes = await readFile(file).catch((err: NodeJS.ErrnoException) => {
    throw err.code === 'ENOENT' ? new UsageError(`File not found: ${file}`) : err;
  });
  if (values['json-file'] !== undefined) return { bytes, type: 'application/json' };
  return { bytes, type: values['content-type'] ?? requestContentType(file) ?? 'application/octet-stream' };
}

/** The answer's JSON when it is JSON, else its text. */
function parsedBody(text: string, contentType: string): unknown {
  if (!/json/i.test(contentType)) return text;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

async function run(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: { ...commonOptions, file: { type: 'string' }, data: { type: 'string' }, 'json-file': { type: 'string' }, 'content-type': { type: 'string' } },
    allowPositionals: true,
    strict: true,
  });
  if (values.help) {
    io.stdout.write(invokeUsage);
    return 0;
  }
  const name = onePositional(positionals, 'a SERVICE name', 'modelport invoke');
  const { bytes, type } = await body(values, io.cwd);
  const { manager } = openServices(values.workspace, io);
  const service = await manager.get(name);
  // The state's detail says what to do (a Stopped service's names 'modelport service start').
  if (service.state === 'Stopped') throw new ModelportError('unavailable', `Service '${name}' is Stopped: ${service.detail ?? `start it with 'modelport service start ${name}'.`}`);
  if (service.state === 'Failed') throw new ModelportError('unavailable', `Service '${name}' is Failed: ${service.detail ?? 'it never became Healthy'}. See why with 'modelport service logs ${name}'.`);
  if (!service.scoringUri) throw new ModelportError('unavailable', `Service '${name}' has no scoring URI yet (state ${service.state}).`);
  const authorization = await authorizationHeader(manager, service);
  const started = performance.now();
  const res = await fetch(service.scoringUri, { method: 'POST', headers: { 'content-type': type, ...(authorization ? { authorization } : {}) }, body: bytes }).catch((err: unknown) => {
    throw new ModelportError('unavailable', `Service '${name}' did not answer at ${service.scoringUri} (${errorMessage(err)}). Check it with 'modelport service show ${name}'.`);
  });
  const text = await res.text();
  const ms = performance.now() - started;
  const serverMs = res.headers.get('x-ms-run-fn-exec-ms');
  const requestId = res.headers.get('x-request-id');
  io.stderr.write(`${res.status} ${res.statusText} in ${ms.toFixed(1)} ms (server ${serverMs ?? '?'} ms, request id ${requestId ?? '?'})\n`);
  if (values.json) {
    const contentType = res.headers.get('content-type') ?? '';
    writeJson(io.stdout, { status: res.status, latencyMs: Number(ms.toFixed(1)), serverMs: serverMs === null ? null : Number(serverMs), requestId, contentType, body: parsedBody(text, contentType) });
  } else {
    io.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
  }
  return res.ok ? ExitCode.ok : ExitCode.failure;
}

export async function invokeCommand(argv: string[], io: CliIo = processIo()): Promise<number> {
  try {
    return await run(argv, io);
  } catch (err) {
    io.stderr.write(renderError(unknownOptionMessage(err, 'modelport invoke', invokeUsage) ?? err, genericServiceHint(err, 'invoke')?.replace("'modelport service invoke --help'", "'modelport invoke --help'")));
    return exitCodeFor(err);
  }
}
