// `modelport service prune`: lists, and with --yes stops, every Modelport process on this machine that no service
// record owns (a host whose workspace was removed, an instance whose host was killed…), in any workspace.
import { parseArgs } from 'node:util';
import { canListProcesses, stopModelportProcess } from '../../core/services/host/modelportProcesses';
import { findStrays } from '../../core/services/host/strays';
import type { CliIo } from '../common/io';
import { formatTable, sanitizeCell, writeJson } from '../common/output';
import { UsageError } from '../common/usageError';
import type { Verb } from '../common/verb';

const usage = `Usage: modelport service prune [options]

Lists the Modelport processes on this machine (service hosts, scoring instances, container reapers, in any
workspace) that no service record owns: their service folder is gone, their record names another host, or
their host is gone. Processes are recognised by a marker only Modelport sets (MODELPORT_SERVICE_DIR in
their environment), never by name. With --yes, stops them (SIGTERM, then SIGKILL after 10 s), each by pid
after checking it is still the same process.

Options:
  -y, --yes         stop them
  --json            print {"strays": [{"pid", "role", "serviceDir", "reason", "command"}], "stopped": [pids]}
  -h, --help        show this help
`;

async function run(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, options: { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' }, yes: { type: 'boolean', short: 'y' } }, allowPositionals: true, strict: true });
  if (values.help) {
    io.stdout.write(usage);
    return 0;
  }
  if (positionals.length > 0) throw new UsageError(`'modelport service prune' takes no arguments (got ${positionals.join(' ')}).`);
  if (!canListProcesses) {
    io.stderr.write('modelport: finding stray processes needs Linux (/proc); on this system, stop them with your process manager.\n');
    return 1;
  }
  const strays = await findStrays();
  const stopped: number[] = [];
  if (values.yes) {
    for (const s of strays) if (await stopModelportProcess(s)) stopped.push(s.pid);
  }
  if (values.json) {
    writeJson(io.stdout, { strays: strays.map((s) => ({ pid: s.pid, role: s.role, serviceDir: s.serviceDir, reason: s.reason, command: s.command })), stopped });
    return 0;
  }
  if (strays.length === 0) {
    io.stderr.write('No stray Modelport processes.\n');
    return 0;
  }
  io.stdout.write(formatTable(['PID', 'ROLE', 'SERVICE FOLDER', 'WHY'], strays.map((s) => [String(s.pid), s.role, sanitizeCell(s.serviceDir), s.reason])));
  if (values.yes) io.stderr.write(`Stopped ${stopped.length} process(es).\n`);
  else io.stderr.write(`Run 'modelport service prune --yes' to stop ${strays.length === 1 ? 'it' : 'them'}.\n`);
  return 0;
}

export const pruneServices: Verb = { name: 'prune', summary: 'list and stop Modelport processes that no service record owns', usage, run };
