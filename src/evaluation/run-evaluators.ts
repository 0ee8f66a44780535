/**
 * The evaluators of an experiment, each as a name and a function, and what calling one gives:
 * a verdict (score, label, explanation, passed) or an error, never an exception.
 */
import { EvaluationInvalidExperimentError } from '../base/errors';
import { cut, safeString } from '../base/text';
import type {
  EvaluationScore,
  Evaluator,
  EvaluatorFunction,
  EvaluatorInput,
  ItemScore,
} from './types';

/** An evaluator ready to call. */
export interface NamedEvaluator {
  readonly name: string;
  readonly evaluate: (args: EvaluatorInput) => unknown;
}

/** Longest evaluator error kept in the result (the message of what it threw). */
const MAX_ERROR_LENGTH = 500;
/** Longest explanation kept in the result (recordEvaluation bounds the event's own). */
const MAX_EXPLANATION_LENGTH = 4096;
const MAX_LABEL_LENGTH = 256;

/**
 * Names every evaluator: an {@link Evaluator}'s `name`, a function's `.name`, else
 * `evaluator_<n>` (1-based). Two evaluators of one name cannot both be scored: that is an
 * option error.
 */
export function namedEvaluators(
  evaluators: readonly unknown[] | undefined,
): readonly NamedEvaluator[] {
  if (evaluators === undefined) return [];
  if (!Array.isArray(evaluators)) {
    throw new EvaluationInvalidExperimentError('evaluators must be an array');
  }
  const named: NamedEvaluator[] = [];
  const names = new Set<string>();
  evaluators.forEach((candidate: unknown, index) => {
    let entry: NamedEvaluator;
    if (typeof candidate === 'function') {
      const fn = candidate as EvaluatorFunction;
      const name = fn.name === '' ? `evaluator_${index + 1}` : fn.name;
      entry = { name, evaluate: (args) => fn(args) };
    } else if (
      typeof candidate === 'object' &&
      candidate !== null &&
      typeof (candidate as Evaluator).evaluate === 'function' &&
      typeof (candidate as Evaluator).name === 'string' &&
      (candidate as Evaluator).name !== ''
    ) {
      const evaluator = candidate as Evaluator;
      entry = { name: evaluator.name, evaluate: (args) => evaluator.evaluate(args) };
    } else {
      throw new EvaluationInvalidExperimentError(
        `evaluators[${index}] is neither a function nor an object with a name and evaluate()`,
      );
    }
    if (names.has(entry.name)) {
      throw new EvaluationInvalidExperimentError(
        `two evaluators are named ${JSON.stringify(cut(entry.name, 80))}: give one another name`,
      );
    }
    names.add(entry.name);
    named.push(entry);
  });
  return named;
}

/** Calls `evaluator` and turns what it gives (or throws) into the result file's verdict. */
export async function evaluateOne(
  evaluator: NamedEvaluator,
  args: EvaluatorInput,
): Promise<ItemScore> {
  let value: unknown;
  try {
    value = await evaluator.evaluate(args);
  } catch (error) {
    return { error: errorText(error) };
  }
  return verdictOf(value);
}

/** A verdict from what an evaluator returned: a score object, a number or a boolean. */
export function verdictOf(value: unknown): ItemScore {
  if (typeof value === 'number') {
    return Number.isFinite(value)
      ? { score: value }
      : { error: 'returned a score that is not a finite number' };
  }
  if (typeof value === 'boolean') return { score: value ? 1 : 0, passed: value };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { error: 'returned neither a score object, a number nor a boolean' };
  }
  const given = value as EvaluationScore;
  const out: { -readonly [K in keyof ItemScore]: ItemScore[K] } = {};
  if (given.score !== undefined) {
    if (typeof given.score !== 'number' || !Number.isFinite(given.score)) {
      return { error: 'returned a score that is not a finite number' };
    }
    out.score = given.score;
  }
  if (typeof given.label === 'string') out.label = cut(given.label, MAX_LABEL_LENGTH);
  if (typeof given.explanation === 'string') {
    out.explanation = cut(given.explanation, MAX_EXPLANATION_LENGTH);
  }
  if (typeof given.passed === 'boolean') out.passed = given.passed;
  return out;
}

/** `Type: message`, bounded, never throwing. */
export function errorText(error: unknown): string {
  if (error instanceof Error) {
    return cut(`${safeString(error.name)}: ${safeString(error.message)}`, MAX_ERROR_LENGTH);
  }
  return cut(`thrown: ${safeString(error)}`, MAX_ERROR_LENGTH);
}
