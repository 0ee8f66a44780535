import { describe, expect, it } from 'vitest';
import { SprintlensError } from '../../../src/base/errors';
import {
  contains,
  editDistance,
  editSimilarity,
  exactMatch,
  regex,
} from '../../../src/evaluation/evaluators';
import { run } from './evaluator-args';

/** The code of what `make` throws (it must throw a SprintlensError). */
function codeOf(make: () => unknown): string {
  try {
    make();
  } catch (error) {
    expect(error).toBeInstanceOf(SprintlensError);
    return (error as SprintlensError).code;
  }
  throw new Error('did not throw');
}

describe('exactMatch', () => {
  it('compares text after trimming, case-sensitively by default', async () => {
    const e = exactMatch();
    expect(e.name).toBe('exact_match');
    expect(await e.evaluate(run({ output: ' Paris\n', expected: 'Paris' }))).toEqual({
      score: 1,
      passed: true,
      label: 'pass',
    });
    const miss = await e.evaluate(run({ output: 'paris', expected: 'Paris' }));
    expect(miss).toMatchObject({ score: 0, passed: false, label: 'fail' });
    expect(miss.explanation).toBe('expected "Paris", got "paris"');
  });

  it('applies the normalisation options', async () => {
    const e = exactMatch({ ignoreCase: true, collapseWhitespace: true, name: 'loose' });
    expect(e.name).toBe('loose');
    expect((await e.evaluate(run({ output: 'NEW   york', expected: 'new york' }))).score).toBe(1);
    const strict = exactMatch({ trim: false });
    expect((await strict.evaluate(run({ output: 'a ', expected: 'a' }))).score).toBe(0);
  });

  it('compares numbers as text and objects structurally', async () => {
    const e = exactMatch();
    expect((await e.evaluate(run({ output: 42, expected: '42' }))).score).toBe(1);
    expect((await e.evaluate(run({ output: { a: [1, 2] }, expected: { a: [1, 2] } }))).score).toBe(
      1,
    );
    const differs = await e.evaluate(run({ output: { a: 1 }, expected: { a: 2 } }));
    expect(differs).toMatchObject({ score: 0, passed: false });
    expect(differs.explanation).toBe('expected {"a":2}, got {"a":1}');
    const object = await e.evaluate(run({ output: { a: 1 }, expected: 'a' }));
    expect(object.explanation).toBe('the output is an object, expected text "a"');
  });

  it('uses the field selectors', async () => {
    const e = exactMatch({
      getOutput: (args) => (args.output as { answer: string }).answer,
      getExpected: (args) => args.metadata?.gold,
    });
    const args = run({ output: { answer: 'yes' }, metadata: { gold: 'yes' } });
    expect((await e.evaluate(args)).score).toBe(1);
  });

  it('scores 0 without an expected value, never throws', async () => {
    expect(await exactMatch().evaluate(run({ output: 'x' }))).toMatchObject({
      score: 0,
      passed: false,
      explanation: 'no expected value to compare with',
    });
  });

  it('refuses bad options with a coded error', () => {
    expect(codeOf(() => exactMatch({ name: '' }))).toBe('SL_EVALUATION_INVALID_OPTION');
    expect(codeOf(() => exactMatch({ ignoreCase: 'yes' as unknown as boolean }))).toBe(
      'SL_EVALUATION_INVALID_OPTION',
    );
    expect(codeOf(() => exactMatch({ getOutput: 'output' as never }))).toBe(
      'SL_EVALUATION_INVALID_OPTION',
    );
  });
});

describe('contains', () => {
  it('needs all substrings by default and names the missing ones', async () => {
    const e = contains({ substrings: ['Paris', 'France'] });
    expect((await e.evaluate(run({ output: 'Paris is in France.' }))).score).toBe(1);
    const miss = await e.evaluate(run({ output: 'Paris, Texas' }));
    expect(miss).toMatchObject({ score: 0, passed: false });
    expect(miss.explanation).toBe('missing 1 of 2: "France"');
  });

  it('mode any passes on one of them; ignoreCase folds case on both sides', async () => {
    const any = contains({ substrings: ['cat', 'dog'], mode: 'any' });
    expect((await any.evaluate(run({ output: 'a dog' }))).score).toBe(1);
    expect((await any.evaluate(run({ output: 'a cow' }))).explanation).toBe(
      'none of 2 found: "cat", "dog"',
    );
    const folded = contains({ substrings: 'PARIS', ignoreCase: true });
    expect((await folded.evaluate(run({ output: 'paris' }))).score).toBe(1);
  });

  it('takes the substrings from expected when none are given', async () => {
    const e = contains();
    expect(
      (await e.evaluate(run({ output: 'red and blue', expected: ['red', 'blue'] }))).score,
    ).toBe(1);
    expect((await e.evaluate(run({ output: 'red', expected: 'blue' }))).score).toBe(0);
    expect(await e.evaluate(run({ output: 'red', expected: 7 }))).toMatchObject({
      score: 0,
      passed: false,
      explanation: 'no substrings: the expected value is not a string or a list of strings',
    });
    expect((await e.evaluate(run({ output: null, expected: 'x' }))).explanation).toBe(
      'the output is null',
    );
  });

  it('refuses bad options', () => {
    expect(codeOf(() => contains({ substrings: [] }))).toBe('SL_EVALUATION_INVALID_OPTION');
    expect(codeOf(() => contains({ mode: 'some' as 'any' }))).toBe('SL_EVALUATION_INVALID_OPTION');
  });
});

