/**
 * Whether `text` holds a printf-style specifier (`%s %d %i %f %j %o %O %c`) that the following
 * arguments fill: then `text` is the line's template. One pass, no regular expression.
 */
export function hasFormatSpecifier(text: string): boolean {
  let at = text.indexOf('%');
  while (at !== -1 && at < text.length - 1) {
    const next = text.charCodeAt(at + 1);
    if (isSpecifier(next)) return true;
    at = text.indexOf('%', at + (next === 37 ? 2 : 1)); // skip an escaped %%
  }
  return false;
}

/** How many arguments a printf template consumes (`%%` consumes none). */
export function countFormatSpecifiers(text: string): number {
  let count = 0;
  let at = text.indexOf('%');
  while (at !== -1 && at < text.length - 1) {
    const next = text.charCodeAt(at + 1);
    if (next === 37) {
      at = text.indexOf('%', at + 2);
      continue;
    }
    if (isSpecifier(next)) count++;
    at = text.indexOf('%', at + 1);
  }
  return count;
}

function isSpecifier(code: number): boolean {
  // s d i f j o O c
  return (
    code === 115 ||
    code === 100 ||
    code === 105 ||
    code === 102 ||
    code === 106 ||
    code === 111 ||
    code === 79 ||
    code === 99
  );
}
