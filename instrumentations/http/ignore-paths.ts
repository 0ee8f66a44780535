/**
 * The incoming paths left untraced (`SPRINTLENS_HTTP_IGNORE_PATHS`, e.g. health checks): each
 * entry is an exact path, or a prefix when it ends with `*`. The request's query string and
 * fragment are not part of the match; the path is compared as the client sent it (no
 * percent-decoding, no trailing-slash folding).
 */
export type PathMatcher = (target: string | undefined) => boolean;

/** A matcher for `patterns` (already validated by the configuration), or `undefined` for none. */
export function ignoredPathMatcher(patterns: readonly string[]): PathMatcher | undefined {
  if (patterns.length === 0) return undefined;
  const exact = new Set<string>();
  const prefixes: string[] = [];
  for (const pattern of patterns) {
    if (pattern.endsWith('*')) prefixes.push(pattern.slice(0, -1));
    else exact.add(pattern);
  }
  return (target) => {
    const path = pathOf(target);
    if (exact.has(path)) return true;
    for (const prefix of prefixes) if (path.startsWith(prefix)) return true;
    return false;
  };
}

/**
 * The path of a request target: origin-form (`/a?b`) is cut at `?` or `#`; absolute-form
 * (`http://host/a?b`, as a forward proxy receives it) is parsed for its path.
 */
export function pathOf(target: string | undefined): string {
  if (target === undefined || target === '') return '/';
  let path = target;
  if (!path.startsWith('/')) {
    try {
      path = new URL(path).pathname;
    } catch {
      return path;
    }
  }
  const end = path.search(/[?#]/);
  return end === -1 ? path : path.slice(0, end);
}
