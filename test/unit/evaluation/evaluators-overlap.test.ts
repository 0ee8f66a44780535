/**
 * ROUGE-L and BLEU against values computed by hand (each comment shows the computation), so a
 * change in tokenisation, clipping, smoothing or the brevity penalty cannot pass unnoticed.
 */
import { describe, expect, it } from 'vitest';
import {
  bleu,
  bleuParts,
  lcsLength,
  rougeL,
  rougeLParts,
  wordTokens,
} from '../../../src/evaluation/evaluators';
import { EvaluationInvalidOptionError } from '../../../src/base/errors';
import { run } from './evaluator-args';

const REF = 'the cat is on the mat';

describe('the default tokeniser', () => {
  it('keeps lower-cased runs of letters, marks and digits, and drops the rest', () => {
    expect(wordTokens("Don't stop, Zoë — 42 times!")).toEqual([
      'don',
      't',
      'stop',
      'zoë',
      '42',
      'times',
    ]);
    expect(wordTokens('The Cat', false)).toEqual(['The', 'Cat']);
    expect(wordTokens(' ,; ')).toEqual([]);
  });
});

describe('ROUGE-L', () => {
  it('F1 of the LCS (hand-computed)', async () => {
    // candidate: the cat lay on the red mat (7 tokens); reference: the cat sat on the mat (6).
    // LCS = the cat on the mat = 5. P = 5/7, R = 5/6.
    // F1 = 2PR / (P + R) = (50/42) / (65/42) = 50/65 = 10/13.
    const candidate = wordTokens('the cat lay on the red mat');
    const reference = wordTokens('the cat sat on the mat');
    expect(lcsLength(candidate, reference)).toBe(5);
    const parts = rougeLParts(candidate, reference);
    expect(parts.precision).toBeCloseTo(5 / 7, 12);
    expect(parts.recall).toBeCloseTo(5 / 6, 12);
    expect(parts.f).toBeCloseTo(10 / 13, 12);
    const verdict = await rougeL().evaluate(
      run({ output: 'The cat lay on the red mat.', expected: 'The cat sat on the mat.' }),
    );
    expect(verdict.score).toBeCloseTo(10 / 13, 12);
    expect(verdict.explanation).toBe('LCS 5 of 7 output and 6 reference tokens: P 0.714, R 0.833');
  });

  it('beta weighs recall (hand-computed)', () => {
    // Same P = 5/7, R = 5/6, beta = 2: F = (1 + 4)PR / (R + 4P)
    //   = 5 * (25/42) / (5/6 + 20/7) = (125/42) / (155/42) = 125/155 = 25/31.
    const parts = rougeLParts(
      wordTokens('the cat lay on the red mat'),
      wordTokens('the cat sat on the mat'),
      2,
    );
    expect(parts.f).toBeCloseTo(25 / 31, 12);
  });

  it('word order counts (hand-computed)', () => {
    // reference: the cat sat on the mat; candidate: the same words reversed,
    // mat the on sat cat the. The two "the" frame at most one word in both orders
    // (cat, sat, on appear reversed), so LCS = 3 (e.g. the on the). P = R = 3/6: F = 0.5.
    const parts = rougeLParts(
      wordTokens('mat the on sat cat the'),
      wordTokens('the cat sat on the mat'),
    );
    expect(parts.lcs).toBe(3);
    expect(parts.f).toBe(0.5);
  });

  it('edge cases: identical 1, disjoint 0, both empty 1, one empty 0', () => {
    expect(rougeLParts(['a', 'b'], ['a', 'b']).f).toBe(1);
    expect(rougeLParts(['a'], ['b']).f).toBe(0);
    expect(rougeLParts([], []).f).toBe(1);
    expect(rougeLParts([], ['a']).f).toBe(0);
  });

  it('takes the best of several references, and passes at the threshold', async () => {
    const e = rougeL({ threshold: 0.9 });
    const verdict = await e.evaluate(
      run({ output: 'blue sky', expected: ['red sea', 'Blue sky!'] }),
    );
    expect(verdict).toMatchObject({ score: 1, passed: true, label: 'pass' });
    expect(
      (await e.evaluate(run({ output: 'blue', expected: ['red sea', 'blue sky'] }))).score,
    ).toBeCloseTo(
      // blue vs blue sky: LCS 1, P = 1, R = 1/2, F1 = 2/3.
      2 / 3,
      12,
    );
  });

  it('uses a custom tokeniser and cuts at maxTokens', async () => {
    const chars = rougeL({ tokenize: (text) => [...text] });
    // abcd vs acbd by characters: LCS 3 (a b d or a c d); P = R = 3/4: F = 0.75.
    expect((await chars.evaluate(run({ output: 'abcd', expected: 'acbd' }))).score).toBe(0.75);
    const short = rougeL({ maxTokens: 2 });
    const verdict = await short.evaluate(run({ output: 'a b c', expected: 'a b d' }));
    expect(verdict.score).toBe(1);
    expect(verdict.explanation).toMatch(/texts cut to 2 tokens$/);
  });

  it('scores bad data 0 and refuses a bad beta', async () => {
    const e = rougeL({ threshold: 0.5 });
    expect(await e.evaluate(run({ output: 'x', expected: ['a', 3, {}] }))).toMatchObject({
      score: 0,
      passed: false,
      explanation: 'a reference in the list is an object, not text',
    });
    expect((await e.evaluate(run({ output: undefined, expected: 'a' }))).explanation).toBe(
      'the output is undefined, not text',
    );
    expect(() => rougeL({ beta: 0 })).toThrow(EvaluationInvalidOptionError);
  });
});

