/* eslint-disable @typescript-eslint/no-require-imports -- fastest-levenshtein is required on the
   first evaluation, so `--require sprintlens/register` never loads it. */
import type { Evaluator } from '../types';
import {
  comparingSettings,
  normalisationOption,
  normalise,
  TRIM_ONLY,
  optionsObject,
  passedAt,
  textOrVerdict,
  verdict,
} from './shared';
import type {
  BaseEvaluatorOptions,
  ReferenceOptions,
  TextNormalisationOptions,
  ThresholdOptions,
} from './shared';

/** Options of {@link editDistance}. Normalisation defaults: `trim` on, the others off. */
export interface EditDistanceOptions
  extends BaseEvaluatorOptions, ReferenceOptions, TextNormalisationOptions, ThresholdOptions {}

type Levenshtein = typeof import('fastest-levenshtein');
let levenshtein: Levenshtein | undefined;

/** The Levenshtein distance of two strings, in UTF-16 code units. */
export function levenshteinDistance(a: string, b: string): number {
  levenshtein ??= require('fastest-levenshtein') as Levenshtein;
  return levenshtein.distance(a, b);
}

/**
 * `1 - d / max(|a|, |b|)`, with `d` the Levenshtein distance (insertions, deletions and
 * substitutions, each costing 1) and lengths in UTF-16 code units; 1 when both are empty.
 */
export function editSimilarity(a: string, b: string): number {
  const longest = Math.max(a.length, b.length);
  if (longest === 0) return 1;
  return 1 - levenshteinDistance(a, b) / longest;
}

const WHERE = 'editDistance()';

/**
 * Normalised edit-distance similarity of the output to the expected text: 1 for equal text, 0
 * when nothing can be kept (see {@link editSimilarity}). With `threshold`, `passed` is
 * `score >= threshold`. Default name `edit_distance`.
 */
export function editDistance(options?: EditDistanceOptions): Evaluator {
  const o = optionsObject(WHERE, options);
  const { name, getOutput, getExpected, threshold, givesPassed } = comparingSettings(
    WHERE,
    o,
    'edit_distance',
  );
  const how = normalisationOption(WHERE, o, TRIM_ONLY);
  return {
    name,
    evaluate(args) {
      const expected = textOrVerdict(getExpected(args), 'expected value', givesPassed);
      if (typeof expected !== 'string') return expected;
      const output = textOrVerdict(getOutput(args), 'output', givesPassed);
      if (typeof output !== 'string') return output;
      const a = normalise(output, how);
      const b = normalise(expected, how);
      const distance = a === b ? 0 : levenshteinDistance(a, b);
      const longest = Math.max(a.length, b.length);
      const score = longest === 0 ? 1 : 1 - distance / longest;
      return verdict(
        score,
        passedAt(score, threshold),
        `distance ${distance} over ${longest} characters`,
      );
    },
  };
}
