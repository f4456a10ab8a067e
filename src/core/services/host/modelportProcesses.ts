// Finding Modelport's own processes on this machine: every service host, scoring instance and container reaper
// carries MODELPORT_SERVICE_DIR=<its service folder> in its environment (the host gets it from whoever starts it,
// and its children inherit it). Nothing else sets that variable, so it marks ours without guessing from names.
// Linux only (/proc); elsewhere the listing is empty and says so.
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';

export const serviceDirEnv = 'MODELPORT_SERVICE_DIR';

export type ProcessRole = 'host' | 'instance' | 'reaper' | 'other';

export interface ModelportProcess {
  pid: number;
  ppid: number;
  /** The service folder the process belongs to. */
  serviceDir: string;
  role: ProcessRole;
  /** Clock ticks after boot when it started: with the pid, identifies the process across a pid's reuse. */
  startTicks: number;
  command: string;
}

/** Whether this machine's process table can be read this way. */
export const canListProcesses = process.platform === 'linux';

function roleOf(argv: string[]): ProcessRole {
  if (argv.includes('service-host')) return 'host';
  if (argv.includes('reap-container')) return 'reaper';
  if (argv.includes('serve')) return 'instance';
  return 'other';
}

/** ppid and start time from /proc/PID/stat (the command name may hold spaces and parentheses: read after the last ')'). */
function parseStat(text: string): { ppid: number; startTicks: number } | undefined {
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  const ppid = Number(fields[1]);
  const startTicks = Number(fields[19]);
  return Number.isFinite(ppid) && Number.isFinite(startTicks) ? { ppid, startTicks } : undefined;
}

export async function readModelportProcess(pid: number): Promise<ModelportProcess | undefined> {
  try {
    const environ = (await readFile(`/proc/${pid}/environ`, 'latin1')).split('\0');
    const marker = environ.find((e) => e.startsWith(`${serviceDirEnv}=`));
    if (!marker) return undefined;
    const stat = parseStat(await readFile(`/proc/${pid}/stat`, 'latin1'));
    if (!stat) return undefined;
    const argv = (await readFile(`/proc/${pid}/cmdline`, 'utf8')).split('\0').filter((a) => a.length > 0);
    return { pid, ppid: stat.ppid, serviceDir: marker.slice(serviceDirEnv.length + 1), role: roleOf(argv), startTicks: stat.startTicks, command: argv.join(' ') };
  } catch {
    return undefined; // gone meanwhile, or not ours to read
  }
}

/** The pids in the process table, this process's excluded. */
async function otherPids(): Promise<number[]> {
  return (await readdir('/proc')).filter((n) => /^\d+$/.test(n)).map(Number).filter((p) => p !== process.pid);
}

/** Every process on this machine that carries the marker (this one excluded). */
export async function listModelportProcesses(): Promise<ModelportProcess[]> {
  if (!canListProcesses) return [];
  const pids = await otherPids();
  const found = await Promise.all(pids.map(readModelportProcess));
  return found.filter((p): p is ModelportProcess => p !== undefined);
}

/**
 * The live service host of one service folder, if any. Cheaper than listing every marked process: it reads each
 * process's command line (the host is started as `service-host DIR`), all at once, and the environment of a match.
 */
export async function findServiceHost(serviceDir: string): Promise<ModelportProcess | undefined> {
  if (!canListProcesses) return undefined;
  const pids = await otherPids();
  const commandLines = await Promise.all(pids.map((pid) => readFile(`/proc/${pid}/cmdline`, 'utf8').then((t) => t.split('\0'), () => [] as string[])));
  for (const [i, argv] of commandLines.entries()) {
    const at = argv.indexOf('service-host');
    if (at < 0 || argv[at + 1] !== serviceDir) continue;
    const found = await readModelportProcess(pids[i] as number);
    if (found?.role === 'host' && found.serviceDir === serviceDir) return found;
  }
  return undefined;
}

/** Stops a process by pid once it is verified to be the same one (same marker, same start time): TERM, then KILL. */
export async function stopModelportProcess(p: ModelportProcess, graceMs = 10_000): Promise<boolean> {
  const same = async (): Promise<boolean> => {
    const now = await readModelportProcess(p.pid);
    return now !== undefined && now.startTicks === p.startTicks && now.serviceDir === p.serviceDir;
  };
  if (!(await same())) return false;
  try {
    process.kill(p.pid, 'SIGTERM');
  } catch {
    return false;
  }
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    if (!(await same())) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  if (await same()) {
    try {
      process.kill(p.pid, 'SIGKILL');
    } catch {
      // exited between the check and the signal
    }
  }
  return true;
}

/** The path of a service folder's record. */
export function recordFileOf(serviceDir: string): string {
  return join(serviceDir, 'service.json');
}
