import type { Evaluator } from '../types';
import {
  booleanOption,
  comparingSettings,
  invalidOption,
  optionsObject,
  passedAt,
  textOrVerdict,
  unusable,
  verdict,
} from './shared';
import type { BaseEvaluatorOptions, ReferenceOptions, ThresholdOptions } from './shared';
import { referenceTexts } from './reference-texts';
import { wordTokens } from './tokenize';
import type { Tokenizer } from './tokenize';

/** Options of {@link rougeL}. */
export interface RougeLOptions extends BaseEvaluatorOptions, ReferenceOptions, ThresholdOptions {
  /**
   * Weight of recall against precision in the F-measure: `beta > 1` favours recall. Default 1
   * (the harmonic mean of precision and recall).
   */
  readonly beta?: number;
  /** Lower-case before the default tokeniser splits. Default `true`. */
  readonly ignoreCase?: boolean;
  /** Replaces the default tokeniser (words; see `tokenize.ts`); `ignoreCase` is then yours. */
  readonly tokenize?: Tokenizer;
  /**
   * Each text is cut to this many tokens (the LCS costs time proportional to the product of the
   * two lengths; the explanation says when it cut). Default 10,000.
   */
  readonly maxTokens?: number;
}

/** The parts of one ROUGE-L computation. */
export interface RougeLParts {
  /** Length of the longest common subsequence of the two token lists. */
  readonly lcs: number;
  /** `lcs / candidate length`. */
  readonly precision: number;
  /** `lcs / reference length`. */
  readonly recall: number;
  /** `(1 + β²)·P·R / (R + β²·P)`; 0 when `lcs` is 0; 1 when both lists are empty. */
  readonly f: number;
}

/** Length of the longest common subsequence of two token lists (dynamic programming, 2 rows). */
export function lcsLength(a: readonly string[], b: readonly string[]): number {
  if (a.length === 0 || b.length === 0) return 0;
  // Tokens become small integers once, so the inner loop compares numbers.
  const ids = new Map<string, number>();
  const idOf = (token: string): number => {
    let id = ids.get(token);
    if (id === undefined) {
      id = ids.size;
      ids.set(token, id);
    }
    return id;
  };
  const x = Int32Array.from(a, idOf);
  const y = Int32Array.from(b, idOf);
  let previous = new Int32Array(y.length + 1);
  let current = new Int32Array(y.length + 1);
  for (let i = 1; i <= x.length; i++) {
    const xi = x[i - 1];
    for (let j = 1; j <= y.length; j++) {
      current[j] =
        xi === y[j - 1]
          ? (previous[j - 1] as number) + 1
          : Math.max(previous[j] as number, current[j - 1] as number);
    }
    [previous, current] = [current, previous];
  }
  return previous[y.length] as number;
}

/** ROUGE-L of a candidate against one reference, both already tokenised. */
export function rougeLParts(
  candidate: readonly string[],
  reference: readonly string[],
  beta = 1,
): RougeLParts {
  if (candidate.length === 0 && reference.length === 0) {
    return { lcs: 0, precision: 1, recall: 1, f: 1 };
  }
  const lcs = lcsLength(candidate, reference);
  const precision = candidate.length === 0 ? 0 : lcs / candidate.length;
  const recall = reference.length === 0 ? 0 : lcs / reference.length;
  const b2 = beta * beta;
  const f = lcs === 0 ? 0 : ((1 + b2) * precision * recall) / (recall + b2 * precision);
  return { lcs, precision, recall, f };
}

const WHERE = 'rougeL()';

/**
 * ROUGE-L (Lin, 2004), sentence level: the F-measure of precision and recall of the longest
 * common subsequence of the output's and the reference's tokens. Word order counts, gaps do not.
 * With several references (a list as `expected`), the best F wins. Default name `rouge_l`.
 */
export function rougeL(options?: RougeLOptions): Evaluator {
  const o = optionsObject(WHERE, options);
  const { name, getOutput, getExpected, threshold, givesPassed } = comparingSettings(
    WHERE,
    o,
    'rouge_l',
  );
  const beta = o.beta ?? 1;
  if (typeof beta !== 'number' || !(beta > 0) || !Number.isFinite(beta)) {
    invalidOption(WHERE, 'beta', 'a finite number greater than 0');
  }
  const ignoreCase = booleanOption(WHERE, 'ignoreCase', o.ignoreCase) ?? true;
  if (o.tokenize !== undefined && typeof o.tokenize !== 'function') {
    invalidOption(WHERE, 'tokenize', 'a function (text) => string[]');
  }
  const tokenize: Tokenizer = o.tokenize ?? ((text) => wordTokens(text, ignoreCase));
  const maxTokens = o.maxTokens ?? 10_000;
  if (!Number.isInteger(maxTokens) || maxTokens < 1) {
    invalidOption(WHERE, 'maxTokens', 'a positive integer');
  }
  return {
    name,
    evaluate(args) {
      const references = referenceTexts(getExpected(args));
      if ('problem' in references) return unusable(references.problem, givesPassed);
      const outputText = textOrVerdict(getOutput(args), 'output', givesPassed);
      if (typeof outputText !== 'string') return outputText;
      let cutNote = '';
      const tokens = (text: string): readonly string[] => {
        const all = tokenize(text);
        if (all.length <= maxTokens) return all;
        cutNote = `; texts cut to ${maxTokens} tokens`;
        return all.slice(0, maxTokens);
      };
      const candidate = tokens(outputText);
      let best: RougeLParts | undefined;
      let bestLength = 0;
      for (const text of references.texts) {
        const reference = tokens(text);
        const parts = rougeLParts(candidate, reference, beta);
        if (best === undefined || parts.f > best.f) {
          best = parts;
          bestLength = reference.length;
        }
      }
      const parts = best as RougeLParts;
      return verdict(
        parts.f,
        passedAt(parts.f, threshold),
        `LCS ${parts.lcs} of ${candidate.length} output and ${bestLength} reference tokens: ` +
          `P ${parts.precision.toFixed(3)}, R ${parts.recall.toFixed(3)}${cutNote}`,
      );
    },
  };
}
