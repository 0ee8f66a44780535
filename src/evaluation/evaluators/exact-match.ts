import { isDeepStrictEqual } from 'node:util';
import type { Evaluator } from '../types';
import {
  defaultExpected,
  defaultOutput,
  describeValue,
  nameOption,
  normalisationOption,
  normalise,
  TRIM_ONLY,
  optionsObject,
  quote,
  selectorOption,
  textOf,
  unusable,
  verdict,
} from './shared';
import type { BaseEvaluatorOptions, ReferenceOptions, TextNormalisationOptions } from './shared';

/** Options of {@link exactMatch}. Normalisation defaults: `trim` on, the others off. */
export interface ExactMatchOptions
  extends BaseEvaluatorOptions, ReferenceOptions, TextNormalisationOptions {}

const WHERE = 'exactMatch()';

/**
 * Whether the output equals the expected value: score 1 and `passed` when it does, else 0.
 *
 * Text (strings, numbers, booleans) is compared after normalisation (by default only
 * surrounding white space is ignored); other values (objects, arrays) are compared
 * structurally, like `util.isDeepStrictEqual`. Default name `exact_match`.
 */
export function exactMatch(options?: ExactMatchOptions): Evaluator {
  const o = optionsObject(WHERE, options);
  const name = nameOption(WHERE, o.name, 'exact_match');
  const getOutput = selectorOption(WHERE, 'getOutput', o.getOutput, defaultOutput);
  const getExpected = selectorOption(WHERE, 'getExpected', o.getExpected, defaultExpected);
  const how = normalisationOption(WHERE, o, TRIM_ONLY);
  return {
    name,
    evaluate(args) {
      const output = getOutput(args);
      const expected = getExpected(args);
      if (expected === undefined) return unusable('no expected value to compare with', true);
      const outputText = textOf(output);
      const expectedText = textOf(expected);
      if (outputText !== undefined && expectedText !== undefined) {
        const equal = normalise(outputText, how) === normalise(expectedText, how);
        return equal
          ? verdict(1, true)
          : verdict(0, false, `expected ${quote(expectedText)}, got ${quote(outputText)}`);
      }
      if (isDeepStrictEqual(output, expected)) return verdict(1, true);
      return verdict(
        0,
        false,
        outputText === undefined && expectedText !== undefined
          ? `the output is ${describeValue(output)}, expected text ${quote(expectedText)}`
          : `expected ${quote(expected)}, got ${quote(output)}`,
      );
    },
  };
}
