import type { Evaluator } from '../types';
import {
  AS_IS,
  defaultExpected,
  defaultOutput,
  describeValue,
  invalidOption,
  nameOption,
  normalisationOption,
  normalise,
  optionsObject,
  quote,
  selectorOption,
  textOf,
  unusable,
  verdict,
} from './shared';
import type { BaseEvaluatorOptions, ReferenceOptions, TextNormalisationOptions } from './shared';

/** Options of {@link contains}. Normalisation defaults: all off. */
export interface ContainsOptions
  extends BaseEvaluatorOptions, ReferenceOptions, TextNormalisationOptions {
  /**
   * The text to look for: one string or several. Default: the expected value (`getExpected`),
   * which must then be a string or a list of strings.
   */
  readonly substrings?: string | readonly string[];
  /** `all` (default): every substring must occur; `any`: at least one. */
  readonly mode?: 'all' | 'any';
}

const WHERE = 'contains()';

/** A string or a non-empty list of strings, as a list; `undefined` when it is neither. */
function needlesOf(value: unknown): readonly string[] | undefined {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === 'string')) {
    return value as readonly string[];
  }
  return undefined;
}

/**
 * Whether the output contains the given substrings (all of them, or any): score 1 and `passed`
 * when it does, else 0 with the missing ones in the explanation. Default name `contains`.
 */
export function contains(options?: ContainsOptions): Evaluator {
  const o = optionsObject(WHERE, options);
  const name = nameOption(WHERE, o.name, 'contains');
  const getOutput = selectorOption(WHERE, 'getOutput', o.getOutput, defaultOutput);
  const getExpected = selectorOption(WHERE, 'getExpected', o.getExpected, defaultExpected);
  const how = normalisationOption(WHERE, o, AS_IS);
  const mode = o.mode ?? 'all';
  if (mode !== 'all' && mode !== 'any') invalidOption(WHERE, 'mode', "'all' or 'any'");
  let fixed: readonly string[] | undefined;
  if (o.substrings !== undefined) {
    fixed = needlesOf(o.substrings);
    if (fixed === undefined) {
      invalidOption(WHERE, 'substrings', 'a string or a non-empty list of strings');
    }
  }
  return {
    name,
    evaluate(args) {
      const needles = fixed ?? needlesOf(getExpected(args));
      if (needles === undefined) {
        return unusable(
          'no substrings: the expected value is not a string or a list of strings',
          true,
        );
      }
      const output = getOutput(args);
      const text = textOf(output);
      if (text === undefined) return unusable(`the output is ${describeValue(output)}`, true);
      const haystack = normalise(text, how);
      const missing = needles.filter((needle) => !haystack.includes(normalise(needle, how)));
      const found = needles.length - missing.length;
      const ok = mode === 'all' ? missing.length === 0 : found > 0;
      if (ok) return verdict(1, true);
      return verdict(
        0,
        false,
        mode === 'all'
          ? `missing ${missing.length} of ${needles.length}: ${missing.map((m) => quote(m)).join(', ')}`
          : `none of ${needles.length} found: ${needles.map((m) => quote(m)).join(', ')}`,
      );
    },
  };
}
