import {
  DASH,
  DOT,
  EQUALS,
  isAlnum,
  isDigit,
  isLower,
  isUpper,
  isWordChar,
  PLUS,
  SLASH,
  SPACE,
  TAB,
  TILDE,
  UNDERSCORE,
} from './chars';
import { addFinding } from './findings';
import type { ScanContext } from './findings';

/**
 * `Bearer <token>` (any case, as in an `Authorization` header): the token is redacted, the
 * word `Bearer` is kept. A token is at least 12 characters of the RFC 6750 `b64token`
 * alphabet and contains a digit or both cases, so prose ("a bearer token", "Bearer
 * authentication") is left alone.
 *
 * Internal module: not part of the public API.
 */

const MIN_TOKEN = 12;
const MAX_GAP = 8;

function isTokenChar(c: number): boolean {
  return (
    isAlnum(c) ||
    c === DASH ||
    c === DOT ||
    c === UNDERSCORE ||
    c === TILDE ||
    c === PLUS ||
    c === SLASH
  );
}

/** Detector for `b`/`B` at a token start. */
export function detectBearer(ctx: ScanContext, at: number): number {
  const { text } = ctx;
  if (!ctx.enabled.has('bearer_token')) return at;
  if (text.slice(at, at + 6).toLowerCase() !== 'bearer') return at;
  let start = at + 6;
  const gapEnd = Math.min(text.length, start + MAX_GAP);
  while (start < gapEnd && (text.charCodeAt(start) === SPACE || text.charCodeAt(start) === TAB)) {
    start++;
  }
  if (start === at + 6) return at;
  let end = start;
  let digit = false;
  let upper = false;
  let lower = false;
  while (end < text.length) {
    const c = text.charCodeAt(end);
    if (!isTokenChar(c)) break;
    if (isDigit(c)) digit = true;
    else if (isUpper(c)) upper = true;
    else if (isLower(c)) lower = true;
    end++;
  }
  while (end > start && text.charCodeAt(end - 1) === DOT) end--; // sentence end
  while (text.charCodeAt(end) === EQUALS) end++; // padding
  if (end - start < MIN_TOKEN || !(digit || (upper && lower))) return at;
  if (isWordChar(text.charCodeAt(end))) return at;
  return addFinding(ctx, start, end, 'bearer_token');
}
