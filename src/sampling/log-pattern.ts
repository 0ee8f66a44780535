import { Fnv1a64 } from './hash';
import { DATE_WORDS, packWord, TLD_WORDS, UNIT_WORDS, USER_WORD } from './lexicon';

/** A log message's pattern: the template with variables masked, and its stable id. */
export interface LogPattern {
  /** 16 lowercase hex digits: FNV-1a 64 of `template`. Same in every process and host. */
  id: string;
  /**
   * The message with each variable part replaced by `<*>` and whitespace runs collapsed. At most
   * twice {@link LOG_PATTERN_PREFIX_LIMIT} units long, whatever the message.
   */
  template: string;
}

/**
 * How much of a message is examined, in UTF-16 code units. 1024 holds the whole of nearly every
 * log message (the Loghub-2k median is ~70; a 2048 bound groups them no better) and caps the
 * work per call whatever the input. Whatever follows the prefix counts as one trailing `<*>`, so
 * lines that agree on their first 1024 units share a pattern.
 */
export const LOG_PATTERN_PREFIX_LIMIT = 1024;

// Character classes. They live in this module, not beside the word lists, because the scan
// tests them on every character and module-local constants compile to immediates.

/** Whitespace and control characters: separate tokens, collapse to one space. */
const SPACE = 1;
/** Punctuation that separates tokens and is kept verbatim in the template. */
const DELIM = 2;
const DIGIT = 4;
/** Letters a-f / A-F (a token of only these may be a hex id). */
const HEX_LETTER = 8;
/** Other letters, including every non-ASCII character that is not a space. */
const LETTER = 16;
/** Punctuation that stays inside a token (`.`, `_`, `-`, `/`, `:`, `@`, ...). */
const JOINER = 32;

const ASCII_CLASS = buildAsciiClasses();

function buildAsciiClasses(): Uint8Array {
  const t = new Uint8Array(128);
  for (let c = 0; c < 128; c++) {
    if (c <= 0x20 || c === 0x7f) t[c] = SPACE;
    else if (c >= 0x30 && c <= 0x39) t[c] = DIGIT;
    else if ((c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46)) t[c] = HEX_LETTER;
    else if ((c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a)) t[c] = LETTER;
    else t[c] = JOINER;
  }
  // Brackets, quotes, separators and `=`: a value rarely spans them, and keeping them out of
  // tokens lets `key=value`, `[id]`, `(n)` and `"name"` mask just the value.
  for (const ch of ',;()[]{}<>=|"\'') t[ch.charCodeAt(0)] = DELIM;
  return t;
}

/** Class of one UTF-16 code unit. Lone surrogates are letters: never an error. */
function classOf(c: number): number {
  // Kept tiny so it inlines into the scanner loops; the rare non-ASCII case is out of line.
  return c < 128 ? (ASCII_CLASS[c] as number) : nonAsciiClass(c);
}

function nonAsciiClass(c: number): number {
  // Unicode spaces (NEL, NBSP, en/em spaces, line/paragraph separators, ideographic, BOM).
  if (
    c === 0x85 ||
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000 ||
    c === 0xfeff
  ) {
    return SPACE;
  }
  return LETTER;
}

const PLACEHOLDER = '<*>';
/** Longest `word(...)` argument list kept inside its token, so a lookahead stays bounded. */
const MAX_PAREN_LOOKAHEAD = 64;

// One hasher for all calls: logPattern never re-enters itself, and this avoids an allocation.
const hasher = new Fnv1a64();

/**
 * Computes the pattern of a log message: its variable parts (numbers, hex and ids mixing letters
 * and digits, UUIDs, dates and times, IPs with ports, e-mails, URLs, paths, host names,
 * `key=value` values, sizes and durations, user names after `user`) become `<*>`, adjacent
 * variables separated only by spaces or commas merge into one `<*>`, and whitespace runs become
 * one space. `id` is a seedless 64-bit FNV-1a of the template, so equal templates have equal ids
 * everywhere.
 *
 * The scan is one pass over at most {@link LOG_PATTERN_PREFIX_LIMIT} code units, classifying
 * whole tokens; what follows that prefix becomes one trailing `<*>`. It never throws, whatever
 * the input (empty, control characters, lone surrogates, non-strings from untyped callers).
 *
 * @example
 * logPattern('Connection from 10.0.0.7:5432 closed after 12 ms').template
 * // 'Connection from <*> closed after <*>'
 */
