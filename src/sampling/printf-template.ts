import { logPattern } from './log-pattern';
import type { LogPattern } from './log-pattern';

/**
 * The pattern of a printf-style template (`'user %s logged in'`), as a logger passes it before
 * interpolation. Each conversion (`%s %d %i %f %j %o %O`) stands for a value, so it is replaced
 * by a digit, which {@link logPattern} always masks; the template then gets the same pattern as
 * the interpolated lines (`'user bob logged in'` and `'user %s logged in'` share an id). `%%` is a
 * literal percent sign and `%c` (CSS, printed as nothing by Node) vanishes.
 */
export function templatePattern(template: string): LogPattern {
  if (template.indexOf('%') < 0) return logPattern(template);
  let out = '';
  let last = 0;
  for (let k = 0; k < template.length - 1; k++) {
    if (template.charCodeAt(k) !== 0x25 /* % */) continue;
    const next = template[k + 1];
    let replacement: string | undefined;
    if (next === '%') replacement = '%';
    else if (next === 'c') replacement = '';
    else if (next !== undefined && 'sdifjoO'.includes(next)) replacement = '0';
    if (replacement === undefined) continue;
    out += template.slice(last, k) + replacement;
    last = k + 2;
    k++;
  }
  return logPattern(out + template.slice(last));
}
