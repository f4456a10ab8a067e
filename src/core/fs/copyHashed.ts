// Copies a file while hashing it, in one streaming pass: models can be gigabytes, so neither step may
// hold the file in memory, and reading it twice would double the time registration takes.
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';

export interface HashedCopy {
  size: number;
  sha256: string;
}

/**
 * Copies `from` to `to` (which must not exist yet) and returns its size and sha256. The copy is flushed
 * to disk before this resolves, so a later rename cannot publish a file whose bytes are still in the
 * page cache. Rejects with the signal's AbortError when `signal` fires; the partial `to` is left for
 * the caller, who owns the folder it sits in. `onProgress` gets the bytes copied so far.
 */
export async function copyFileHashed(
  from: string,
  to: string,
  options: { signal?: AbortSignal | undefined; onProgress?: (bytesCopied: number) => void } = {},
): Promise<HashedCopy> {
  const { signal, onProgress } = options;
  const hash = createHash('sha256');
  let size = 0;
  const tap = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      size += chunk.length;
      onProgress?.(size);
      done(null, chunk);
    },
  });
  await pipeline(createReadStream(from), tap, createWriteStream(to, { flags: 'wx' }), signal ? { signal } : {});
  const written = await open(to, 'r+');
  try {
    await written.sync();
  } finally {
    await written.close();
  }
  return { size, sha256: hash.digest('hex') };
}

