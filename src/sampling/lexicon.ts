/**
 * The few word lists the log pattern scanner consults. Words are compared as numbers (up to 7
 * ASCII characters packed base 128, exact below 2^53) so that checking a token never allocates a
 * substring.
 */

/**
 * Packs s[start, end) into a number, base 128, optionally lower-cased. Returns -1 when the range
 * is longer than 7 units or holds a non-ASCII unit (so it cannot equal any listed word). Distinct
 * for ranges without NUL, which never occurs inside a token (it is whitespace to the scanner).
 */
export function packWord(s: string, start: number, end: number, lower: boolean): number {
  if (end - start > 7 || end <= start) return -1;
  let v = 0;
  for (let k = start; k < end; k++) {
    let c = s.charCodeAt(k);
    if (c >= 128) return -1;
    if (lower && c >= 0x41 && c <= 0x5a) c |= 0x20;
    v = v * 128 + c;
  }
  return v;
}

function packAll(words: readonly string[], lower: boolean): ReadonlySet<number> {
  const set = new Set<number>();
  for (const w of words) set.add(packWord(w, 0, w.length, lower));
  return set;
}

/**
 * Month, weekday and common time-zone abbreviations, exact case: in a log message they are part
 * of a date, which varies from line to line.
 */
// prettier-ignore
export const DATE_WORDS = packAll(
  [
    'Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec',
    'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun',
    'UTC', 'GMT', 'EST', 'EDT', 'CST', 'CDT', 'MST', 'MDT', 'PST', 'PDT', 'CET', 'CEST', 'BST',
  ],
  false,
);

/**
 * Units that follow a number as a separate word (`12 ms`, `4.5 KB`): they belong to the value,
 * since the same message says `812 B` on one line and `1.2 KB` on the next.
 */
// prettier-ignore
export const UNIT_WORDS = packAll(
  [
    'B', 'KB', 'MB', 'GB', 'TB', 'PB', 'kB', 'KiB', 'MiB', 'GiB', 'TiB', 'bytes', 'byte',
    'ns', 'us', 'ms', 's', 'sec', 'secs', 'second', 'seconds', 'min', 'mins', 'minute', 'minutes',
    'h', 'hr', 'hrs', 'hour', 'hours', 'day', 'days', '%',
  ],
  false,
);

/**
 * Top-level domains, lower case, leaving out those that are also common words or file
 * extensions (`app`, `in`, `info`, `dev`, ...). A dotted word ending in one is a host name (`db1.example.com`);
 * one starting with one is a reverse-DNS name (`com.example.job`), such as a job or bundle id.
 */
// prettier-ignore
export const TLD_WORDS = packAll(
  [
    'com', 'net', 'org', 'edu', 'gov', 'mil', 'io', 'us', 'uk', 'de', 'fr', 'jp', 'cn', 'ru',
    'nl', 'eu', 'ca', 'au', 'br', 'biz', 'local', 'lan', 'corp', 'internal',
  ],
  true,
);

/** `user`, lower-cased: the word after it is a user name (`invalid user bob`). */
export const USER_WORD = packWord('user', 0, 4, false);
