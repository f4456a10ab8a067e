// Labels files: one class label per line, in class-index order (what a classifier's model config names).

/** Reads a labels file: one label per line. Blank lines inside keep their place, so indices stay aligned. */
export function loadLabels(text: string): string[] {
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/).map((line) => line.trim());
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}
