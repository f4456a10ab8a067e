// Reading a service log: the last lines, then new ones as they are written (`logs --follow`).
import { open, stat } from 'node:fs/promises';
import { sleep } from '../async/sleep';

const chunkSize = 64 * 1024;

/** The last `count` lines of a file, reading backwards from its end (logs can be large). */
export async function tailLines(file: string, count: number): Promise<{ lines: string[]; size: number }> {
  let fh;
  try {
    fh = await open(file, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { lines: [], size: 0 };
    throw err;
  }
  try {
    const { size } = await fh.stat();
    let pos = size;
    let text = '';
    while (pos > 0 && text.split('\n').length <= count + 1) {
      const len = Math.min(chunkSize, pos);
      pos -= len;
      const buf = Buffer.alloc(len);
      await fh.read(buf, 0, len, pos);
      text = buf.toString('utf8') + text;
    }
    const lines = text.split('\n');
    if (lines[lines.length - 1] === '') lines.pop();
    return { lines: count === Infinity ? lines : lines.slice(-count), size };
  } finally {
    await fh.close();
  }
}

/**
 * New complete lines appended after `from`, polling until the signal aborts; once it has, the file is read one last
 * time, so the lines written before the abort are all given.
 */
export async function* followLines(file: string, from: number, signal: AbortSignal | undefined, intervalMs = 250): AsyncGenerator<string> {
  let offset = from;
  let partial = '';
  for (;;) {
    const last = signal?.aborted === true;
    const size = await stat(file).then((s) => s.size, () => 0);
    if (size < offset) offset = 0; // truncated or replaced
    if (size > offset) {
      const fh = await open(file, 'r');
      try {
        const buf = Buffer.alloc(size - offset);
        await fh.read(buf, 0, buf.length, offset);
        offset = size;
        const parts = (partial + buf.toString('utf8')).split('\n');
        partial = parts.pop() ?? '';
        for (const line of parts) yield line;
      } finally {
        await fh.close();
      }
    }
    if (last) return;
    await sleep(intervalMs, signal);
  }
}
