// ACI's log API answers the container's log (or its last `tail` lines) as one text: following it means asking
// again and keeping only what is new since the last answer.

export function splitLog(content: string | undefined): string[] {
  const lines = (content ?? '').split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines;
}

/** The lines of `next` after the point where `previous` ended (all of them when the two do not overlap). */
export function newLines(previous: readonly string[], next: readonly string[]): string[] {
  if (previous.length === 0) return [...next];
  const overlap = Math.min(5, previous.length);
  const anchor = previous.slice(-overlap);
  for (let end = next.length; end >= overlap; end--) {
    let match = true;
    for (let i = 0; i < overlap; i++) {
      if (next[end - overlap + i] !== anchor[i]) {
        match = false;
        break;
      }
    }
    if (match) return next.slice(end);
  }
  // The previous answer's last lines may have scrolled partly out of the window: an overlap at its very start.
  for (let k = Math.min(overlap - 1, next.length); k >= 1; k--) {
    if (next.slice(0, k).every((line, i) => line === previous[previous.length - k + i])) return next.slice(k);
  }
  return [...next];
}
