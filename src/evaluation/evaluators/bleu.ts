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

/**
 * How zero n-gram matches are kept from zeroing the geometric mean (Chen & Cherry, 2014):
 * - `add-one` (default): add 1 to the matched and the total counts of every order from 2 up
 *   (Lin & Och, 2004, "BLEU+1"; Chen & Cherry's method 2). Unigrams are not smoothed, so an
 *   output with no word of the reference still scores 0.
 * - `epsilon`: an order with no match counts `epsilon / total` instead of 0 (Chen & Cherry's
 *   method 1).
 * - `none`: plain BLEU (Papineni et al., 2002): 0 as soon as one order has no match.
 */
export type BleuSmoothing = 'add-one' | 'epsilon' | 'none';

/** Options of {@link bleu}. */
export interface BleuOptions extends BaseEvaluatorOptions, ReferenceOptions, ThresholdOptions {
  /** Longest n-gram, with uniform weights `1/maxOrder`. Default 4. */
  readonly maxOrder?: number;
  /** Default `add-one`; see {@link BleuSmoothing}. */
  readonly smoothing?: BleuSmoothing;
  /** The `epsilon` of `smoothing: 'epsilon'`. Default 0.1. */
  readonly epsilon?: number;
  /** Lower-case before the default tokeniser splits. Default `true`. */
  readonly ignoreCase?: boolean;
  /** Replaces the default tokeniser (words; see `tokenize.ts`); `ignoreCase` is then yours. */
  readonly tokenize?: Tokenizer;
}

/** The parts of one BLEU computation. */
export interface BleuParts {
  /** Clipped matches per order, index 0 for unigrams. */
  readonly matches: readonly number[];
  /** Candidate n-grams per order. */
  readonly totals: readonly number[];
  /** The precision used per order, after smoothing. */
  readonly precisions: readonly number[];
  /** `1` when the candidate is longer than the reference, else `exp(1 - r/c)`. */
  readonly brevityPenalty: number;
  readonly candidateLength: number;
  /** The reference length closest to the candidate's (the shorter on a tie). */
  readonly referenceLength: number;
  readonly score: number;
}

/**
 * The token lists as strings of one character per token (two past 65,536 distinct tokens): the
 * token's number among the distinct tokens of this computation. An n-gram is then a short
 * substring, cheap to cut and to hash, instead of joined words.
 */
function encode(lists: readonly (readonly string[])[]): { texts: string[]; width: number } {
  const ids = new Map<string, number>();
  for (const list of lists) for (const token of list) if (!ids.has(token)) ids.set(token, ids.size);
  const width = ids.size <= 0x10000 ? 1 : 2;
  const texts = lists.map((list) => {
    let text = '';
    for (const token of list) {
      const id = ids.get(token) as number;
      text +=
        width === 1
          ? String.fromCharCode(id)
          : String.fromCharCode(id >>> 16) + String.fromCharCode(id & 0xffff);
    }
    return text;
  });
  return { texts, width };
}

