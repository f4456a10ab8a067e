// What the tester's commands receive, turned into a target: kept free of `vscode` so it is unit-tested.

export type OpenTarget = { service: string } | { url: string; model?: string } | undefined;

/**
 * What `modelport.service.test` accepts: a service name, a scoring URI, a tree node or record carrying
 * `name`/`scoringUri` (or `service.name`), or nothing (the panel opens on the last target).
 */
export function openTargetOf(arg: unknown): OpenTarget {
  if (typeof arg === 'string') return /^https?:\/\//i.test(arg) ? { url: arg } : { service: arg };
  if (arg && typeof arg === 'object') {
    const o = arg as { name?: unknown; scoringUri?: unknown; service?: { name?: unknown }; kind?: unknown };
    if (o.service && typeof o.service.name === 'string') return { service: o.service.name };
    if (typeof o.name === 'string') return { service: o.name };
    if (typeof o.scoringUri === 'string') return { url: o.scoringUri };
  }
  return undefined;
}