describe('BLEU', () => {
  // candidate: the cat sat on the mat; reference: the cat is on the mat (both 6 tokens).
  //   1-grams: the x2, cat, sat, on, mat vs the x2, cat, is, on, mat: clipped 5 of 6.
  //   2-grams: the cat, cat sat, sat on, on the, the mat: matched the cat, on the, the mat: 3/5.
  //   3-grams: the cat sat, cat sat on, sat on the, on the mat: matched on the mat: 1/4.
  //   4-grams: the cat sat on, cat sat on the, sat on the mat: none: 0/3.
  //   BP: c = r = 6, exp(1 - 6/6) = 1.
  const SAT = 'the cat sat on the mat';

  it('counts clipped n-grams and the brevity penalty (hand-computed)', () => {
    const parts = bleuParts(wordTokens(SAT), [wordTokens(REF)], { smoothing: 'none' });
    expect(parts.matches).toEqual([5, 3, 1, 0]);
    expect(parts.totals).toEqual([6, 5, 4, 3]);
    expect(parts.brevityPenalty).toBe(1);
    // Unsmoothed, one order without a match zeroes the geometric mean.
    expect(parts.score).toBe(0);
  });

  it('add-one smoothing (default, Lin & Och) (hand-computed)', async () => {
    // p1 = 5/6 (unigrams unsmoothed), p2 = (3+1)/(5+1) = 2/3, p3 = (1+1)/(4+1) = 2/5,
    // p4 = (0+1)/(3+1) = 1/4. Product = 5/6 * 2/3 * 2/5 * 1/4 = 20/360 = 1/18.
    // BLEU = BP * (1/18)^(1/4) = 18^(-1/4) ~ 0.48549.
    const expected = Math.pow(18, -0.25);
    expect(bleuParts(wordTokens(SAT), [wordTokens(REF)]).score).toBeCloseTo(expected, 12);
    const verdict = await bleu().evaluate(
      run({ output: 'The cat sat on the mat.', expected: REF }),
    );
    expect(verdict.score).toBeCloseTo(expected, 12);
    expect(verdict.score).toBeCloseTo(0.48549, 5);
    expect(verdict.explanation).toBe(
      'matches 5/6 3/5 1/4 0/3; brevity penalty 1.000 (output 6, reference 6 tokens)',
    );
  });

  it('epsilon smoothing (Chen & Cherry method 1) (hand-computed)', () => {
    // p1 = 5/6, p2 = 3/5, p3 = 1/4, p4 = 0.1/3. Product = 1/2 * 1/4 * 1/30 = 1/240.
    // BLEU = 240^(-1/4) ~ 0.25407.
    const parts = bleuParts(wordTokens(SAT), [wordTokens(REF)], { smoothing: 'epsilon' });
    expect(parts.score).toBeCloseTo(Math.pow(240, -0.25), 12);
  });

  it('brevity penalty for a short candidate (hand-computed)', () => {
    // candidate: the cat on the mat (5); reference: the cat is on the mat (6).
    //   1-grams: 5/5. 2-grams: the cat, cat on, on the, the mat: 3/4.
    //   3-grams: the cat on, cat on the, on the mat: 1/3. 4-grams: 0/2.
    //   BP = exp(1 - 6/5) = exp(-0.2).
    //   add-one: p = 1, (3+1)/(4+1) = 4/5, (1+1)/(3+1) = 1/2, (0+1)/(2+1) = 1/3: product 2/15.
    //   BLEU = exp(-0.2) * (2/15)^(1/4) ~ 0.49474.
    const parts = bleuParts(wordTokens('the cat on the mat'), [wordTokens(REF)]);
    expect(parts.matches).toEqual([5, 3, 1, 0]);
    expect(parts.totals).toEqual([5, 4, 3, 2]);
    expect(parts.brevityPenalty).toBeCloseTo(Math.exp(-0.2), 15);
    expect(parts.score).toBeCloseTo(Math.exp(-0.2) * Math.pow(2 / 15, 0.25), 12);
  });

  it('several references: clip by the most in any one, closest length (shorter on a tie)', () => {
    // candidate: the the the (3). Reference 1 has "the" twice, reference 2 once: clip at 2.
    // Reference lengths 4 and 2 are both 1 away from 3: the shorter, 2, is used, so c > r: BP 1.
    const parts = bleuParts(
      ['the', 'the', 'the'],
      [
        ['the', 'cat', 'the', 'mat'],
        ['the', 'end'],
      ],
      { smoothing: 'none', maxOrder: 1 },
    );
    expect(parts.matches).toEqual([2]);
    expect(parts.referenceLength).toBe(2);
    expect(parts.brevityPenalty).toBe(1);
    expect(parts.score).toBeCloseTo(2 / 3, 12);
  });

  it('identical texts score 1 (even one word, thanks to smoothing); disjoint ones 0', async () => {
    const e = bleu({ threshold: 0.99 });
    expect(await e.evaluate(run({ output: 'Paris', expected: 'paris' }))).toMatchObject({
      score: 1,
      passed: true,
    });
    expect((await e.evaluate(run({ output: SAT, expected: SAT }))).score).toBe(1);
    expect((await e.evaluate(run({ output: 'red fox', expected: SAT }))).score).toBe(0);
    expect((await e.evaluate(run({ output: '...', expected: '' }))).score).toBe(1);
    expect(await e.evaluate(run({ output: '...', expected: 'a' }))).toMatchObject({
      score: 0,
      passed: false,
      explanation: 'the output has no tokens',
    });
  });

  it('refuses bad options', () => {
    expect(() => bleu({ maxOrder: 0 })).toThrow(EvaluationInvalidOptionError);
    expect(() => bleu({ smoothing: 'floor' as 'none' })).toThrow(EvaluationInvalidOptionError);
    expect(() => bleu({ epsilon: 0 })).toThrow(EvaluationInvalidOptionError);
  });
});
