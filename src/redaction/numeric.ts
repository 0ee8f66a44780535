import {
  DASH,
  DOT,
  isAlnum,
  isDigit,
  isWordChar,
  AT,
  LPAREN,
  NBSP,
  PLUS,
  RPAREN,
  runEnd,
  SPACE,
} from './chars';
import { addFinding } from './findings';
import type { ScanContext } from './findings';
import { luhnValid } from './luhn';

/**
 * Payment cards and phone numbers. Both are read from one parse of a "numeric run": an
 * optional `+`, then groups of digits (a group may be parenthesised, like `(415)` or `(0)`)
 * joined by single separators (space, no-break space, `-`, `.`). The run is then classified
 * as a whole: a card (any space-delimited window of it, by layout, issuer digit and Luhn) or
 * a phone number (the whole run, by layout). Everything the run covered is then skipped, so
 * the work is linear in the input.
 *
 * Internal module: not part of the public API.
 */

/** One digit group of a run. */
interface Group {
  /** Offset of the first character (the `(` for a parenthesised group). */
  start: number;
  /** Offset after the last character (after the `)`). */
  end: number;
  /** Number of digits. */
  digits: number;
  paren: boolean;
  /** Separator before this group (a char code), 0 for the first group or none. */
  sep: number;
}

interface NumericRun {
  start: number;
  plus: boolean;
  groups: Group[];
  /** True when the run goes on past the groups kept (too long to be a card or a phone). */
  truncated: boolean;
  /** Separator after the last kept group when `truncated`. */
  nextSep: number;
  /** Offset after the last kept group. */
  end: number;
}

/** Enough for any card (5 groups) or phone layout (6-7 groups); keeps per-run work bounded. */
const MAX_GROUPS = 8;
const MAX_DIGITS = 24;
const MAX_PAREN_DIGITS = 5;

function isSep(c: number): boolean {
  return c === SPACE || c === DASH || c === DOT || c === NBSP;
}

function isSpace(c: number): boolean {
  return c === SPACE || c === NBSP;
}

function startsGroup(text: string, i: number): boolean {
  const c = text.charCodeAt(i);
  return isDigit(c) || (c === LPAREN && isDigit(text.charCodeAt(i + 1)));
}

function parseRun(text: string, at: number): NumericRun | undefined {
  const plus = text.charCodeAt(at) === PLUS;
  let i = plus ? at + 1 : at;
  const groups: Group[] = [];
  let stored = 0;
  let sep = 0;
  let end = i;
  for (;;) {
    const c = text.charCodeAt(i);
    let groupEnd: number;
    let digits: number;
    let paren = false;
    if (c === LPAREN) {
      const close = runEnd(text, i + 1, isDigit);
      digits = close - i - 1;
      if (digits === 0 || digits > MAX_PAREN_DIGITS || text.charCodeAt(close) !== RPAREN) break;
      groupEnd = close + 1;
      paren = true;
    } else if (isDigit(c)) {
      groupEnd = runEnd(text, i, isDigit);
      digits = groupEnd - i;
    } else {
      break;
    }
    if (groups.length > 0 && (groups.length >= MAX_GROUPS || stored + digits > MAX_DIGITS)) {
      return { start: at, plus, groups, truncated: true, nextSep: sep, end };
    }
    groups.push({ start: i, end: groupEnd, digits, paren, sep });
    stored += digits;
    end = groupEnd;
    i = groupEnd;
    const next = text.charCodeAt(i);
    if (isSep(next) && startsGroup(text, i + 1)) {
      sep = next;
      i++;
    } else if ((paren || (plus && next === LPAREN)) && startsGroup(text, i)) {
      sep = 0; // `(0)20`, `(415)555-0132`, `+44(0)20`
    } else {
      break;
    }
  }
  if (groups.length === 0) return undefined;
  return { start: at, plus, groups, truncated: false, nextSep: 0, end };
}

/** The run must not be glued to a following word (`555-0132x`, `4111…abc`, `…@host`). */
function boundaryAfter(text: string, end: number): boolean {
  const c = text.charCodeAt(end);
  if (isWordChar(c) || c === AT) return false;
  if (c === DASH && isAlnum(text.charCodeAt(end + 1))) return false;
  return true;
}

/** Detector for a digit, `+` or `(` at a token start. */
export function detectNumber(ctx: ScanContext, at: number): number {
  const wantCard = ctx.enabled.has('credit_card');
  const wantPhone = ctx.enabled.has('phone');
  if (!wantCard && !wantPhone) return at;
  const { text } = ctx;
  const run = parseRun(text, at);
  if (run === undefined) return at;
  if (!run.truncated && !boundaryAfter(text, run.end)) return run.end;
  if (wantCard) {
    const card = findCard(text, run);
    if (card !== undefined) return addFinding(ctx, card[0], card[1], 'credit_card');
  }
  if (wantPhone && !run.truncated && isPhone(text, run.groups, run.plus)) {
    return addFinding(ctx, run.start, run.end, 'phone');
  }
  return run.end;
}

// ---------------------------------------------------------------------------------------
// Payment cards

/**
 * The longest (then leftmost) window of groups that is a card number. A window starts at
 * the run start or after a space and ends at the run end or before a space, so
 * `4111 1111 1111 1111 12/27` and `(2) 4111 …` still find the card.
 */
