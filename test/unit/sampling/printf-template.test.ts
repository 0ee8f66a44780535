/** The one printf grammar of the log line path (src/sampling/printf-template.ts). */
import { format } from 'node:util';
import { describe, expect, it } from 'vitest';
import { logPattern } from '../../../src/sampling/log-pattern';
import {
  countFormatSpecifiers,
  hasFormatSpecifier,
  templatePattern,
} from '../../../src/sampling/printf-template';

describe('the printf grammar', () => {
  it.each([
    ['user %s logged in', true, 1],
    ['%d items in %i ms (%f%%)', true, 3],
    ['%j %o %O %c', true, 4],
    ['100%% done', false, 0],
    ['%%s is literal', false, 0],
    ['%%%s after an escape', true, 1],
    ['50% off, %x is no conversion', false, 0],
    ['ends with %', false, 0],
    ['', false, 0],
  ])('%j: template %s, %s arguments', (text, template, count) => {
    expect(hasFormatSpecifier(text)).toBe(template);
    expect(countFormatSpecifiers(text)).toBe(count);
  });

  it('counts the arguments util.format consumes', () => {
    for (const text of ['a %s b %d c', '%%%s', '%c%s', 'x %o %% %j']) {
      const n = countFormatSpecifiers(text);
      const args = Array.from({ length: n + 1 }, (_, i) => `<${i}>`);
      // The first argument no conversion takes is the one util.format appends.
      expect(format(text, ...args).endsWith(` <${n}>`)).toBe(true);
      expect(format(text, ...args.slice(0, n))).not.toContain(`<${n}>`);
    }
  });

  it('gives a template the pattern of the lines it produces', () => {
    expect(templatePattern('user %s logged in').id).toBe(logPattern('user alice logged in').id);
    expect(templatePattern('took %d ms').template).toBe('took <*>');
    expect(templatePattern('100%% done').template).toBe(logPattern('100% done').template);
    expect(templatePattern('%cstyled %s').template).toBe(logPattern('styled 0').template);
    expect(templatePattern('no directive %x').id).toBe(logPattern('no directive %x').id);
  });
});
