// A scoring instance started by a service host must not outlive it. The host keeps the write end of the
// instance's stdin open for its whole life and never writes; when the host dies, however it dies (kill -9
// included), the OS closes that end and the instance reads end-of-file. `MODELPORT_PARENT_LINK=stdin` asks
// for this; a `modelport serve` run by hand reads nothing from stdin.
// The link only watches: it does not keep the process alive. Once the server has drained and closed, nothing is
// left to wait for, and the process exits at once (a referenced stdin kept it up until the host's SIGKILL, 10 s
// later, on every stop and every retired instance).
export const parentLinkEnv = 'MODELPORT_PARENT_LINK';

export function watchParentLink(env: NodeJS.ProcessEnv, gone: () => void): void {
  if (env[parentLinkEnv] !== 'stdin') return;
  let called = false;
  const once = (): void => {
    if (called) return;
    called = true;
    gone();
  };
  process.stdin.on('end', once);
  process.stdin.on('close', once);
  process.stdin.on('error', once);
  process.stdin.resume();
  process.stdin.unref();
}
