// Human and machine output: aligned tables, sizes, dates, tensor shapes, and `--json` documents.
// Text that came from users or files (descriptions, tags, paths in messages) is made inert before it is
// printed, so a description holding an escape sequence cannot recolour or rewrite a terminal.
import type { Dim, ModelSignature, TensorSpec } from '../../core/onnx/signature';
import type { OutStream } from './io';

// C0 controls other than tab and newline, DEL and C1 controls (ESC, CSI…).
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

function visible(ch: string): string {
  return `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

/** Multi-line text (messages): control characters shown as \uXXXX, newlines and tabs kept. */
export function sanitizeText(text: string): string {
  return text.replace(CONTROL, visible);
}

/** One table cell or one-line value: as sanitizeText, and line breaks and tabs become spaces. */
export function sanitizeCell(text: string): string {
  return sanitizeText(text).replace(/[\t\r\n]+/g, ' ');
}

export function truncate(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, Math.max(0, max - 1)).join('')}…`;
}

export type Align = 'left' | 'right';

/** Columns separated by two spaces; the last column is not padded, so lines carry no trailing blanks. */
export function formatTable(headers: readonly string[], rows: ReadonlyArray<readonly string[]>, align: readonly Align[] = []): string {
  const cells = [headers, ...rows].map((row) => headers.map((_, i) => sanitizeCell(row[i] ?? '')));
  const widths = headers.map((_, i) => Math.max(...cells.map((row) => [...(row[i] ?? '')].length)));
  const lines = cells.map((row) =>
    row
      .map((cell, i) => {
        const pad = ' '.repeat((widths[i] ?? 0) - [...cell].length);
        if (align[i] === 'right') return pad + cell;
        return i === row.length - 1 ? cell : cell + pad;
      })
      .join('  ')
      .trimEnd(),
  );
  return `${lines.join('\n')}\n`;
}

/** 1024-based, as file managers show sizes: 512 B, 415 KB, 12.3 MB, 1.2 GB. */
export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 ** 2) return `${Math.round(bytes / 1024)} KB`;
  if (bytes < 1024 ** 3) return `${(bytes / 1024 ** 2).toFixed(1)} MB`;
  return `${(bytes / 1024 ** 3).toFixed(1)} GB`;
}

/** Local time to the minute, `2025-01-31 13:00`; the `--json` output keeps the exact ISO time. */
export function formatDate(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const two = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ${two(d.getHours())}:${two(d.getMinutes())}`;
}

function formatDim(dim: Dim): string {
  return dim === null ? '?' : String(dim);
}

/** `image float32 [batch,1,28,28]`; a dimension the model leaves unnamed shows as `?`. */
export function formatTensor(spec: TensorSpec): string {
  return `${spec.name} ${spec.type} [${spec.shape.map(formatDim).join(',')}]`;
}

/** `image float32 [batch,1,28,28] → logits float32 [batch,10]` */
export function formatSignature(signature: ModelSignature): string {
  return `${signature.inputs.map(formatTensor).join(', ')} → ${signature.outputs.map(formatTensor).join(', ')}`;
}

export function formatKeyValues(record: Readonly<Record<string, string>>): string {
  const entries = Object.entries(record);
  return entries.length === 0 ? '-' : entries.map(([k, v]) => `${k}=${v}`).join(', ');
}

export function writeJson(stream: OutStream, value: unknown): void {
  stream.write(`${JSON.stringify(value, null, 2)}\n`);
}