describe('regex', () => {
  it('passes on a match, fails with the pattern named', async () => {
    const e = regex({ pattern: /^\d{3}-\d{4}$/ });
    expect(e.name).toBe('regex');
    expect((await e.evaluate(run({ output: '555-1234' }))).score).toBe(1);
    expect(await e.evaluate(run({ output: 'call me' }))).toMatchObject({
      score: 0,
      passed: false,
      explanation: '/^\\d{3}-\\d{4}$/ did not match',
    });
  });

  it('compiles string patterns with flags and keeps no state between items (g dropped)', async () => {
    const e = regex({ pattern: 'hello', flags: 'gi' });
    for (let i = 0; i < 3; i++) expect((await e.evaluate(run({ output: 'HELLO' }))).score).toBe(1);
    const sticky = regex({ pattern: /a/gy });
    expect((await sticky.evaluate(run({ output: 'a' }))).score).toBe(1);
    expect((await sticky.evaluate(run({ output: 'a' }))).score).toBe(1);
  });

  it('negate passes when nothing matches', async () => {
    const e = regex({ pattern: /as an ai/i, negate: true, name: 'no_disclaimer' });
    expect((await e.evaluate(run({ output: 'Sure.' }))).score).toBe(1);
    const hit = await e.evaluate(run({ output: 'As an AI, I cannot' }));
    expect(hit).toMatchObject({ score: 0, passed: false });
    expect(hit.explanation).toBe('/as an ai/i matched "As an AI", and must not');
  });

  it('scores an object output 0; refuses an invalid pattern at construction', async () => {
    expect((await regex({ pattern: 'x' }).evaluate(run({ output: { x: 1 } }))).explanation).toBe(
      'the output is an object',
    );
    expect(codeOf(() => regex({ pattern: '(' }))).toBe('SL_EVALUATION_INVALID_OPTION');
    expect(codeOf(() => regex({ pattern: 'a', flags: 'q' }))).toBe('SL_EVALUATION_INVALID_OPTION');
    expect(codeOf(() => regex(undefined as never))).toBe('SL_EVALUATION_INVALID_OPTION');
  });
});

describe('editDistance', () => {
  it('is 1 - d / max(len) (hand-computed)', async () => {
    // kitten -> sitting: k->s, e->i, +g: d = 3; max(6, 7) = 7; 1 - 3/7 = 4/7.
    expect(editSimilarity('kitten', 'sitting')).toBeCloseTo(4 / 7, 12);
    // flaw -> lawn: -f, +n: d = 2; max(4, 4) = 4; 1 - 2/4 = 0.5.
    expect(editSimilarity('flaw', 'lawn')).toBe(0.5);
    // abc -> '': d = 3 over 3: 0. Both empty: 1.
    expect(editSimilarity('abc', '')).toBe(0);
    expect(editSimilarity('', '')).toBe(1);
    const e = editDistance();
    const verdict = await e.evaluate(run({ output: 'kitten', expected: 'sitting' }));
    expect(verdict.score).toBeCloseTo(4 / 7, 12);
    expect(verdict.passed).toBeUndefined();
    expect(verdict.explanation).toBe('distance 3 over 7 characters');
  });

  it('normalises first and passes at the threshold', async () => {
    const e = editDistance({ threshold: 0.5, ignoreCase: true });
    // Trimmed and lower-cased, "Flaw " and "LAWN" are flaw / lawn: 0.5, at the threshold.
    expect(await e.evaluate(run({ output: 'Flaw ', expected: 'LAWN' }))).toMatchObject({
      score: 0.5,
      passed: true,
      label: 'pass',
    });
    expect((await e.evaluate(run({ output: 'abc', expected: 'xyz' }))).passed).toBe(false);
  });

  it('scores non-text 0 and refuses a threshold outside 0..1', async () => {
    const e = editDistance({ threshold: 0.8 });
    expect(await e.evaluate(run({ output: ['a'], expected: 'a' }))).toMatchObject({
      score: 0,
      passed: false,
      explanation: 'the output is an array, not text',
    });
    expect((await e.evaluate(run({ output: 'a' }))).explanation).toBe(
      'the expected value is undefined, not text',
    );
    expect(codeOf(() => editDistance({ threshold: 2 }))).toBe('SL_EVALUATION_INVALID_OPTION');
  });
});
