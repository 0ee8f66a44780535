/**
 * URLs made safe to print. People put credentials in URLs (`https://user:token@host`,
 * `?api_key=…`), so every URL that reaches a message, a diagnostic or the CLI's output goes
 * through {@link redactUrl} first. Bottom layer: no imports, usable from the error catalogue.
 */

/** What replaces each secret part of a URL. */
export const URL_REDACTED = 'REDACTED';

/**
 * `url` with nothing secret left, for printing:
 *
 * - user info (`user:password@`, or a lone token before `@`) becomes `REDACTED@`, so a reader
 *   still sees that credentials are there and are sent (as HTTP Basic auth);
 * - every query value becomes `REDACTED` (`?token=REDACTED`); a query item without `=` may be
 *   the token itself and is replaced whole;
 * - a fragment becomes `#REDACTED`.
 *
 * Scheme, host, port and path are kept. Text that does not parse as a URL is redacted by
 * position (everything between `//` and the last `@`, everything after `?` or `#`), so a
 * malformed URL never leaks its user info either. Idempotent.
 *
 * @example redactUrl('http://alice:s3cret@collector:4318/v1/traces?k=v')
 *   // 'http://REDACTED@collector:4318/v1/traces?k=REDACTED'
 */
export function redactUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return redactUnparsed(url);
  }
  // No authority (`mailto:`, `file:`…): nothing to rebuild from; redact by position.
  if (parsed.host === '') return redactUnparsed(url);
  const userInfo = parsed.username !== '' || parsed.password !== '' ? `${URL_REDACTED}@` : '';
  const query = redactQuery(parsed.search);
  const fragment = parsed.hash === '' ? '' : `#${URL_REDACTED}`;
  // `new URL('http://host')` has the path `/`: keep the URL as the user wrote it, without it.
  const bare = parsed.pathname === '/' && query === '' && fragment === '' && !/\/\s*$/.test(url);
  const path = bare ? '' : parsed.pathname;
  return `${parsed.protocol}//${userInfo}${parsed.host}${path}${query}${fragment}`;
}

/** `?a=1&b` -> `?a=REDACTED&REDACTED`. */
function redactQuery(search: string): string {
  if (search === '') return '';
  const items = search
    .slice(1)
    .split('&')
    .map((item) => {
      if (item === '') return item;
      const equals = item.indexOf('=');
      return equals < 0 ? URL_REDACTED : `${item.slice(0, equals)}=${URL_REDACTED}`;
    });
  return `?${items.join('&')}`;
}

/** Text the URL parser refuses: redact by position, erring on the side of hiding too much. */
function redactUnparsed(text: string): string {
  const scheme = text.indexOf('//');
  const start = scheme < 0 ? 0 : scheme + 2;
  const at = text.lastIndexOf('@');
  let out = at >= start ? `${text.slice(0, start)}${URL_REDACTED}@${text.slice(at + 1)}` : text;
  const tail = out.slice(start).search(/[?#]/);
  if (tail >= 0) {
    const cut = start + tail;
    out = `${out.slice(0, cut)}${out[cut] === '?' ? '?' : '#'}${URL_REDACTED}`;
  }
  return out;
}
