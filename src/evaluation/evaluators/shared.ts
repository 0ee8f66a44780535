/**
 * What the built-in evaluators share: their common options, how they read the value under test
 * and its reference out of an item run, text normalisation, option checks, and the shape of
 * their verdicts. Bad data never throws here: it becomes a score of 0 with an explanation.
 */
import { EvaluationInvalidOptionError } from '../../base/errors';
import { cut, safeString, safeStringify } from '../../base/text';
import type { EvaluationScore, EvaluatorInput } from '../types';

/** Bound of an explanation built from data (values, error lists, judge replies). */
export const MAX_EXPLANATION = 1000;
/** Bound of a value quoted inside an explanation. */
const MAX_QUOTED = 80;

/** Picks a value out of one item run. */
export type FieldSelector = (args: EvaluatorInput) => unknown;

/** Options every built-in evaluator takes. */
export interface BaseEvaluatorOptions {
  /** The evaluator's name (the score's key and `gen_ai.evaluation.name`). Default: per evaluator. */
  readonly name?: string;
  /** What is evaluated. Default: the task's output, `args.output`. */
  readonly getOutput?: FieldSelector;
}

/** Options of the evaluators that compare the output with a reference. */
export interface ReferenceOptions {
  /** What the output is compared with. Default: the item's `expected`. */
  readonly getExpected?: FieldSelector;
}

/** Options of the evaluators that give a graded score and can also say pass or fail. */
export interface ThresholdOptions {
  /** When set, `passed` is `score >= threshold` (0..1). Default: no `passed`. */
  readonly threshold?: number;
}

/** How text is normalised before it is compared (each evaluator states its defaults). */
export interface TextNormalisationOptions {
  /** Compare without regard to case (`toLowerCase`, after Unicode NFC normalisation). */
  readonly ignoreCase?: boolean;
  /** Remove leading and trailing white space. */
  readonly trim?: boolean;
  /** Replace every run of white space by one space. */
  readonly collapseWhitespace?: boolean;
}

/** Resolved normalisation: every flag decided. */
export type Normalisation = Required<TextNormalisationOptions>;

/** Normalisation defaults: only surrounding white space ignored. */
export const TRIM_ONLY: Normalisation = {
  trim: true,
  ignoreCase: false,
  collapseWhitespace: false,
};
/** Normalisation defaults: text compared as it is. */
export const AS_IS: Normalisation = { trim: false, ignoreCase: false, collapseWhitespace: false };

export function resolveNormalisation(
  options: TextNormalisationOptions,
  defaults: Normalisation,
): Normalisation {
  return {
    ignoreCase: options.ignoreCase ?? defaults.ignoreCase,
    trim: options.trim ?? defaults.trim,
    collapseWhitespace: options.collapseWhitespace ?? defaults.collapseWhitespace,
  };
}

const WHITESPACE_RUN = /\s+/g;

export function normalise(text: string, how: Normalisation): string {
  let out = text;
  if (how.collapseWhitespace) out = out.replace(WHITESPACE_RUN, ' ');
  if (how.trim) out = out.trim();
  if (how.ignoreCase) out = out.normalize('NFC').toLowerCase();
  return out;
}

export const defaultOutput: FieldSelector = (args) => args.output;
export const defaultExpected: FieldSelector = (args) => args.expected;

/**
 * A value as text: strings as they are, numbers, booleans and BigInts by `String`; anything
 * else (objects, `null`, `undefined`) is not text and gives `undefined`.
 */
export function textOf(value: unknown): string | undefined {
  switch (typeof value) {
    case 'string':
      return value;
    case 'number':
    case 'boolean':
    case 'bigint':
      return String(value);
    default:
      return undefined;
  }
}

/** What a value is, for an explanation: `an object`, `undefined`, `the number NaN`… */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'function') return 'a function';
  return `${typeof value} ${cut(safeString(value), MAX_QUOTED)}`;
}

/** A value quoted for an explanation, bounded. */
export function quote(value: unknown): string {
  return typeof value === 'string'
    ? JSON.stringify(cut(value, MAX_QUOTED))
    : safeStringify(value, { maxLength: MAX_QUOTED });
}

