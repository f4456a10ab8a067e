// How far V8 lets a scoring process's heap grow between two full garbage collections.
//
// Why: under a steady request load V8 kept a server process in back-to-back full (mark-compact) collections. Its
// limit for the old generation is a small factor of the live heap (about 25 MB for `modelport serve`), and with the
// young generation at its largest under load, V8 starts the next incremental marking as soon as the room left under
// that limit looks short (`--trace-incremental-marking`: "Start (task)", 25 MB live, 49 MB limit). On the PP-OCRv4
// recogniser at c=8 that was a full collection every 130 ms, 94 in a 20 s run, and 20–25 % of a core on the event
// loop and V8's helper threads, taken from the model's threads. At a factor of 4, V8's own largest, the same run
// had 30, and the recogniser's rows/s rose by about 8 % (three interleaved rounds: 79.9 → 86.2 rows/s; 2 instead of
// 4: 84.8). The price is memory under load: a process may hold up to 4× its live heap before collecting, +45 MB in
// that run (peak RSS 430 → 475 MB). An idle process allocates nothing, so its footprint does not change.
import { setFlagsFromString } from 'node:v8';

export const heapGrowingPercent = 300;

const flagName = '--heap-growing-percent';

/**
 * The V8 flag to set, or undefined when whoever started the process chose its own growth (in the node arguments or
 * NODE_OPTIONS): theirs is kept.
 */
export function heapGrowthFlag(execArgv: readonly string[], nodeOptions: string | undefined): string | undefined {
  const given = [...execArgv, ...(nodeOptions ?? '').split(/\s+/)];
  // V8 accepts both spellings of a flag's words.
  if (given.some((a) => a.replace(/_/g, '-').startsWith(flagName))) return undefined;
  return `${flagName}=${heapGrowingPercent}`;
}

/** Applies heapGrowthFlag to this process: V8 reads the factor each time it sets the next limit, so it takes effect from the next collection. */
export function widenHeapGrowth(): void {
  const flag = heapGrowthFlag(process.execArgv, process.env.NODE_OPTIONS);
  if (flag) setFlagsFromString(flag);
}
