// Azure Container Instances has no port mapping: the container's process listens on the public port itself
// (80 for a scoring URI like Azure ML's), and there, as on any host that keeps the kernel's default, only a
// privileged process may bind a port below 1024. The image for ACI therefore starts as root and the server
// binds its port first, then drops to the unprivileged user (MODELPORT_RUN_AS) before it loads any model or
// entry script, the way nginx or sshd do: no code of the service ever runs as root.
import { createServer, type Server } from 'node:net';
import { ConfigError } from '../../core/errors';

export interface RunAs {
  uid: number;
  gid: number;
}

/** `MODELPORT_RUN_AS=UID:GID` (numeric, so any base image takes it). */
export function parseRunAs(value: string | undefined): RunAs | undefined {
  if (value === undefined || value === '') return undefined;
  const m = /^(\d+):(\d+)$/.exec(value);
  if (!m || Number(m[1]) === 0) throw new ConfigError(`MODELPORT_RUN_AS must be UID:GID of an unprivileged user (such as 10001:10001), got '${value}'.`);
  return { uid: Number(m[1]), gid: Number(m[2]) };
}

/** Binds host:port while still privileged; the returned server is handed to the HTTP server later. */
export function bindPort(port: number, host: string): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen({ port, host }, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}

/** Drops every privilege for good: supplementary groups, then group, then user (in that order, or it fails). */
export function dropPrivileges(runAs: RunAs): void {
  process.setgroups?.([runAs.gid]);
  process.setgid?.(runAs.gid);
  process.setuid?.(runAs.uid);
  if (process.getuid?.() !== runAs.uid || process.geteuid?.() !== runAs.uid) throw new Error(`could not switch to user ${runAs.uid}`);
}
