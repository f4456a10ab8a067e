// Label and field selectors as the API server reads them from ?labelSelector= and ?fieldSelector=.
import { ApiError, type KubeObject } from './objectStore';

type Test = (value: string | undefined) => boolean;

function parse(selector: string | null, kind: 'label' | 'field'): Array<{ key: string; test: Test }> {
  if (!selector) return [];
  const out: Array<{ key: string; test: Test }> = [];
  // Split on commas that are not inside a set: "a in (x,y),b=c".
  const parts = selector.match(/([^,(]+(\([^)]*\))?)+/g) ?? [];
  for (const raw of parts) {
    const part = raw.trim();
    if (!part) continue;
    let m: RegExpExecArray | null;
    if ((m = /^([^!=\s]+)\s*(==|=|!=)\s*(.*)$/.exec(part))) {
      const [, key, op, value] = m as unknown as [string, string, string, string];
      out.push({ key, test: op === '!=' ? (v) => v !== value : (v) => v === value });
    } else if (kind === 'label' && (m = /^(\S+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(part))) {
      const [, key, op, list] = m as unknown as [string, string, string, string];
      const values = new Set(list.split(',').map((s) => s.trim()));
      out.push({ key, test: op === 'in' ? (v) => v !== undefined && values.has(v) : (v) => v === undefined || !values.has(v) });
    } else if (kind === 'label' && (m = /^!(\S+)$/.exec(part))) {
      out.push({ key: m[1]!, test: (v) => v === undefined });
    } else if (kind === 'label' && /^\S+$/.test(part)) {
      out.push({ key: part, test: (v) => v !== undefined });
    } else {
      throw new ApiError(400, 'BadRequest', `unable to parse requirement: ${kind} selector "${selector}"`);
    }
  }
  return out;
}

function fieldValue(o: KubeObject, path: string): string | undefined {
  let cur: unknown = o;
  for (const seg of path.split('.')) cur = typeof cur === 'object' && cur !== null ? (cur as Record<string, unknown>)[seg] : undefined;
  return cur === undefined || cur === null ? undefined : String(cur);
}

export function selectorFilter(labelSelector: string | null, fieldSelector: string | null): (o: KubeObject) => boolean {
  const labels = parse(labelSelector, 'label');
  const fields = parse(fieldSelector, 'field');
  return (o) => labels.every((r) => r.test(o.metadata.labels?.[r.key])) && fields.every((r) => r.test(fieldValue(o, r.key)));
}
