/**
 * The statistics of `compareExperiments`: a seeded paired (percentile) bootstrap of the mean
 * difference, the exact two-sided sign test, means and percentiles. Written here because each
 * is a few lines and no small, maintained package does the seeded bootstrap (see
 * docs/dependencies.md).
 */
import { createRandom } from '../base/prng';

/** The arithmetic mean; `NaN` for no values. */
export function mean(values: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i] as number;
  return sum / values.length;
}

/**
 * The `q` quantile (0..1) of values sorted ascending, interpolating linearly between the two
 * nearest ranks (Hyndman & Fan's type 7, the default of R and NumPy); `NaN` for no values.
 */
export function quantileOfSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const position = (n - 1) * q;
  const below = Math.floor(position);
  const above = Math.min(n - 1, below + 1);
  const low = sorted[below] as number;
  return low + (position - below) * ((sorted[above] as number) - low);
}

/** The median (type 7 quantile 0.5); `NaN` for no values. */
export function median(values: readonly number[]): number {
  return quantileOfSorted(Float64Array.from(values).sort(), 0.5);
}

/** Settings of {@link bootstrapMeanInterval}. */
export interface BootstrapOptions {
  /** Number of resamples. */
  readonly resamples: number;
  /** Coverage of the interval, e.g. 0.95. */
  readonly confidence: number;
  /** Seed of the generator. */
  readonly seed: number;
}

/** A confidence interval. */
export interface Interval {
  readonly lower: number;
  readonly upper: number;
}

/**
 * Percentile bootstrap interval of the mean of `values` (for paired data: of the per-pair
 * differences, so the pairing is kept). Draws `resamples` samples of the same size with
 * replacement, takes each one's mean, and returns the `(1 - confidence) / 2` and
 * `(1 + confidence) / 2` quantiles of those means. `undefined` for no values; one value gives
 * the point itself.
 */
export function bootstrapMeanInterval(
  values: readonly number[],
  options: BootstrapOptions,
): Interval | undefined {
  const n = values.length;
  if (n === 0) return undefined;
  const data = Float64Array.from(values);
  // Mulberry32: the same seed gives the same interval on every machine.
  const random = createRandom(options.seed);
  const means = new Float64Array(options.resamples);
  for (let r = 0; r < options.resamples; r++) {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += data[Math.floor(random() * n)] as number;
    means[r] = sum / n;
  }
  means.sort();
  const tail = (1 - options.confidence) / 2;
  return {
    lower: quantileOfSorted(means, tail),
    upper: quantileOfSorted(means, 1 - tail),
  };
}

/** The outcome of {@link signTest}. */
export interface SignTestResult {
  /** Pairs where B scored higher than A. */
  readonly wins: number;
  /** Pairs where B scored lower than A. */
  readonly losses: number;
  /** Pairs with equal scores (left out of the test). */
  readonly ties: number;
  /** Exact two-sided p-value under "B is as likely to win as to lose"; 1 without wins or losses. */
  readonly pValue: number;
}

/** Up to this n, binomial sums are done in exact integers (C(50, 25) < 2^47). */
const EXACT_UP_TO = 50;

/**
 * `P(X <= k) + P(X >= n - k)` for `X ~ Binomial(n, 1/2)` and `k <= n/2`, i.e. the exact
 * two-sided tail of a sign test with `k` in the smaller group, capped at 1. Summed in log space
 * from the largest term down, so it stays accurate for large `n`.
 */
export function binomialTwoSidedP(k: number, n: number): number {
  if (n === 0) return 1;
  const smaller = Math.min(k, n - k);
  if (2 * smaller >= n) return 1;
  if (n <= EXACT_UP_TO) {
    // Integer binomial coefficients: every partial sum is below 2^53 and dividing by 2^n is
    // exact, so small-n p-values are exact (0.109375 for 2 of 10, not 0.10937500000000003).
    let coefficient = 1;
    let sum = 1;
    for (let i = 0; i < smaller; i++) {
      coefficient = (coefficient * (n - i)) / (i + 1);
      sum += coefficient;
    }
    return Math.min(1, (2 * sum) / 2 ** n);
  }
  // log C(n, i) for i = 0..smaller, by C(n, i+1) = C(n, i) · (n - i) / (i + 1).
  const logs = new Float64Array(smaller + 1);
  for (let i = 0; i < smaller; i++) logs[i + 1] = (logs[i] as number) + Math.log((n - i) / (i + 1));
  const largest = logs[smaller] as number;
  let sum = 0;
  for (let i = 0; i <= smaller; i++) sum += Math.exp((logs[i] as number) - largest);
  const oneTail = Math.exp(largest - n * Math.LN2) * sum;
  return Math.min(1, 2 * oneTail);
}

/**
 * The exact two-sided sign test of paired differences (B - A): counts wins and losses,
 * leaves ties (|difference| <= `tolerance`) out, and gives the binomial p-value.
 */
export function signTest(differences: readonly number[], tolerance = 1e-12): SignTestResult {
  let wins = 0;
  let losses = 0;
  let ties = 0;
  for (const d of differences) {
    if (d > tolerance) wins++;
    else if (d < -tolerance) losses++;
    else ties++;
  }
  return { wins, losses, ties, pValue: binomialTwoSidedP(Math.min(wins, losses), wins + losses) };
}
