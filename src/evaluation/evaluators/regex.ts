import type { Evaluator } from '../types';
import {
  booleanOption,
  defaultOutput,
  describeValue,
  invalidOption,
  nameOption,
  optionsObject,
  quote,
  selectorOption,
  textOf,
  unusable,
  verdict,
} from './shared';
import type { BaseEvaluatorOptions } from './shared';

/** Options of {@link regex}. */
export interface RegexOptions extends BaseEvaluatorOptions {
  /** The regular expression; a string is compiled with `flags`. */
  readonly pattern: RegExp | string;
  /** Flags for a string `pattern`, e.g. `'i'`. Ignored for a `RegExp`. */
  readonly flags?: string;
  /** Pass when the output does NOT match (e.g. no apology, no leaked placeholder). */
  readonly negate?: boolean;
}

const WHERE = 'regex()';

/**
 * Whether the output matches a regular expression (or, with `negate`, does not): score 1 and
 * `passed` when it does, else 0. Default name `regex`.
 *
 * The expression is compiled once; the `g` and `y` flags are dropped so that matching keeps
 * no state from one item to the next.
 */
export function regex(options: RegexOptions): Evaluator {
  const o = optionsObject(WHERE, options);
  const name = nameOption(WHERE, o.name, 'regex');
  const getOutput = selectorOption(WHERE, 'getOutput', o.getOutput, defaultOutput);
  const negate = booleanOption(WHERE, 'negate', o.negate) ?? false;
  if (o.flags !== undefined && typeof o.flags !== 'string') {
    invalidOption(WHERE, 'flags', 'a string of RegExp flags');
  }
  let compiled: RegExp;
  if (o.pattern instanceof RegExp) {
    compiled = new RegExp(o.pattern.source, o.pattern.flags.replace(/[gy]/g, ''));
  } else if (typeof o.pattern === 'string') {
    try {
      compiled = new RegExp(o.pattern, (o.flags ?? '').replace(/[gy]/g, ''));
    } catch (error) {
      invalidOption(WHERE, 'pattern', 'a valid regular expression (with valid flags)', error);
    }
  } else {
    invalidOption(WHERE, 'pattern', 'a RegExp or a string');
  }
  const shown = `/${compiled.source}/${compiled.flags}`;
  return {
    name,
    evaluate(args) {
      const output = getOutput(args);
      const text = textOf(output);
      if (text === undefined) return unusable(`the output is ${describeValue(output)}`, true);
      const match = compiled.exec(text);
      if (negate) {
        return match === null
          ? verdict(1, true)
          : verdict(0, false, `${shown} matched ${quote(match[0])}, and must not`);
      }
      return match !== null ? verdict(1, true) : verdict(0, false, `${shown} did not match`);
    },
  };
}
