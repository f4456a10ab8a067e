// What the panel remembers across hide/show (getState/setState): the user's typing and choices, and the last
// answer. Images are not kept: they can be large, and the host has them in history for re-runs.
import type { ResultView } from '../../src/protocol/tester';

export type Tab = 'image' | 'json' | 'v2' | 'load';
export const tabs: readonly Tab[] = ['image', 'json', 'v2', 'load'];

export interface PanelState {
  version: 1;
  tab: Tab;
  encoding: 'raw' | 'base64' | 'v2';
  /** Editor text per target key, so switching targets keeps each one's edits. */
  json: Record<string, string>;
  v2: Record<string, string>;
  loadRequests: number;
  loadConcurrency: number;
  loadDurationS: number;
  snippetLanguage: 'curl' | 'python' | 'javascript';
  lastResult?: ResultView;
  lastSnippets?: { curl: string; python: string; javascript: string };
}

export const initialState: PanelState = {
  version: 1,
  tab: 'image',
  encoding: 'raw',
  json: {},
  v2: {},
  loadRequests: 200,
  loadConcurrency: 8,
  loadDurationS: 20,
  snippetLanguage: 'curl',
};

const keptBodyChars = 64 * 1024;

/** Restores saved state, falling back to defaults for anything missing or of the wrong kind. */
export function restoreState(saved: unknown): PanelState {
  if (!saved || typeof saved !== 'object' || (saved as { version?: unknown }).version !== 1) return { ...initialState };
  const s = saved as Partial<PanelState>;
  const pick = <T>(value: T | undefined, ok: (v: T) => boolean, fallback: T): T => (value !== undefined && ok(value) ? value : fallback);
  const isRecord = (v: unknown): boolean => !!v && typeof v === 'object' && !Array.isArray(v);
  return {
    version: 1,
    tab: pick(s.tab, (v) => tabs.includes(v), initialState.tab),
    encoding: pick(s.encoding, (v) => ['raw', 'base64', 'v2'].includes(v), initialState.encoding),
    json: pick(s.json, isRecord, {}),
    v2: pick(s.v2, isRecord, {}),
    loadRequests: pick(s.loadRequests, (v) => Number.isInteger(v) && v >= 1 && v <= 10_000, initialState.loadRequests),
    loadConcurrency: pick(s.loadConcurrency, (v) => Number.isInteger(v) && v >= 1 && v <= 64, initialState.loadConcurrency),
    loadDurationS: pick(s.loadDurationS, (v) => Number.isInteger(v) && v >= 1 && v <= 60, initialState.loadDurationS),
    snippetLanguage: pick(s.snippetLanguage, (v) => ['curl', 'python', 'javascript'].includes(v), initialState.snippetLanguage),
    lastResult: s.lastResult,
    lastSnippets: s.lastSnippets,
  };
}

/** The state to save: the last body is cut so that setState stays small. */
export function stateToSave(state: PanelState): PanelState {
  const r = state.lastResult;
  if (!r || r.body.length <= keptBodyChars) return state;
  return { ...state, lastResult: { ...r, body: r.body.slice(0, keptBodyChars), truncated: true } };
}
