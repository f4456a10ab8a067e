// A container does not die with the process that started it. So beside each container instance the host runs a
// small reaper (`modelport reap-container ID`) whose stdin the host holds open and never writes: when the host
// dies, however it dies, the reaper reads end-of-file and removes the container. A host that stops normally
// removes its containers itself and then ends the reaper's stdin, which finds nothing left to remove.
import { spawn, type ChildProcess } from 'node:child_process';
import { removeContainersCommand, type DockerRunner } from '../core/docker/dockerCommand';

export function startReaper(cliPath: string, containerId: string): ChildProcess {
  const child = spawn(process.execPath, [cliPath, 'reap-container', containerId], {
    stdio: ['pipe', 'ignore', 'ignore'],
    env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
  });
  child.on('error', () => undefined);
  child.stdin?.on('error', () => undefined);
  return child;
}

/** The reaper itself: waits for its stdin to end, then removes the container. */
export async function runReaper(containerId: string, runner: DockerRunner): Promise<number> {
  await new Promise<void>((resolve) => {
    process.stdin.on('end', resolve);
    process.stdin.on('close', resolve);
    process.stdin.on('error', () => resolve());
    process.stdin.resume();
  });
  await runner.run(removeContainersCommand([containerId])).catch(() => undefined);
  return 0;
}
