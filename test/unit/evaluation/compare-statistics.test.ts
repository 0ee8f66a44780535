import { describe, expect, it } from 'vitest';
import { createRandom } from '../../../src/base/prng';
import {
  binomialTwoSidedP,
  bootstrapMeanInterval,
  mean,
  median,
  quantileOfSorted,
  signTest,
} from '../../../src/evaluation/statistics';

describe('the seeded generator (src/base/prng)', () => {
  it('repeats for a seed, differs between seeds, stays in [0, 1) and is about uniform', () => {
    const a = createRandom(42);
    const b = createRandom(42);
    const c = createRandom(43);
    const first = Array.from({ length: 5 }, () => a());
    expect(Array.from({ length: 5 }, () => b())).toEqual(first);
    expect(Array.from({ length: 5 }, () => c())).not.toEqual(first);
    const random = createRandom(7);
    const buckets = new Array<number>(10).fill(0);
    for (let i = 0; i < 100_000; i++) {
      const x = random();
      expect(x >= 0 && x < 1).toBe(true);
      buckets[Math.floor(x * 10)]! += 1;
    }
    // 10,000 expected per bucket; 5 standard deviations is about 475.
    for (const count of buckets) expect(Math.abs(count - 10_000)).toBeLessThan(475);
  });
});

describe('means and quantiles', () => {
  it('type 7 quantiles interpolate between ranks', () => {
    expect(mean([1, 2, 3, 4])).toBe(2.5);
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    // (n - 1) q = 4 * 0.1 = 0.4: 10 + 0.4 * (20 - 10) = 14.
    expect(quantileOfSorted([10, 20, 30, 40, 50], 0.1)).toBeCloseTo(14, 12);
    expect(Number.isNaN(median([]))).toBe(true);
  });
});

describe('sign test (exact, two-sided)', () => {
  it('n = 10, 8 wins: p = 2 * (1 + 10 + 45) / 1024 = 0.109375', () => {
    const differences = [1, 1, 1, 1, 1, 1, 1, 1, -1, -1];
    expect(signTest(differences)).toEqual({ wins: 8, losses: 2, ties: 0, pValue: 0.109375 });
    expect(binomialTwoSidedP(2, 10)).toBeCloseTo(0.109375, 14);
  });

  it('more exact values', () => {
    // n = 5, all wins: 2 * 1/32 = 0.0625.
    expect(binomialTwoSidedP(0, 5)).toBeCloseTo(0.0625, 15);
    // n = 20, 15 wins 5 losses: 2 * (1 + 20 + 190 + 1140 + 4845 + 15504) / 2^20 = 43400 / 1048576.
    expect(binomialTwoSidedP(5, 20)).toBeCloseTo(43400 / 1048576, 15);
    // n = 8, 0 wins: 2 / 256.
    expect(signTest(new Array<number>(8).fill(-0.5)).pValue).toBeCloseTo(0.0078125, 15);
    // Balanced or empty: 1.
    expect(binomialTwoSidedP(5, 10)).toBe(1);
    expect(binomialTwoSidedP(4, 9)).toBeCloseTo(1, 12);
    expect(binomialTwoSidedP(0, 0)).toBe(1);
    // Large n stays finite and tiny: 0 wins of 2000 is 2 * 2^-2000, below the smallest double.
    expect(binomialTwoSidedP(0, 2000)).toBe(0);
    expect(binomialTwoSidedP(900, 2000)).toBeGreaterThan(0);
    expect(binomialTwoSidedP(900, 2000)).toBeLessThan(1e-5);
  });

  it('leaves ties (within rounding) out', () => {
    expect(signTest([0, 1e-15, -1e-15, 0.5, -0.25])).toEqual({
      wins: 1,
      losses: 1,
      ties: 3,
      pValue: 1,
    });
  });
});

describe('paired bootstrap of the mean difference', () => {
  const settings = { resamples: 10_000, confidence: 0.95, seed: 1 };
  const differences = [-0.3, -0.1, 0, 0.2, -0.4, -0.2, 0.1, -0.5, -0.2, 0];

  it('is the same for the same seed and data, and moves with the seed', () => {
    const once = bootstrapMeanInterval(differences, settings);
    expect(bootstrapMeanInterval(differences, settings)).toEqual(once);
    expect(bootstrapMeanInterval(differences, { ...settings, seed: 2 })).not.toEqual(once);
  });

  it('brackets the mean, and narrows as the confidence drops', () => {
    const wide = bootstrapMeanInterval(differences, settings)!;
    const narrow = bootstrapMeanInterval(differences, { ...settings, confidence: 0.5 })!;
    const m = mean(differences); // -0.14
    expect(wide.lower).toBeLessThan(m);
    expect(wide.upper).toBeGreaterThan(m);
    expect(narrow.lower).toBeGreaterThan(wide.lower);
    expect(narrow.upper).toBeLessThan(wide.upper);
    // The sample SD is ~0.20, so the standard error is ~0.064 and a 95% interval about ±0.12.
    expect(wide.upper - wide.lower).toBeGreaterThan(0.18);
    expect(wide.upper - wide.lower).toBeLessThan(0.3);
  });

  it('degenerate inputs: constant data, one value, none', () => {
    expect(bootstrapMeanInterval([0.25, 0.25, 0.25], settings)).toEqual({
      lower: 0.25,
      upper: 0.25,
    });
    expect(bootstrapMeanInterval([-1], settings)).toEqual({ lower: -1, upper: -1 });
    expect(bootstrapMeanInterval([], settings)).toBeUndefined();
  });

  it('matches the exact resampling distribution on two values', () => {
    // Resampling [0, 1] twice: means 0, 0.5, 1 with probabilities 1/4, 1/2, 1/4. The 2.5% and
    // 97.5% quantiles are 0 and 1; the 30% and 70% ones are 0.5.
    expect(bootstrapMeanInterval([0, 1], settings)).toEqual({ lower: 0, upper: 1 });
    expect(bootstrapMeanInterval([0, 1], { ...settings, confidence: 0.4 })).toEqual({
      lower: 0.5,
      upper: 0.5,
    });
  });
});
