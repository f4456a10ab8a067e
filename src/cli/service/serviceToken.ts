// `modelport service token NAME`: a signed access token for a token-auth service, with its expiry.
import { parseArgs } from 'node:util';
import { commonOptions, onePositional } from '../common/args';
import type { CliIo } from '../common/io';
import { writeJson } from '../common/output';
import type { Verb } from '../common/verb';
import { openServices } from './openServices';

const usage = `Usage: modelport service token NAME [options]

Prints an access token for a service with token auth, and when it expires (one hour). Send it as
"Authorization: Bearer <token>"; an expired token gets 401.

Options:
  --workspace DIR   the workspace (default: $MODELPORT_WORKSPACE, else ./.modelport)
  --json            print {"accessToken", "expiryOn"}
  -h, --help        show this help
`;

async function run(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, options: commonOptions, allowPositionals: true, strict: true });
  if (values.help) {
    io.stdout.write(usage);
    return 0;
  }
  const name = onePositional(positionals, 'a service NAME', 'modelport service token');
  const token = await openServices(values.workspace, io).manager.token(name);
  if (values.json) writeJson(io.stdout, token);
  else io.stdout.write(`${token.accessToken}\nexpires: ${token.expiryOn}\n`);
  return 0;
}

export const serviceToken: Verb = { name: 'token', summary: 'print an access token for a token-auth service', usage, run };
