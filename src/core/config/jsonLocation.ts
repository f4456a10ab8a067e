// Maps places in a JSON text to what users see in an editor: 1-based line:column, from offsets and JSON pointers.
// Config files are parsed as JSONC (comments and trailing commas allowed) so a hand-edited file that VS Code
// accepts is not refused here; Azure's plain-JSON files are a subset.
import { getNodeValue, parseTree, printParseErrorCode, type Node, type ParseError } from 'jsonc-parser';

export interface TextPosition {
  /** 1-based. */
  line: number;
  /** 1-based, counted in UTF-16 code units like VS Code's columns. */
  column: number;
}

export function positionAt(text: string, offset: number): TextPosition {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(offset, text.length);
  for (let i = 0; i < end; i++) {
    const ch = text.charCodeAt(i);
    // \r\n counts once: the \n ends the line; a lone \r (old Mac) ends it too.
    if (ch === 10 || (ch === 13 && text.charCodeAt(i + 1) !== 10)) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: end - lineStart + 1 };
}

// Keyed by printParseErrorCode's names: ParseErrorCode is a const enum, which isolatedModules cannot read.
const syntaxMessages: Record<string, string> = {
  InvalidSymbol: 'unexpected character',
  InvalidNumberFormat: 'invalid number',
  PropertyNameExpected: 'expected a property name in double quotes',
  ValueExpected: 'expected a value',
  ColonExpected: 'expected ":"',
  CommaExpected: 'expected ","',
  CloseBraceExpected: 'expected "}"',
  CloseBracketExpected: 'expected "]"',
  EndOfFileExpected: 'unexpected text after the end of the JSON value',
  InvalidCommentToken: 'invalid comment',
  UnexpectedEndOfComment: 'unterminated comment',
  UnexpectedEndOfString: 'unterminated string',
  UnexpectedEndOfNumber: 'unterminated number',
  InvalidUnicode: 'invalid unicode escape',
  InvalidEscapeCharacter: 'invalid escape character in string',
  InvalidCharacter: 'invalid character in string (control characters must be escaped)',
};

export interface SyntaxProblem {
  offset: number;
  length: number;
  message: string;
}

export interface ParsedJsonc {
  /** Undefined when the text holds no value at all (empty, or only comments). */
  root: Node | undefined;
  value: unknown;
  problems: SyntaxProblem[];
}

export function parseJsonc(text: string): ParsedJsonc {
  const errors: ParseError[] = [];
  const root = parseTree(text, errors, { allowTrailingComma: true, disallowComments: false });
  const problems = errors.map((e) => ({ offset: e.offset, length: e.length, message: syntaxMessages[printParseErrorCode(e.error)] ?? 'invalid JSON' }));
  // A property named twice is legal JSON but almost always a mistake: the first value is silently lost.
  if (root !== undefined) problems.push(...duplicateKeys(root));
  problems.sort((a, b) => a.offset - b.offset);
  return { root, value: root === undefined ? undefined : getNodeValue(root), problems };
}

function duplicateKeys(node: Node): SyntaxProblem[] {
  const found: SyntaxProblem[] = [];
  if (node.type === 'object') {
    const seen = new Set<string>();
    for (const prop of node.children ?? []) {
      const key = prop.children?.[0];
      if (key === undefined || typeof key.value !== 'string') continue;
      if (seen.has(key.value)) found.push({ offset: key.offset, length: key.length, message: `duplicate property "${key.value}"` });
      seen.add(key.value);
    }
  }
  for (const child of node.children ?? []) found.push(...duplicateKeys(child));
  return found;
}

/** "/a/b~1c/0" → ["a", "b/c", "0"] (RFC 6901). */
export function pointerSegments(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

export function pointerOf(segments: readonly string[]): string {
  return segments.map((s) => '/' + s.replace(/~/g, '~0').replace(/\//g, '~1')).join('');
}

/** The property node (key + value) for `key` in an object node; the last one wins, as when parsing. */
function propertyNode(objectNode: Node, key: string): Node | undefined {
  let found: Node | undefined;
  for (const prop of objectNode.children ?? []) if (prop.children?.[0]?.value === key) found = prop;
  return found;
}

/** The value node a JSON pointer names, or the deepest existing node on the way when the rest is missing. */
export function valueNodeAt(root: Node, pointer: string): Node {
  let node = root;
  for (const segment of pointerSegments(pointer)) {
    let next: Node | undefined;
    if (node.type === 'object') next = propertyNode(node, segment)?.children?.[1];
    else if (node.type === 'array' && /^\d+$/.test(segment)) next = node.children?.[Number(segment)];
    if (next === undefined) return node;
    node = next;
  }
  return node;
}

/** The key node of the property a pointer names (for "unknown property" errors), or its value when it has no key. */
export function keyNodeAt(root: Node, pointer: string): Node {
  const segments = pointerSegments(pointer);
  const last = segments.pop();
  if (last === undefined) return root;
  const parent = valueNodeAt(root, pointerOf(segments));
  const key = parent.type === 'object' ? propertyNode(parent, last)?.children?.[0] : undefined;
  return key ?? valueNodeAt(root, pointer);
}
