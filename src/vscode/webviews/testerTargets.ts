// What the tester's commands receive, turned into a target and a preload: kept free of `vscode` so it is unit-tested.

export type OpenTarget = { service: string } | { url: string; model?: string } | undefined;

/** Files to show in the panel as if picked, and whether to send them at once. */
export interface OpenOptions {
  images: string[];
  send: boolean;
  /** A JSON request body to put in the JSON tab (e.g. a score.py's {"data": [...]}); with `send`, it is sent. */
  json?: string;
}

/**
 * What `modelport.service.test` accepts: a service name, a scoring URI, a tree node or record carrying
 * `name`/`scoringUri` (or `service.name`), `{ service: NAME }` or `{ url: URI, model? }` (both with the
 * options of `openOptionsOf`), or nothing (the panel opens on the last target).
 */
export function openTargetOf(arg: unknown): OpenTarget {
  if (typeof arg === 'string') return /^https?:\/\//i.test(arg) ? { url: arg } : { service: arg };
  if (arg && typeof arg === 'object') {
    const o = arg as { name?: unknown; scoringUri?: unknown; service?: unknown; url?: unknown; model?: unknown; kind?: unknown };
    if (typeof o.service === 'string') return { service: o.service };
    if (o.service && typeof o.service === 'object' && typeof (o.service as { name?: unknown }).name === 'string') return { service: (o.service as { name: string }).name };
    if (typeof o.name === 'string') return { service: o.name };
    if (typeof o.url === 'string') return typeof o.model === 'string' ? { url: o.url, model: o.model } : { url: o.url };
    if (typeof o.scoringUri === 'string') return { url: o.scoringUri };
  }
  return undefined;
}

/**
 * The preload of `{ service, images?: string[] (file paths), send?: boolean }`; nothing for the other forms.
 * Throws on a malformed one, so that a wrong call says why instead of opening an empty panel.
 */
export function openOptionsOf(arg: unknown): OpenOptions {
  if (!arg || typeof arg !== 'object' || Array.isArray(arg)) return { images: [], send: false };
  const o = arg as { images?: unknown; send?: unknown };
  if (o.images !== undefined && !(Array.isArray(o.images) && o.images.every((i) => typeof i === 'string' && i.length > 0))) {
    throw new TypeError('images must be a list of image file paths.');
  }
  if (o.send !== undefined && typeof o.send !== 'boolean') throw new TypeError('send must be true or false.');
  const json = (arg as { json?: unknown }).json;
  if (json !== undefined && typeof json !== 'string') throw new TypeError('json must be the text of a JSON request body.');
  return { images: (o.images as string[] | undefined) ?? [], send: o.send ?? false, ...(json !== undefined ? { json } : {}) };
}
