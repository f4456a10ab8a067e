// `modelport service keys NAME` and `modelport service regen-key NAME primary|secondary`.
import { parseArgs } from 'node:util';
import type { KeyName } from '../../core/services/types';
import { commonOptions } from '../common/args';
import type { CliIo } from '../common/io';
import { writeJson } from '../common/output';
import { UsageError } from '../common/usageError';
import type { Verb } from '../common/verb';
import { openServices } from './openServices';
import { progressTo } from './progressLines';
import { warnBeforeRestart } from './restartWarning';

const keysUsage = `Usage: modelport service keys NAME [options]

Prints the primary and secondary keys of a service with key auth. Send one as
"Authorization: Bearer <key>". Keys are stored in the workspace, readable by their owner alone.

Options:
  --workspace DIR   the workspace (default: $MODELPORT_WORKSPACE, else ./.modelport)
  --json            print {"primaryKey", "secondaryKey"}
  -h, --help        show this help
`;

const regenUsage = `Usage: modelport service regen-key NAME primary|secondary [options]

Replaces one key with a new random one; the other keeps working, so clients can move over without a
gap. The service rolls to the new key without failing a request.

Options:
  --workspace DIR   the workspace (default: $MODELPORT_WORKSPACE, else ./.modelport)
  --json            print {"primaryKey", "secondaryKey"}
  -h, --help        show this help
`;

function printKeys(io: CliIo, keys: { primaryKey: string; secondaryKey: string }, json: boolean | undefined): void {
  if (json) writeJson(io.stdout, keys);
  else io.stdout.write(`primary:   ${keys.primaryKey}\nsecondary: ${keys.secondaryKey}\n`);
}

export const serviceKeys: Verb = {
  name: 'keys',
  summary: 'print the keys of a key-auth service',
  usage: keysUsage,
  async run(argv, io) {
    const { values, positionals } = parseArgs({ args: argv, options: commonOptions, allowPositionals: true, strict: true });
    if (values.help) {
      io.stdout.write(keysUsage);
      return 0;
    }
    const [name, ...extra] = positionals;
    if (!name || extra.length > 0) throw new UsageError("'modelport service keys' takes one service NAME.");
    printKeys(io, await openServices(values.workspace, io).manager.keys(name), values.json);
    return 0;
  },
};

export const regenerateKey: Verb = {
  name: 'regen-key',
  summary: 'replace the primary or the secondary key',
  usage: regenUsage,
  async run(argv, io) {
    const { values, positionals } = parseArgs({ args: argv, options: commonOptions, allowPositionals: true, strict: true });
    if (values.help) {
      io.stdout.write(regenUsage);
      return 0;
    }
    const [name, which, ...extra] = positionals;
    if (!name || (which !== 'primary' && which !== 'secondary') || extra.length > 0) {
      throw new UsageError("'modelport service regen-key' takes a service NAME and which key: primary or secondary.");
    }
    const { manager } = openServices(values.workspace, io);
    await warnBeforeRestart(manager, name, io);
    const keys = await manager.regenerateKey(name, which as KeyName, { onProgress: progressTo(io, values.json) });
    progressTo(io, values.json)?.(`Regenerated the ${which} key of ${name}`);
    printKeys(io, keys, values.json);
    return 0;
  },
};
