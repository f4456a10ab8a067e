// Modelport: Invoke with a File: posts a file (an image, or a JSON request) to the service and shows the answer.
import { readFile } from 'node:fs/promises';
import { BadRequestError } from '../../../core/errors';
import { requestContentType, requestContentTypes } from '../../../core/http/requestContentTypes';
import { optionsOf, required } from '../../common/args';
import type { CommandDeps } from '../../common/deps';
import { authorization } from '../../common/credentials';
import { serviceFor } from '../../common/serviceArg';

export interface InvokeArgs {
  /** A request file: .json is sent as JSON, images as their own content type. */
  file: string;
  /** A JSON body instead of a file. */
  body: unknown;
  /** false: return the answer without opening an editor. */
  show: boolean;
}


export async function invokeService(deps: CommandDeps, target?: unknown, rawArgs?: unknown): Promise<{ status: number; body: unknown }> {
  const args = { ...optionsOf<InvokeArgs>(target), ...optionsOf<InvokeArgs>(rawArgs) };
  const service = await serviceFor(deps, target, 'Invoke with a File');
  let body: Buffer | string;
  let contentType: string;
  if (args.body !== undefined) {
    body = JSON.stringify(args.body);
    contentType = 'application/json';
  } else {
    const file = args.file ?? required(await deps.ui.pickFile({ title: `Test ${service.name}: choose a request (an image, or a .json body)`, filters: { 'Requests and images': Object.keys(requestContentTypes).map((e) => e.slice(1)) }, defaultPath: deps.workspace().projectDir }));
    const type = requestContentType(file);
    if (type === undefined) throw new BadRequestError(`Cannot tell how to send ${file}: choose a .json request or an image (${Object.keys(requestContentTypes).join(', ')}).`);
    body = await readFile(file);
    contentType = type;
  }
  const headers = { 'content-type': contentType, ...(await authorization(deps, service)) };
  const started = Date.now();
  const res = await fetch(service.scoringUri, { method: 'POST', headers, body, signal: AbortSignal.timeout(120_000) });
  const text = await res.text();
  let answer: unknown = text;
  try {
    answer = JSON.parse(text) as unknown;
  } catch {
    // not JSON: shown as text
  }
  deps.log.info(`POST ${service.scoringUri} → ${res.status} in ${Date.now() - started} ms (request id ${res.headers.get('x-request-id') ?? '?'})`);
  if (args.show !== false) await deps.ui.showText(typeof answer === 'string' ? answer : JSON.stringify(answer, null, 2), typeof answer === 'string' ? 'plaintext' : 'json');
  return { status: res.status, body: answer };
}