function findCard(text: string, run: NumericRun): [number, number] | undefined {
  if (run.plus) return undefined;
  const g = run.groups;
  const last = g.length - 1;
  for (let size = g.length; size >= 1; size--) {
    for (let a = 0; a + size - 1 <= last; a++) {
      const b = a + size - 1;
      const first = g[a];
      const lastGroup = g[b];
      if (first === undefined || lastGroup === undefined) continue;
      if (a > 0 && !isSpace(first.sep)) continue;
      if (b < last ? !isSpace(g[b + 1]?.sep ?? 0) : run.truncated && !isSpace(run.nextSep)) {
        continue;
      }
      if (isCardWindow(text, g, a, b)) return [first.start, lastGroup.end];
    }
  }
  return undefined;
}

function isCardWindow(text: string, g: readonly Group[], a: number, b: number): boolean {
  let digits = 0;
  const lens: number[] = [];
  let sep = 0;
  for (let k = a; k <= b; k++) {
    const group = g[k];
    if (group === undefined || group.paren) return false;
    if (k > a) {
      if (group.sep !== SPACE && group.sep !== DASH && group.sep !== NBSP) return false;
      if (sep !== 0 && group.sep !== sep) return false;
      sep = group.sep;
    }
    digits += group.digits;
    lens.push(group.digits);
  }
  if (digits < 13 || digits > 19) return false;
  const start = g[a]?.start ?? 0;
  const issuer = text.charCodeAt(start);
  if (issuer < 0x32 || issuer > 0x36) return false; // first digit 2-6: Mastercard 2/5, Amex 3, Visa 4, Discover 6
  if (!cardLayout(lens)) return false;
  return luhnValid(text, start, g[b]?.end ?? start);
}

/** One block; or blocks of four with a shorter last block; or Amex/Diners 4-6-5 / 4-6-4. */
function cardLayout(lens: readonly number[]): boolean {
  if (lens.length === 1) return true;
  if (lens.length === 3 && lens[0] === 4 && lens[1] === 6 && (lens[2] === 5 || lens[2] === 4)) {
    return true;
  }
  for (let k = 0; k < lens.length - 1; k++) if (lens[k] !== 4) return false;
  const tail = lens[lens.length - 1] ?? 0;
  return tail >= 1 && tail <= 4;
}

// ---------------------------------------------------------------------------------------
// Phone numbers

function sameLens(lens: readonly number[], expected: readonly number[]): boolean {
  if (lens.length !== expected.length) return false;
  for (let k = 0; k < lens.length; k++) if (lens[k] !== expected[k]) return false;
  return true;
}

/**
 * Phone layouts, for a whole run:
 * - `+` then a country code of 1-3 digits and groups (8-16 digits), or `+` and 10-15 digits
 *   written together;
 * - a parenthesised area code of 2-4 digits first, 10-11 digits in all: `(415) 555-0132`,
 *   `(02) 9876 5432`, `(11) 91234-5678`;
 * - North American 3-3-4, optionally after a `1`: `415-555-0132`, `1 800 555 0199`;
 * - a national trunk prefix `0` (first group of 2-6 digits, groups of 2-8, 10-12 digits in
 *   all: `020 7946 0958`, `06 12 34 56 78`, `03-1234-5678`, `098765 43210`), or an
 *   international `00` prefix with 12-17 digits (`0044 20 7946 0958`).
 * Dotted quads of 1-3 digits (IPv4) and date layouts (`15.01.2024 …`) are rejected.
 */
function isPhone(text: string, gs: readonly Group[], plus: boolean): boolean {
  const first = gs[0];
  if (first === undefined) return false;
  let digits = 0;
  const lens: number[] = [];
  for (const g of gs) {
    digits += g.digits;
    lens.push(g.digits);
  }
  if (plus) {
    if (first.paren) return false;
    if (gs.length === 1) return digits >= 10 && digits <= 15;
    if (first.digits > 3 || digits < 8 || digits > 16) return false;
    return lens.every((l) => l <= 10);
  }
  if (gs.length < 2) return false;
  let dots = 0;
  for (let k = 1; k < gs.length; k++) {
    const g = gs[k];
    if (g === undefined || g.paren) return false;
    if (g.sep === DOT) dots++;
    else if (g.sep === 0 && !first.paren) return false;
  }
  if (dots > 0 && dots !== gs.length - 1) return false;
  if (first.paren) {
    if (first.digits < 2 || first.digits > 4 || digits < 10 || digits > 11) return false;
    return lens.slice(1).every((l) => l >= 2 && l <= 5);
  }
  if (dots > 0 && gs.length === 4 && lens.every((l) => l <= 3)) return false; // IPv4
  const [l0 = 0, l1 = 0, l2 = 0] = lens;
  if ((l0 <= 2 && l1 <= 2 && l2 === 4) || (l0 === 4 && l1 <= 2 && l2 <= 2)) return false; // dates
  if (sameLens(lens, [3, 3, 4])) return true;
  if (sameLens(lens, [1, 3, 3, 4]) && text.charCodeAt(first.start) === 0x31) return true;
  if (text.charCodeAt(first.start) !== 0x30) return false;
  if (lens.some((l) => l < 2 || l > 8)) return false;
  if (text.charCodeAt(first.start + 1) === 0x30) {
    return first.digits >= 3 && first.digits <= 5 && digits >= 12 && digits <= 17;
  }
  return first.digits >= 2 && first.digits <= 6 && digits >= 10 && digits <= 12;
}
