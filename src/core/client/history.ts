// The tester's history: one entry per request sent, newest first, bounded, persisted by whatever store the
// caller gives (the extension uses workspaceState). Small requests keep their body so they can be re-run.
// A namespace import keeps zod tree-shakable in the webview bundle, which reads these schemas too.
import * as z from 'zod';

export const storedImageSchema = z.object({ name: z.string(), mime: z.string(), base64: z.string() });
export const storedInputSchema = z.discriminatedUnion('mode', [
  z.object({ mode: z.literal('json'), body: z.string() }),
  z.object({ mode: z.literal('v2'), body: z.string() }),
  z.object({ mode: z.literal('image'), encoding: z.enum(['raw', 'base64', 'v2']), images: z.array(storedImageSchema) }),
]);
export type StoredInput = z.infer<typeof storedInputSchema>;

export const historyEntrySchema = z.object({
  id: z.string(),
  /** ISO time. */
  at: z.string(),
  /** The service name, or the URL's host for a custom target. */
  targetLabel: z.string(),
  targetKey: z.string(),
  url: z.string(),
  summary: z.string(),
  status: z.number().optional(),
  ok: z.boolean(),
  totalMs: z.number().optional(),
  serverMs: z.number().optional(),
  requestId: z.string().optional(),
  /** Top label for classifiers, or the error message. */
  outcome: z.string().optional(),
  /** Absent when the request was too large to keep. */
  input: storedInputSchema.optional(),
});
export type HistoryEntry = z.infer<typeof historyEntrySchema>;

export interface HistoryStore {
  list(): HistoryEntry[];
  get(id: string): HistoryEntry | undefined;
  add(entry: HistoryEntry): Promise<void>;
  remove(id: string): Promise<void>;
  clear(): Promise<void>;
}

/** A key-value store with the shape of VS Code's Memento. */
export interface KeyValueStore {
  get(key: string): unknown;
  update(key: string, value: unknown): PromiseLike<void>;
}

export const historyLimits = { maxEntries: 50, maxStoredInputBytes: 256 * 1024 } as const;

export function storedInputSize(input: StoredInput): number {
  return input.mode === 'image' ? input.images.reduce((n, i) => n + i.base64.length, 0) : input.body.length;
}

export function createHistoryStore(store: KeyValueStore, key = 'modelport.tester.history'): HistoryStore {
  const read = (): HistoryEntry[] => {
    const parsed = z.array(historyEntrySchema).safeParse(store.get(key) ?? []);
    return parsed.success ? parsed.data : [];
  };
  const write = async (entries: HistoryEntry[]): Promise<void> => {
    await store.update(key, entries.slice(0, historyLimits.maxEntries));
  };
  return {
    list: read,
    get: (id) => read().find((e) => e.id === id),
    add: async (entry) => {
      const kept = entry.input && storedInputSize(entry.input) > historyLimits.maxStoredInputBytes ? { ...entry, input: undefined } : entry;
      await write([kept, ...read().filter((e) => e.id !== entry.id)]);
    },
    remove: async (id) => write(read().filter((e) => e.id !== id)),
    clear: async () => write([]),
  };
}

export function memoryStore(): KeyValueStore {
  const values = new Map<string, unknown>();
  return {
    get: (k) => values.get(k),
    update: async (k, v) => {
      values.set(k, v);
    },
  };
}
