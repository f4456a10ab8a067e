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
import { UsageError } from './common/usageError';
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

async function run(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: { workspace: commonOptions.workspace, help: commonOptions.help, file: { type: 'string' }, data: { type: 'string' }, 'json-file': { type: 'string' }, 'content-type': { type: 'string' } },
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
  if (!service.scoringUri) throw new UsageError(`Service '${name}' has no scoring URI yet (state ${service.state}).`);
  const authorization = await authorizationHeader(manager, service);
  const started = performance.now();
  const res = await fetch(service.scoringUri, { method: 'POST', headers: { 'content-type': type, ...(authorization ? { authorization } : {}) }, body: bytes });
  const text = await res.text();
  const ms = performance.now() - started;
  io.stderr.write(`${res.status} ${res.statusText} in ${ms.toFixed(1)} ms (server ${res.headers.get('x-ms-run-fn-exec-ms') ?? '?'} ms, request id ${res.headers.get('x-request-id') ?? '?'})\n`);
  io.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
  return res.ok ? ExitCode.ok : ExitCode.failure;
}

export async function invokeCommand(argv: string[], io: CliIo = processIo()): Promise<number> {
  try {
    return await run(argv, io);
  } catch (err) {
    io.stderr.write(renderError(err, genericServiceHint(err, 'invoke')?.replace("'modelport service invoke --help'", "'modelport invoke --help'")));
    return exitCodeFor(err);
  }
}
