// Which of Modelport's processes no service record owns: a host whose service folder is gone or that is not the
// host its record names, and an instance or reaper whose host is not an owned, running host. Found machine-wide
// (any workspace), by the marker in their environment (modelportProcesses.ts), stopped by pid after a check.
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { listModelportProcesses, recordFileOf, type ModelportProcess } from './modelportProcesses';

export interface StrayProcess extends ModelportProcess {
  reason: string;
}

/** A process younger than this may be a host that has not written its host.json yet: never judged. */
const youngSeconds = 15;
const ticksPerSecond = 100;

async function uptimeTicks(): Promise<number> {
  const text = await readFile('/proc/uptime', 'latin1');
  return Number(text.split(' ')[0]) * ticksPerSecond;
}

async function exists(file: string): Promise<boolean> {
  try {
    await stat(file);
    return true;
  } catch {
    return false;
  }
}

async function recordedHostPid(serviceDir: string): Promise<number | undefined> {
  try {
    const host = JSON.parse(await readFile(join(serviceDir, 'host.json'), 'utf8')) as { pid?: unknown; state?: unknown };
    return typeof host.pid === 'number' && host.state !== 'Stopped' ? host.pid : undefined;
  } catch {
    return undefined;
  }
}

export async function findStrays(all?: ModelportProcess[]): Promise<StrayProcess[]> {
  const processes = all ?? (await listModelportProcesses());
  const now = await uptimeTicks().catch(() => Infinity);
  const ownedHosts = new Set<number>();
  const strays: StrayProcess[] = [];
  const hosts = processes.filter((p) => p.role === 'host');
  for (const p of hosts) {
    if (!(await exists(recordFileOf(p.serviceDir)))) strays.push({ ...p, reason: 'its service record is gone' });
    else if ((await recordedHostPid(p.serviceDir)) === p.pid) ownedHosts.add(p.pid);
    else if (now - p.startTicks >= youngSeconds * ticksPerSecond) strays.push({ ...p, reason: 'its service record names another host' });
    else ownedHosts.add(p.pid); // starting: judged on a later run
  }
  for (const p of processes) {
    if (p.role === 'host') continue;
    if (ownedHosts.has(p.ppid)) continue;
    if (now - p.startTicks < youngSeconds * ticksPerSecond && (await exists(recordFileOf(p.serviceDir)))) continue;
    strays.push({ ...p, reason: (await exists(recordFileOf(p.serviceDir))) ? 'its service host is gone' : 'its service record is gone' });
  }
  return strays;
}
