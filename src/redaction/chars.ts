/**
 * Character tests on UTF-16 code units, shared by the detectors. All of them work on
 * `charCodeAt` results, which are `NaN` past the end of the string: every test below returns
 * `false` for `NaN`, so callers may look one or two characters ahead without bounds checks.
 *
 * Internal module: not part of the public API.
 */

export const SPACE = 0x20;
export const TAB = 0x09;
export const NBSP = 0xa0;
export const PLUS = 0x2b;
export const DASH = 0x2d;
export const DOT = 0x2e;
export const SLASH = 0x2f;
export const AT = 0x40;
export const UNDERSCORE = 0x5f;
export const BACKSLASH = 0x5c;
export const LPAREN = 0x28;
export const RPAREN = 0x29;
export const EQUALS = 0x3d;
export const TILDE = 0x7e;

/** `0`-`9`. */
export function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

/** `A`-`Z`. */
export function isUpper(c: number): boolean {
  return c >= 0x41 && c <= 0x5a;
}

/** `a`-`z`. */
export function isLower(c: number): boolean {
  return c >= 0x61 && c <= 0x7a;
}

/** ASCII letter or digit. */
export function isAlnum(c: number): boolean {
  return isDigit(c) || isUpper(c) || isLower(c);
}

/** `A`-`Z` or `0`-`9` (IBAN and AWS key characters). */
export function isUpperAlnum(c: number): boolean {
  return isDigit(c) || isUpper(c);
}

/** ASCII letter, digit or `_`: the characters that glue a token to its neighbours. */
export function isWordChar(c: number): boolean {
  return isAlnum(c) || c === UNDERSCORE;
}

/** base64url alphabet: letters, digits, `-`, `_`. */
export function isBase64UrlChar(c: number): boolean {
  return isWordChar(c) || c === DASH;
}

/**
 * Letters that follow a backslash in JSON/JS string escapes (`\n`, `\t`, ...). Captured
 * content is often serialised JSON, so `\nsk-…` must still see `sk-` at a token start.
 */
export function isEscapeLetter(c: number): boolean {
  return c === 0x6e || c === 0x74 || c === 0x72 || c === 0x62 || c === 0x66; // n t r b f
}

/**
 * Whether a token may start at `i`: the previous character does not glue it to a word.
 * A word character before `i` counts as a boundary only when it is the letter of an escape
 * sequence (`\n`). A `-` preceded by a letter or digit (`task-sk…`) or a `.` preceded by a
 * digit (`1.2`) continue the previous token.
 */
export function isTokenStart(text: string, i: number): boolean {
  if (i === 0) return true;
  const p = text.charCodeAt(i - 1);
  if (isWordChar(p)) return isEscapeLetter(p) && text.charCodeAt(i - 2) === BACKSLASH;
  if (p === DASH) return !isAlnum(text.charCodeAt(i - 2));
  if (p === DOT) return !isDigit(text.charCodeAt(i - 2));
  return true;
}

/** Whether `text` has `prefix` at `i` (case-sensitive, no allocation). */
export function startsWithAt(text: string, i: number, prefix: string): boolean {
  if (i + prefix.length > text.length) return false;
  for (let k = 0; k < prefix.length; k++) {
    if (text.charCodeAt(i + k) !== prefix.charCodeAt(k)) return false;
  }
  return true;
}

/** End of the run of characters accepted by `test` that starts at `i`. */
export function runEnd(text: string, i: number, test: (c: number) => boolean): number {
  let j = i;
  while (j < text.length && test(text.charCodeAt(j))) j++;
  return j;
}
