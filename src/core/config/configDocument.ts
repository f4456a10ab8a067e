// The steps every config file goes through before its own rules: parse as JSONC, then check against its schema.
// Either step's problems end here as one ConfigValidationError with every located issue.
import type { Node } from 'jsonc-parser';
import { makeIssue, throwIfIssues, type ConfigIssue } from './configIssue';
import { keyNodeAt, parseJsonc, valueNodeAt } from './jsonLocation';
import { schemaIssues, type SchemaName } from './schemaValidation';

/** Where a config text came from: what to call it in messages, the file it is (or will be), the folder its paths start from. */
export interface ConfigSource {
  text: string;
  /** Shown at the start of each message: the path as the user gave it, or a file name. */
  fileLabel: string;
  /** Recorded on the ConfigError for callers that open the file. */
  file: string;
  /** Relative paths inside the file are resolved against this folder. */
  baseDir: string;
}

export interface ConfigDocument<T> {
  source: ConfigSource;
  /** Valid against the schema, so safe to read as T; defaults are not applied yet. */
  value: T;
  root: Node;
}

export function readConfigDocument<T>(schema: SchemaName, source: ConfigSource): ConfigDocument<T> {
  const { text, fileLabel, file } = source;
  const parsed = parseJsonc(text);
  const syntax: ConfigIssue[] = parsed.problems.map((p) => makeIssue(text, '', p.message, p.offset, p.length));
  if (parsed.root === undefined) {
    // jsonc-parser says "value expected" at the end; for an empty file the plain fact helps more.
    syntax.splice(0, syntax.length, makeIssue(text, '', 'the file holds no JSON value; it must contain a JSON object', 0, 0));
  }
  throwIfIssues(fileLabel, file, syntax);
  const root = parsed.root as Node;
  throwIfIssues(fileLabel, file, schemaIssues(schema, parsed.value, root, text));
  return { source, value: parsed.value as T, root };
}

/** An issue located at the value `pointer` names (or the closest existing parent). */
export function issueAtValue(doc: ConfigDocument<unknown>, pointer: string, message: string): ConfigIssue {
  const node = valueNodeAt(doc.root, pointer);
  return makeIssue(doc.source.text, pointer, message, node.offset, node.length);
}

/** An issue located at the property name `pointer` ends with, for "this key does not belong here". */
export function issueAtKey(doc: ConfigDocument<unknown>, pointer: string, message: string): ConfigIssue {
  const node = keyNodeAt(doc.root, pointer);
  return makeIssue(doc.source.text, pointer, message, node.offset, node.length);
}