export function logPattern(message: string): LogPattern {
  const s = typeof message === 'string' ? message : toText(message);
  const len = s.length;
  const truncated = len > LOG_PATTERN_PREFIX_LIMIT;
  const n = truncated ? LOG_PATTERN_PREFIX_LIMIT : len;
  hasher.reset();

  let i = 0;
  while (i < n && classOf(s.charCodeAt(i)) === SPACE) i++; // leading whitespace is dropped

  let out = '';
  let lit = i; // start of source text not yet copied to `out`
  let lastVarEnd = -1; // source end of the last placeholder
  let joinable = false; // only spaces and commas since that placeholder: a next variable merges
  let valueStart = -1; // where the value of a `key=` starts
  let userEnd = -1; // end of a preceding `user` token

  while (i < n) {
    const c = s.charCodeAt(i);
    const k = classOf(c);

    if (k === SPACE) {
      const a = i;
      i++;
      while (i < n && classOf(s.charCodeAt(i)) === SPACE) i++;
      if (i >= n) break; // trailing whitespace: trimmed below
      // A lone ' ' stays in the pending literal; any other run is normalised to ' ' now, except
      // right after a placeholder, where it may still vanish into a merge (emitGap handles it).
      if ((i - a !== 1 || c !== 0x20) && !(lit === lastVarEnd && joinable)) {
        out = emitLiteral(out, s, lit, a);
        hasher.code(0x20);
        out += ' ';
        lit = i;
      }
      continue;
    }

    if (k === DELIM || (c === 0x2e && i + 1 < n && s.charCodeAt(i + 1) === 0x2e)) {
      // Punctuation between tokens, and runs of dots (`depth.......3`, `Starting...`), which
      // are filler, not part of a word or number. Both stay verbatim in the template.
      if (c === 0x3d /* = */) valueStart = i + 1;
      else if ((c === 0x22 || c === 0x27) && valueStart === i) valueStart = i + 1; // key="value"
      if (c !== 0x2c /* , */) {
        if (lit === lastVarEnd && joinable) {
          out = emitGap(out, s, lit, i);
          lit = i;
        }
        joinable = false;
      }
      i++;
      if (k !== DELIM) while (i < n && s.charCodeAt(i) === 0x2e) i++;
      continue;
    }

    // A token: a maximal run of letters, digits and joiners, gathering what classifies it.
    const a = i;
    let flags = 0;
    let dots = 0;
    let firstDot = -1;
    let lastDot = -1;
    let at = -1;
    let url = false;
    while (i < n) {
      const d = s.charCodeAt(i);
      const kd = classOf(d);
      if (kd === LETTER || kd === DIGIT || kd === HEX_LETTER) {
        // Fast path: most characters of most tokens.
        flags |= kd;
        i++;
        continue;
      }
      if (kd === SPACE) break;
      if (kd === DELIM) {
        // `name(args)` with no space inside stays one token: LOCAL(0) is one value, not two.
        if (d === 0x28 && i > a) {
          const e = parenEnd(s, i, n);
          if (e > 0) {
            flags |= rangeFlags(s, i + 1, e - 1);
            i = e;
            continue;
          }
        }
        break;
      }
      // A joiner.
      if (d === 0x2e /* . */) {
        if (i + 1 < n && s.charCodeAt(i + 1) === 0x2e) break; // a run of dots: filler
        if (firstDot < 0) firstDot = i;
        lastDot = i;
        dots++;
      } else if (d === 0x40 /* @ */) {
        at = i;
      } else if (
        d === 0x3a /* : */ &&
        i + 2 < n &&
        s.charCodeAt(i + 1) === 0x2f &&
        s.charCodeAt(i + 2) === 0x2f
      ) {
        // scheme:// — the URL runs to the next space or quote, `=` and `&` of a query included.
        url = true;
        i = urlEnd(s, i + 3, n);
        break;
      }
      flags |= kd;
      i++;
    }

    let variable =
      url ||
      (flags & DIGIT) !== 0 ||
      a === valueStart ||
      (truncated && i >= n) || // cut by the prefix limit: its full extent is unknown
      isVariableWord(s, a, i, flags, dots, firstDot, lastDot, at);
    if (
      !variable &&
      userEnd >= 0 &&
      a === userEnd + 1 &&
      s.charCodeAt(userEnd) === 0x20 &&
      !looksLikeVerb(s, a, i)
    ) {
      variable = true;
    }
    if (!variable && lit === lastVarEnd && joinable && isUnit(s, a, i)) variable = true;
    userEnd =
      !variable && i - a === 4 && (c | 0x20) === 0x75 && packWord(s, a, i, true) === USER_WORD
        ? i
        : -1;

    if (variable) {
      if (!(lit === lastVarEnd && joinable)) {
        out = emitLiteral(out, s, lit, a);
        out = emitPlaceholder(out);
      }
      lit = i;
      lastVarEnd = i;
      joinable = true;
    } else {
      if (lit === lastVarEnd && joinable) {
        out = emitGap(out, s, lit, a);
        lit = a;
      }
      joinable = false;
    }
  }

  // Trailing whitespace is dropped.
  let end = n;
  while (end > lit && classOf(s.charCodeAt(end - 1)) === SPACE) end--;
  const atGap = lit === lastVarEnd && joinable;
  if (truncated && lastVarEnd !== n) {
    // The unexamined tail is one more variable.
    if (!atGap) {
      out = emitLiteral(out, s, lit, end);
      if (end < n) {
        hasher.code(0x20);
        out += ' ';
      }
      out = emitPlaceholder(out);
    }
  } else {
    out = atGap ? emitGap(out, s, lit, end) : emitLiteral(out, s, lit, end);
  }
  return { id: hasher.hex(), template: out };
}

