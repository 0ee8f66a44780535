import {
  AT,
  BACKSLASH,
  DASH,
  DOT,
  isAlnum,
  isEscapeLetter,
  isLower,
  isUpper,
  PLUS,
  UNDERSCORE,
} from './chars';
import { addFinding } from './findings';
import type { ScanContext } from './findings';

/**
 * E-mail detection, anchored on `@`: the local part is found by walking left (at most 64
 * characters), the domain by walking right (at most 253), so the work per `@` is bounded
 * whatever the input looks like.
 *
 * Internal module: not part of the public API.
 */

const MAX_LOCAL = 64;
const MAX_DOMAIN = 253;
const MAX_LABEL = 63;
const PERCENT = 0x25;

/** Characters accepted in the local part (a practical subset of RFC 5322). */
function isLocalChar(c: number): boolean {
  return isAlnum(c) || c === DOT || c === UNDERSCORE || c === PERCENT || c === PLUS || c === DASH;
}

function isDomainChar(c: number): boolean {
  return isAlnum(c) || c === DOT || c === DASH;
}

/** Detector for an `@` at `at`. */
export function detectEmail(ctx: ScanContext, at: number): number {
  const { text } = ctx;
  if (text.charCodeAt(at) !== AT) return at;

  // Local part: walk left, never into an earlier finding.
  // An over-long local part is cut at 64 characters rather than rejected: redacting the
  // tail of a run is safer than leaving a whole address.
  const floor = Math.max(ctx.lastEnd, at - MAX_LOCAL);
  let start = at;
  while (start > floor && isLocalChar(text.charCodeAt(start - 1))) start--;
  if (
    start > 0 &&
    text.charCodeAt(start - 1) === BACKSLASH &&
    isEscapeLetter(text.charCodeAt(start))
  ) {
    start++; // `\njane@…`: the `n` belongs to the escape
  }
  while (start < at && text.charCodeAt(start) === DOT) start++;
  if (start === at) return at;

  // Domain: walk right, bounded.
  const limit = Math.min(text.length, at + 1 + MAX_DOMAIN + 1);
  let end = at + 1;
  while (end < limit && isDomainChar(text.charCodeAt(end))) end++;
  if (end === limit && end < text.length && isDomainChar(text.charCodeAt(end))) return at;
  while (end > at + 1 && (text.charCodeAt(end - 1) === DOT || text.charCodeAt(end - 1) === DASH)) {
    end--;
  }
  if (!validDomain(text, at + 1, end)) return at;
  return addFinding(ctx, start, end, 'email');
}

/** At least two labels of 1..63 characters, no label edge `-`, an alphabetic TLD of 2+. */
function validDomain(text: string, start: number, end: number): boolean {
  if (end - start > MAX_DOMAIN || end <= start) return false;
  let labels = 0;
  let labelStart = start;
  for (let i = start; i <= end; i++) {
    if (i < end && text.charCodeAt(i) !== DOT) continue;
    const len = i - labelStart;
    if (len === 0 || len > MAX_LABEL) return false;
    if (text.charCodeAt(labelStart) === DASH || text.charCodeAt(i - 1) === DASH) return false;
    labels++;
    if (i === end) return labels >= 2 && validTld(text, labelStart, end);
    labelStart = i + 1;
  }
  return false;
}

function validTld(text: string, start: number, end: number): boolean {
  if (end - start < 2) return false;
  if (text.startsWith('xn--', start)) return true;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (!isUpper(c) && !isLower(c)) return false;
  }
  return true;
}
