import { describe, expect, it } from 'vitest';
import { EvaluationInvalidOptionError } from '../../../src/base/errors';
import {
  cosineSimilarity,
  costBudget,
  latencyBudget,
  semanticSimilarity,
} from '../../../src/evaluation/evaluators';
import { run } from './evaluator-args';

/** A toy embedding: fixed vectors per text, and a count of calls per text. */
function table(vectors: Record<string, readonly number[]>) {
  const calls = new Map<string, number>();
  const embed = async (text: string): Promise<readonly number[]> => {
    calls.set(text, (calls.get(text) ?? 0) + 1);
    const vector = vectors[text];
    if (vector === undefined) throw new Error(`no vector for ${text}`);
    return vector;
  };
  return { embed, calls };
}

describe('semanticSimilarity', () => {
  it('is the cosine of the two embeddings (hand-computed)', async () => {
    // [1, 0] . [1, 1] = 1; |[1, 0]| = 1, |[1, 1]| = sqrt(2): cos = 1/sqrt(2).
    expect(cosineSimilarity([1, 0], [1, 1])).toBeCloseTo(Math.SQRT1_2, 15);
    // [1, 2, 3] . [4, 5, 6] = 32; |a| = sqrt(14), |b| = sqrt(77): 32 / sqrt(1078).
    expect(cosineSimilarity([1, 2, 3], [4, 5, 6])).toBeCloseTo(32 / Math.sqrt(1078), 15);
    const { embed } = table({ cat: [1, 0], kitten: [1, 1] });
    const e = semanticSimilarity({ embed, threshold: 0.7 });
    expect(e.name).toBe('semantic_similarity');
    const verdict = await e.evaluate(run({ output: 'cat', expected: 'kitten' }));
    expect(verdict.score).toBeCloseTo(Math.SQRT1_2, 15);
    expect(verdict).toMatchObject({ passed: true, label: 'pass', explanation: 'cosine 0.7071' });
  });

  it('clamps a negative cosine to 0 and keeps the raw value in the explanation', async () => {
    const { embed } = table({ up: [0, 1], down: [0, -1] });
    const verdict = await semanticSimilarity({ embed }).evaluate(
      run({ output: 'up', expected: 'down' }),
    );
    expect(verdict).toEqual({ score: 0, explanation: 'cosine -1.0000' });
  });

  it('embeds each reference once across trials, the output every time', async () => {
    const { embed, calls } = table({ a: [1, 0], b: [0.6, 0.8] });
    const e = semanticSimilarity({ embed });
    for (let trial = 0; trial < 3; trial++) {
      expect((await e.evaluate(run({ output: 'a', expected: 'b' }))).score).toBeCloseTo(0.6, 15);
    }
    expect(calls.get('b')).toBe(1);
    expect(calls.get('a')).toBe(3);
    const uncached = table({ a: [1, 0], b: [0.6, 0.8] });
    const e2 = semanticSimilarity({ embed: uncached.embed, cacheSize: 0 });
    await e2.evaluate(run({ output: 'a', expected: 'b' }));
    await e2.evaluate(run({ output: 'a', expected: 'b' }));
    expect(uncached.calls.get('b')).toBe(2);
  });

  it('scores bad vectors 0 with the reason; a failing embed fails the evaluation', async () => {
    const { embed } = table({
      two: [1, 0],
      three: [1, 0, 0],
      zero: [0, 0],
      nan: [Number.NaN, 1],
    });
    const e = semanticSimilarity({ embed, threshold: 0.5 });
    expect(await e.evaluate(run({ output: 'two', expected: 'three' }))).toMatchObject({
      score: 0,
      passed: false,
      explanation: 'the embeddings differ in length (2 and 3)',
    });
    expect((await e.evaluate(run({ output: 'two', expected: 'zero' }))).explanation).toBe(
      'an embedding is all zeros',
    );
    expect((await e.evaluate(run({ output: 'nan', expected: 'two' }))).explanation).toBe(
      'the embedding of the output has a non-number at index 0',
    );
    expect((await e.evaluate(run({ output: { x: 1 }, expected: 'two' }))).explanation).toBe(
      'the output is an object, not text',
    );
    await expect(e.evaluate(run({ output: 'unknown', expected: 'two' }))).rejects.toThrow(
      'no vector for unknown',
    );
  });

  it('refuses a missing embed function', () => {
    expect(() => semanticSimilarity({} as never)).toThrow(EvaluationInvalidOptionError);
    expect(() => semanticSimilarity({ embed: () => [1], cacheSize: -1 })).toThrow(
      EvaluationInvalidOptionError,
    );
  });
});

describe('latencyBudget and costBudget', () => {
  it('latency: 1 and passed within the budget, budget/actual beyond it', async () => {
    const e = latencyBudget({ maxMs: 200 });
    expect(e.name).toBe('latency_budget');
    expect(await e.evaluate(run({ latencyMs: 200 }))).toEqual({
      score: 1,
      passed: true,
      label: 'pass',
      explanation: '200.0 ms against a budget of 200.0 ms',
    });
    // 400 ms against 200: twice over, 200/400 = 0.5.
    expect(await e.evaluate(run({ latencyMs: 400 }))).toMatchObject({ score: 0.5, passed: false });
    expect(await e.evaluate(run({ latencyMs: Number.NaN }))).toMatchObject({
      score: 0,
      passed: false,
      explanation: 'no latency was measured',
    });
  });

  it('cost: graded the same way; an unknown cost is neither pass nor fail', async () => {
    const e = costBudget({ maxUsd: 0.002, name: 'cheap' });
    expect(e.name).toBe('cheap');
    expect(await e.evaluate(run({ costUsd: 0.001 }))).toMatchObject({ score: 1, passed: true });
    // 0.008 against 0.002: 0.002/0.008 = 0.25.
    expect((await e.evaluate(run({ costUsd: 0.008 }))).score).toBeCloseTo(0.25, 15);
    expect(await e.evaluate(run({}))).toEqual({
      label: 'unknown',
      explanation: 'the cost of this item run is not known',
    });
  });

  it('refuses a negative or missing budget', () => {
    expect(() => latencyBudget({ maxMs: -1 })).toThrow(EvaluationInvalidOptionError);
    expect(() => costBudget({} as never)).toThrow(EvaluationInvalidOptionError);
  });
});
