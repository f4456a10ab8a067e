// Commands are invoked from menus (with a tree node or a file Uri), from the palette (with nothing) and from
// tests or other commands (with plain options). These helpers read what was passed, whatever the caller.
import { CancelledError } from '../../core/errors';
import type { WorkspaceNode } from '../tree/workspaceNodes';

/** A Uri's shape, enough to read the path of an explorer item. */
export interface UriLike {
  fsPath: string;
  scheme?: string;
}

export function isUriLike(value: unknown): value is UriLike {
  return typeof value === 'object' && value !== null && typeof (value as UriLike).fsPath === 'string';
}

export function isNode(value: unknown): value is WorkspaceNode {
  return typeof value === 'object' && value !== null && typeof (value as WorkspaceNode).kind === 'string' && typeof (value as WorkspaceNode).id === 'string';
}

/** The path of a Uri, or a string taken as a path. */
export function pathOf(value: unknown): string | undefined {
  if (isUriLike(value)) return value.fsPath;
  if (typeof value === 'string' && value.length > 0) return value;
  return undefined;
}

/** A plain options object (not a Uri, not a tree node). */
export function optionsOf<T extends object>(value: unknown): Partial<T> {
  if (typeof value !== 'object' || value === null || isUriLike(value) || isNode(value) || Array.isArray(value)) return {};
  return value as Partial<T>;
}

/** The user dismissed a prompt: the command stops quietly. */
export function required<T>(value: T | undefined): T {
  if (value === undefined) throw new CancelledError();
  return value;
}

/** The service name a node or a string names. */
export function serviceNameOf(value: unknown): string | undefined {
  if (isNode(value) && value.kind === 'service') return value.service.name;
  if (typeof value === 'string' && value.length > 0) return value;
  const name = optionsOf<{ service: string }>(value).service;
  return typeof name === 'string' ? name : undefined;
}
