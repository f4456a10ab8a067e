// A host must not outlive its service: when the record is gone (the service folder or the whole workspace was
// removed, or a delete could not reach this host), nothing could ever find or stop it again, so it stops itself.
import { stat } from 'node:fs/promises';

const periodMs = 2000;

/** Calls `gone` once, when `recordFile` has been missing on two checks in a row (a rename never hides it). */
export function watchOwnRecord(recordFile: string, gone: () => void): () => void {
  let misses = 0;
  const timer = setInterval(() => {
    stat(recordFile).then(
      () => (misses = 0),
      (err: NodeJS.ErrnoException) => {
        if (err.code !== 'ENOENT' && err.code !== 'ENOTDIR') return;
        misses += 1;
        if (misses === 2) {
          clearInterval(timer);
          gone();
        }
      },
    );
  }, periodMs);
  timer.unref();
  return () => clearInterval(timer);
}
