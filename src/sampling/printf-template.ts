import { logPattern } from './log-pattern';
import type { LogPattern } from './log-pattern';

/**
 * The printf grammar of the log line path, in one place: the templates loggers pass before
 * interpolation (`log.info('user %s logged in', id)`), as Node's `util.format` reads them.
 *
 * A directive is `%` followed by a conversion (`s d i f j o O c`), which consumes an argument,
 * or by another `%` (`%%`, a literal percent sign), which consumes none. A `%` followed by
 * anything else is plain text. The instrumentations ask whether a message is a template and
 * how many arguments it takes; the sampler turns a template into its pattern.
 */

const PERCENT = 0x25;

/** Whether `code` is a conversion character: `s d i f j o O c`. */
function isConversion(code: number): boolean {
  return (
    code === 0x73 || // s
    code === 0x64 || // d
    code === 0x69 || // i
    code === 0x66 || // f
    code === 0x6a || // j
    code === 0x6f || // o
    code === 0x4f || // O
    code === 0x63 //    c
  );
}

/**
 * Index of the first directive (`%` + conversion, or `%%`) at or after `from`, or -1. One scan
 * with `indexOf`, no regular expression: it runs on every log call that passes arguments.
 */
function nextDirective(text: string, from: number): number {
  let at = text.indexOf('%', from);
  const last = text.length - 1;
  while (at !== -1 && at < last) {
    const next = text.charCodeAt(at + 1);
    if (next === PERCENT || isConversion(next)) return at;
    at = text.indexOf('%', at + 1);
  }
  return -1;
}

/** Whether `text` has a conversion that arguments fill: then it is the line's template. */
export function hasFormatSpecifier(text: string): boolean {
  for (let at = nextDirective(text, 0); at !== -1; at = nextDirective(text, at + 2)) {
    if (text.charCodeAt(at + 1) !== PERCENT) return true;
  }
  return false;
}

/** How many arguments the template `text` consumes (`%%` consumes none). */
export function countFormatSpecifiers(text: string): number {
  let count = 0;
  for (let at = nextDirective(text, 0); at !== -1; at = nextDirective(text, at + 2)) {
    if (text.charCodeAt(at + 1) !== PERCENT) count++;
  }
  return count;
}

/**
 * The pattern of a printf template (`'user %s logged in'`). Each conversion stands for a value,
 * so it is replaced by a digit, which {@link logPattern} always masks; the template then gets
 * the same pattern as the lines it produces (`'user bob logged in'` and `'user %s logged in'`
 * share an id). `%%` becomes the `%` it prints and `%c` (CSS, printed as nothing by Node)
 * vanishes.
 */
export function templatePattern(template: string): LogPattern {
  let at = nextDirective(template, 0);
  if (at === -1) return logPattern(template);
  let out = '';
  let last = 0;
  for (; at !== -1; at = nextDirective(template, at + 2)) {
    const next = template.charCodeAt(at + 1);
    out += template.slice(last, at) + (next === PERCENT ? '%' : next === 0x63 ? '' : '0');
    last = at + 2;
  }
  return logPattern(out + template.slice(last));
}