/** How many times each n-gram occurs in an encoded text. */
function ngramCounts(text: string, n: number, width: number): Map<string, number> {
  const counts = new Map<string, number>();
  const size = n * width;
  for (let at = 0; at + size <= text.length; at += width) {
    const key = text.slice(at, at + size);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

/**
 * Sentence BLEU of a candidate against one or more references, all tokenised. Matches are
 * clipped by the most times an n-gram occurs in any one reference.
 */
export function bleuParts(
  candidate: readonly string[],
  references: readonly (readonly string[])[],
  options: {
    readonly maxOrder?: number;
    readonly smoothing?: BleuSmoothing;
    readonly epsilon?: number;
  } = {},
): BleuParts {
  const maxOrder = options.maxOrder ?? 4;
  const smoothing = options.smoothing ?? 'add-one';
  const epsilon = options.epsilon ?? 0.1;
  const c = candidate.length;
  let r = references[0]?.length ?? 0;
  for (const reference of references) {
    const d = Math.abs(reference.length - c);
    const best = Math.abs(r - c);
    if (d < best || (d === best && reference.length < r)) r = reference.length;
  }
  const matches: number[] = [];
  const totals: number[] = [];
  const precisions: number[] = [];
  const {
    texts: [candidateText = '', ...referenceTexts],
    width,
  } = encode([candidate, ...references]);
  for (let n = 1; n <= maxOrder; n++) {
    const counts = ngramCounts(candidateText, n, width);
    const most = new Map<string, number>();
    for (const referenceText of referenceTexts) {
      for (const [key, count] of ngramCounts(referenceText, n, width)) {
        if (counts.has(key) && count > (most.get(key) ?? 0)) most.set(key, count);
      }
    }
    let matched = 0;
    for (const [key, count] of counts) matched += Math.min(count, most.get(key) ?? 0);
    const total = Math.max(0, c - n + 1);
    matches.push(matched);
    totals.push(total);
    if (smoothing === 'add-one' && n > 1) {
      precisions.push((matched + 1) / (total + 1));
    } else if (smoothing === 'epsilon' && matched === 0) {
      precisions.push(epsilon / Math.max(1, total));
    } else {
      precisions.push(total === 0 ? 0 : matched / total);
    }
  }
  const brevityPenalty = c === 0 ? 0 : c > r ? 1 : Math.exp(1 - r / c);
  let logSum = 0;
  for (const p of precisions) logSum += p > 0 ? Math.log(p) : -Infinity;
  const score = c === 0 ? 0 : brevityPenalty * Math.exp(logSum / maxOrder);
  return {
    matches,
    totals,
    precisions,
    brevityPenalty,
    candidateLength: c,
    referenceLength: r,
    score,
  };
}

const WHERE = 'bleu()';
const SMOOTHINGS: readonly string[] = ['add-one', 'epsilon', 'none'];

/**
 * Sentence-level BLEU of the output against the expected text (or a list of reference texts),
 * up to 4-grams by default, with the brevity penalty and add-one smoothing (see
 * {@link BleuSmoothing} for why a per-item score needs smoothing). 1 when the texts are the same
 * (and both non-empty, or both empty). Default name `bleu`.
 */
export function bleu(options?: BleuOptions): Evaluator {
  const o = optionsObject(WHERE, options);
  const { name, getOutput, getExpected, threshold, givesPassed } = comparingSettings(
    WHERE,
    o,
    'bleu',
  );
  const maxOrder = o.maxOrder ?? 4;
  if (!Number.isInteger(maxOrder) || maxOrder < 1 || maxOrder > 10) {
    invalidOption(WHERE, 'maxOrder', 'an integer from 1 to 10');
  }
  const smoothing = o.smoothing ?? 'add-one';
  if (!SMOOTHINGS.includes(smoothing)) {
    invalidOption(WHERE, 'smoothing', "'add-one', 'epsilon' or 'none'");
  }
  const epsilon = o.epsilon ?? 0.1;
  if (typeof epsilon !== 'number' || !(epsilon > 0 && epsilon <= 1)) {
    invalidOption(WHERE, 'epsilon', 'a number greater than 0, at most 1');
  }
  const ignoreCase = booleanOption(WHERE, 'ignoreCase', o.ignoreCase) ?? true;
  if (o.tokenize !== undefined && typeof o.tokenize !== 'function') {
    invalidOption(WHERE, 'tokenize', 'a function (text) => string[]');
  }
  const tokenize: Tokenizer = o.tokenize ?? ((text) => wordTokens(text, ignoreCase));
  return {
    name,
    evaluate(args) {
      const references = referenceTexts(getExpected(args));
      if ('problem' in references) return unusable(references.problem, givesPassed);
      const outputText = textOrVerdict(getOutput(args), 'output', givesPassed);
      if (typeof outputText !== 'string') return outputText;
      const candidate = tokenize(outputText);
      const referenceTokens = references.texts.map(tokenize);
      if (candidate.length === 0) {
        // Nothing to count: the same as the reference only when that is empty as well.
        const same = referenceTokens.some((tokens) => tokens.length === 0);
        return verdict(same ? 1 : 0, passedAt(same ? 1 : 0, threshold), 'the output has no tokens');
      }
      const parts = bleuParts(candidate, referenceTokens, { maxOrder, smoothing, epsilon });
      const orders = parts.matches.map((m, i) => `${m}/${parts.totals[i]}`).join(' ');
      return verdict(
        parts.score,
        passedAt(parts.score, threshold),
        `matches ${orders}; brevity penalty ${parts.brevityPenalty.toFixed(3)} ` +
          `(output ${parts.candidateLength}, reference ${parts.referenceLength} tokens)`,
      );
    },
  };
}
