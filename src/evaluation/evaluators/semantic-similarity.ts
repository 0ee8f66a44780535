import type { Evaluator } from '../types';
import {
  comparingSettings,
  describeValue,
  invalidOption,
  optionsObject,
  passedAt,
  textOrVerdict,
  unusable,
  verdict,
} from './shared';
import type { BaseEvaluatorOptions, ReferenceOptions, ThresholdOptions } from './shared';

/** Turns text into an embedding vector (any client: OpenAI, a local model…). */
export type EmbedFunction = (text: string) => Promise<readonly number[]> | readonly number[];

/** Options of {@link semanticSimilarity}. */
export interface SemanticSimilarityOptions
  extends BaseEvaluatorOptions, ReferenceOptions, ThresholdOptions {
  /** The embedding function. Its calls run inside the item's span, so they are traced too. */
  readonly embed: EmbedFunction;
  /**
   * How many reference embeddings are kept, so trials and repeated references are embedded
   * once (the output is embedded every time). 0 turns the cache off. Default 1000.
   */
  readonly cacheSize?: number;
}

/** Cosine similarity of two vectors; `undefined` when they differ in length or one is zero. */
export function cosineSimilarity(a: readonly number[], b: readonly number[]): number | undefined {
  if (a.length !== b.length || a.length === 0) return undefined;
  let dot = 0;
  let normA = 0;
  let normB = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as number;
    const y = b[i] as number;
    dot += x * y;
    normA += x * x;
    normB += y * y;
  }
  if (!(normA > 0 && normB > 0) || !Number.isFinite(dot)) return undefined;
  // Rounding can take it a hair past ±1.
  return Math.max(-1, Math.min(1, dot / Math.sqrt(normA * normB)));
}

function vectorProblem(vector: unknown, what: string): string | undefined {
  if (!Array.isArray(vector) && !ArrayBuffer.isView(vector)) {
    return `the embedding of the ${what} is ${describeValue(vector)}, not a list of numbers`;
  }
  const list = vector as ArrayLike<unknown>;
  for (let i = 0; i < list.length; i++) {
    const x = list[i];
    if (typeof x !== 'number' || !Number.isFinite(x)) {
      return `the embedding of the ${what} has a non-number at index ${i}`;
    }
  }
  return undefined;
}

const WHERE = 'semanticSimilarity()';

/**
 * Cosine similarity of the embeddings of the output and the expected text, clamped at 0 so the
 * score stays in 0..1 like every built-in (opposite directions are as unlike as unrelated
 * ones; the explanation keeps the raw cosine). With `threshold`, `passed` is
 * `score >= threshold`. If `embed` throws, the evaluation fails with that error (the runner
 * records it); a bad vector (wrong length, not numbers, all zeros) scores 0 with the reason.
 * Default name `semantic_similarity`.
 */
export function semanticSimilarity(options: SemanticSimilarityOptions): Evaluator {
  const o = optionsObject(WHERE, options);
  const { name, getOutput, getExpected, threshold, givesPassed } = comparingSettings(
    WHERE,
    o,
    'semantic_similarity',
  );
  if (typeof o.embed !== 'function') {
    invalidOption(WHERE, 'embed', 'a function (text) => Promise<number[]>');
  }
  const embed = o.embed;
  const cacheSize = o.cacheSize ?? 1000;
  if (!Number.isInteger(cacheSize) || cacheSize < 0) {
    invalidOption(WHERE, 'cacheSize', 'an integer of 0 or more');
  }
  // Insertion-ordered: the oldest entry goes first when the cache is full. A failed embedding
  // is not kept, so the next item tries again.
  const cache = new Map<string, Promise<readonly number[]>>();
  const embedReference = (text: string): Promise<readonly number[]> => {
    const cached = cache.get(text);
    if (cached !== undefined) return cached;
    const pending = Promise.resolve(embed(text));
    if (cacheSize > 0) {
      if (cache.size >= cacheSize) cache.delete(cache.keys().next().value as string);
      cache.set(text, pending);
      pending.catch(() => {
        if (cache.get(text) === pending) cache.delete(text);
      });
    }
    return pending;
  };
  return {
    name,
    async evaluate(args) {
      const expected = textOrVerdict(getExpected(args), 'expected value', givesPassed);
      if (typeof expected !== 'string') return expected;
      const output = textOrVerdict(getOutput(args), 'output', givesPassed);
      if (typeof output !== 'string') return output;
      const [a, b] = await Promise.all([embed(output), embedReference(expected)]);
      const problem = vectorProblem(a, 'output') ?? vectorProblem(b, 'expected text');
      if (problem !== undefined) return unusable(problem, givesPassed);
      const cosine = cosineSimilarity(a, b);
      if (cosine === undefined) {
        return unusable(
          a.length !== b.length
            ? `the embeddings differ in length (${a.length} and ${b.length})`
            : 'an embedding is all zeros',
          givesPassed,
        );
      }
      const score = Math.max(0, cosine);
      return verdict(score, passedAt(score, threshold), `cosine ${cosine.toFixed(4)}`);
    },
  };
}