/** `pass`/`fail` labels go with `passed`, so a backend that shows labels shows the verdict. */
export function verdict(
  score: number,
  passed: boolean | undefined,
  explanation?: string,
): EvaluationScore {
  const result: { score: number; passed?: boolean; label?: string; explanation?: string } = {
    score,
  };
  if (passed !== undefined) {
    result.passed = passed;
    result.label = passed ? 'pass' : 'fail';
  }
  if (explanation !== undefined) result.explanation = cut(explanation, MAX_EXPLANATION);
  return result;
}

/**
 * The verdict on data the evaluator cannot judge (an object where text was expected, no
 * reference): score 0, failed when the evaluator says pass or fail, and why.
 */
export function unusable(explanation: string, givesPassed: boolean): EvaluationScore {
  return verdict(0, givesPassed ? false : undefined, explanation);
}

/** `passed` of a graded score: `undefined` without a threshold. */
export function passedAt(score: number, threshold: number | undefined): boolean | undefined {
  return threshold === undefined ? undefined : score >= threshold;
}

/** Throws {@link EvaluationInvalidOptionError}: bad options are the caller's bug, found at once. */
export function invalidOption(
  where: string,
  option: string,
  expected: string,
  cause?: unknown,
): never {
  throw new EvaluationInvalidOptionError(where, option, expected, cause);
}

/** The evaluator's name: the option, checked, or the default. */
export function nameOption(where: string, name: unknown, fallback: string): string {
  if (name === undefined) return fallback;
  if (typeof name !== 'string' || name.trim() === '') {
    invalidOption(where, 'name', 'a non-empty string');
  }
  return name;
}

/** A threshold in 0..1, or `undefined`. */
export function thresholdOption(where: string, threshold: unknown): number | undefined {
  if (threshold === undefined) return undefined;
  if (typeof threshold !== 'number' || !(threshold >= 0 && threshold <= 1)) {
    invalidOption(where, 'threshold', 'a number from 0 to 1');
  }
  return threshold;
}

/** A selector function, or the default. */
export function selectorOption(
  where: string,
  option: string,
  selector: unknown,
  fallback: FieldSelector,
): FieldSelector {
  if (selector === undefined) return fallback;
  if (typeof selector !== 'function') invalidOption(where, option, 'a function (args) => value');
  return selector as FieldSelector;
}

/** A boolean option, or `undefined`. */
export function booleanOption(where: string, option: string, value: unknown): boolean | undefined {
  if (value !== undefined && typeof value !== 'boolean') {
    invalidOption(where, option, 'true or false');
  }
  return value;
}

/** Checks the normalisation flags of `options`. */
export function normalisationOption(
  where: string,
  options: TextNormalisationOptions,
  defaults: Normalisation,
): Normalisation {
  booleanOption(where, 'ignoreCase', options.ignoreCase);
  booleanOption(where, 'trim', options.trim);
  booleanOption(where, 'collapseWhitespace', options.collapseWhitespace);
  return resolveNormalisation(options, defaults);
}

/** The options object itself: `undefined` is none; anything but an object is a mistake. */
export function optionsObject<T extends object>(where: string, options: T | undefined): T {
  if (options === undefined) return {} as T;
  if (options === null || typeof options !== 'object') {
    invalidOption(where, 'options', 'an options object');
  }
  return options;
}

/** What the evaluators that compare an output with a reference resolve alike. */
export interface ComparingSettings {
  readonly name: string;
  readonly getOutput: FieldSelector;
  readonly getExpected: FieldSelector;
  readonly threshold: number | undefined;
  /** Whether verdicts carry `passed` (a threshold is set). */
  readonly givesPassed: boolean;
}

/** Checks and resolves the name, the selectors and the threshold. */
export function comparingSettings(
  where: string,
  options: BaseEvaluatorOptions & ReferenceOptions & ThresholdOptions,
  defaultName: string,
): ComparingSettings {
  const threshold = thresholdOption(where, options.threshold);
  return {
    name: nameOption(where, options.name, defaultName),
    getOutput: selectorOption(where, 'getOutput', options.getOutput, defaultOutput),
    getExpected: selectorOption(where, 'getExpected', options.getExpected, defaultExpected),
    threshold,
    givesPassed: threshold !== undefined,
  };
}

/** `value` as text, or the verdict saying it is not text (`what`: `output`, `expected value`). */
export function textOrVerdict(
  value: unknown,
  what: string,
  givesPassed: boolean,
): string | EvaluationScore {
  const text = textOf(value);
  return text ?? unusable(`the ${what} is ${describeValue(value)}, not text`, givesPassed);
}