/** Copies s[a, b) (already normalised) to the template and the hash. */
function emitLiteral(out: string, s: string, a: number, b: number): string {
  if (b <= a) return out;
  hasher.range(s, a, b);
  return out + s.slice(a, b);
}

function emitPlaceholder(out: string): string {
  hasher.code(0x3c);
  hasher.code(0x2a);
  hasher.code(0x3e);
  return out + PLACEHOLDER;
}

/**
 * Copies the gap after a placeholder (spaces and commas only) with each whitespace run as one
 * space; used when the gap turns out not to precede a merge.
 */
function emitGap(out: string, s: string, a: number, b: number): string {
  let k = a;
  while (k < b) {
    if (classOf(s.charCodeAt(k)) === SPACE) {
      while (k < b && classOf(s.charCodeAt(k)) === SPACE) k++;
      hasher.code(0x20);
      out += ' ';
    } else {
      hasher.code(s.charCodeAt(k));
      out += s[k];
      k++;
    }
  }
  return out;
}

/**
 * Token classes that hold no digit but still vary: paths, e-mails, host and reverse-DNS names,
 * long hex words, date words.
 */
function isVariableWord(
  s: string,
  a: number,
  b: number,
  flags: number,
  dots: number,
  firstDot: number,
  lastDot: number,
  at: number,
): boolean {
  const len = b - a;
  const c0 = s.charCodeAt(a);
  // Paths: /abs, ./rel, ~/home, \\share or C:\dir (in ../rel the dots are filler, /rel a path).
  if (len > 1 && (c0 === 0x2f || c0 === 0x5c)) return true;
  if (len > 2) {
    const c1 = s.charCodeAt(a + 1);
    if ((c0 === 0x2e || c0 === 0x7e) && c1 === 0x2f) return true;
    if (c1 === 0x3a && s.charCodeAt(a + 2) === 0x5c && (classOf(c0) & (LETTER | HEX_LETTER)) !== 0)
      return true;
  }
  // E-mail or user@host.
  if (at > a && at < b - 1) return true;
  if (dots > 0) {
    // host.example.com, or com.example.job (reverse DNS: needs two dots).
    if (lastDot > a && lastDot < b - 1 && TLD_WORDS.has(packWord(s, lastDot + 1, b, true)))
      return true;
    if (dots >= 2 && firstDot > a && TLD_WORDS.has(packWord(s, a, firstDot, true))) return true;
  }
  // A long word of only a-f letters is a hex id, not a word.
  if (len >= 8 && flags === HEX_LETTER) return true;
  // Date words are capitalised: test that before the set lookup, which is the costly part.
  if ((len === 3 || len === 4) && c0 >= 0x41 && c0 <= 0x5a) {
    return DATE_WORDS.has(packWord(s, a, b, false));
  }
  return false;
}

/** A unit word after a number, allowing one trailing `.` or `:` (`took 3 sec.`). */
function isUnit(s: string, a: number, b: number): boolean {
  if (b - a > 1) {
    const last = s.charCodeAt(b - 1);
    if (last === 0x2e || last === 0x3a) b--;
  }
  return UNIT_WORDS.has(packWord(s, a, b, false));
}

/**
 * After `user`, a past participle or gerund is what happened (`user created`), not a name; the
 * length floor keeps short names such as `ted` or `ming` as names.
 */
function looksLikeVerb(s: string, a: number, b: number): boolean {
  const len = b - a;
  if (len >= 5 && lower(s, b - 2) === 0x65 && lower(s, b - 1) === 0x64) return true; // -ed
  return (
    len >= 6 && lower(s, b - 3) === 0x69 && lower(s, b - 2) === 0x6e && lower(s, b - 1) === 0x67 // -ing
  );
}

function lower(s: string, k: number): number {
  const c = s.charCodeAt(k);
  return c >= 0x41 && c <= 0x5a ? c | 0x20 : c;
}

/** End (exclusive) of `(...)` opening at `open`, or -1 if it has spaces, nests or runs long. */
function parenEnd(s: string, open: number, n: number): number {
  const limit = Math.min(n, open + MAX_PAREN_LOOKAHEAD);
  for (let k = open + 1; k < limit; k++) {
    const c = s.charCodeAt(k);
    if (c === 0x29) return k + 1;
    if (c === 0x28 || classOf(c) === SPACE) return -1;
  }
  return -1;
}

/** Union of the classes in s[a, b), delimiters left out. */
function rangeFlags(s: string, a: number, b: number): number {
  let f = 0;
  for (let k = a; k < b; k++) f |= classOf(s.charCodeAt(k));
  return f & ~DELIM;
}

/** End of a URL body: the next space, quote or angle bracket. */
function urlEnd(s: string, k: number, n: number): number {
  while (k < n) {
    const c = s.charCodeAt(k);
    if (c === 0x22 || c === 0x27 || c === 0x3c || c === 0x3e || classOf(c) === SPACE) break;
    k++;
  }
  return k;
}

/** Callers in plain JavaScript may pass anything; a pattern is still owed, never an exception. */
function toText(value: unknown): string {
  try {
    return String(value);
  } catch {
    return '';
  }
}
