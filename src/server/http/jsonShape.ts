// A JSON body's shape, measured in one pass over its text before JSON.parse builds it: nesting deeper than any
// tensor or request needs is a client fault (400) that would otherwise exhaust the stack of whatever walks the
// parsed value, and more arrays than a request may hold rows would cost gigabytes to parse just to be refused.
import { BadRequestError, PayloadTooLargeError } from '../../core/errors';

/** Deeper than any tensor (rank ≤ 8 in practice) inside any request envelope. */
export const maxJsonDepth = 64;
/** Arrays in one body: rows of rank-3 tensors at the default row limit fit with room to spare. */
export const maxJsonArrays = 1_000_000;

export function checkJsonShape(text: string): void {
  let depth = 0;
  let arrays = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
      continue;
    }
    if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      depth++;
      if (c === 0x5b && ++arrays > maxJsonArrays) {
        throw new PayloadTooLargeError(`The JSON body holds more than ${maxJsonArrays} arrays; split the request.`);
      }
      if (depth > maxJsonDepth) throw new BadRequestError(`POST body nests JSON deeper than ${maxJsonDepth} levels.`);
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
}
