// Progress of a long copy. On a terminal one line is redrawn in place (at most ten times a second) and
// erased when the work ends; when the stream is piped or redirected, plain lines are printed at each
// quarter, so CI logs show that something is moving without filling up with redraws. Small jobs, which
// finish before anyone could read a bar, show nothing either way.
import { formatSize, sanitizeCell } from './output';
import { isInteractive, type CliIo } from './io';

export const PROGRESS_MIN_BYTES = 4 * 1024 * 1024;
const REDRAW_MS = 100;

export interface Progress {
  update(bytesDone: number, bytesTotal: number, label: string): void;
  /** Erases the drawn line (terminal) or prints nothing more (piped). */
  end(): void;
}

export interface ProgressOptions {
  /** The verb shown before the percentage, "Registering fashion". */
  title: string;
  minBytes?: number;
  now?: () => number;
}

export function createProgress(io: Pick<CliIo, 'stderr' | 'env'>, options: ProgressOptions): Progress {
  const stream = io.stderr;
  const interactive = isInteractive(stream, io.env);
  const minBytes = options.minBytes ?? PROGRESS_MIN_BYTES;
  const now = options.now ?? Date.now;
  let lastDraw = -Infinity;
  let drawn = false;
  let lastQuarter = -1;

  const line = (done: number, total: number, label: string) => {
    const percent = total > 0 ? Math.floor((done / total) * 100) : 100;
    return `${options.title}: ${percent}% (${formatSize(done)} of ${formatSize(total)}) ${sanitizeCell(label)}`;
  };

  return {
    update(done, total, label) {
      if (total < minBytes) return;
      if (interactive) {
        const t = now();
        if (t - lastDraw < REDRAW_MS && done < total) return;
        lastDraw = t;
        // A terminal that reports no width (0 under `script`, some CI ptys) gets the classic 80.
        const columns = stream.columns !== undefined && stream.columns >= 20 ? stream.columns : 80;
        // \r back to the line start, ESC[K erases what a longer previous line left behind.
        stream.write(`\r${[...line(done, total, label)].slice(0, columns - 1).join('')}\u001b[K`);
        drawn = true;
        return;
      }
      const quarter = total > 0 ? Math.floor((done / total) * 4) : 4;
      if (quarter > lastQuarter) {
        lastQuarter = quarter;
        stream.write(`${line(done, total, label)}\n`);
      }
    },
    end() {
      if (drawn) stream.write('\r\u001b[K');
      drawn = false;
    },
  };
}
