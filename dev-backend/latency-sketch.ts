/**
 * Bounded-memory latency statistics: exact count, mean and max, and quantiles from
 * logarithmic buckets (each 2 % wide, so a quantile is within 2 % of the true value).
 *
 * The CLI may run for hours; keeping every latency to sort for a p95 would grow without
 * bound. Buckets cover 1 µs to days in about 1,300 entries at most, whatever the traffic.
 */

/** Relative width of a bucket. */
const GAMMA = 1.02;
const LOG_GAMMA = Math.log(GAMMA);
/** Values at or below this (ms) share one bucket. */
const MIN_MS = 0.001;

/** Summary statistics of latencies, in milliseconds. */
export interface LatencyStats {
  count: number;
  mean: number;
  p50: number;
  p95: number;
  max: number;
}

/** Accumulates latencies; {@link stats} reads them out. */
export class LatencySketch {
  private readonly buckets = new Map<number, number>();
  private count = 0;
  private sum = 0;
  private max = 0;

  /** Records one latency in ms (negative or non-finite values are ignored). */
  add(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) return;
    this.count += 1;
    this.sum += ms;
    if (ms > this.max) this.max = ms;
    const index = ms <= MIN_MS ? 0 : Math.ceil(Math.log(ms / MIN_MS) / LOG_GAMMA);
    this.buckets.set(index, (this.buckets.get(index) ?? 0) + 1);
  }

  /** The value below which a fraction `q` of the latencies fall (0 when empty). */
  quantile(q: number): number {
    if (this.count === 0) return 0;
    const rank = Math.max(1, Math.ceil(q * this.count));
    let seen = 0;
    for (const index of [...this.buckets.keys()].sort((a, b) => a - b)) {
      seen += this.buckets.get(index) as number;
      if (seen >= rank) {
        // The bucket's upper bound, capped by the true maximum.
        const upper = index === 0 ? MIN_MS : MIN_MS * GAMMA ** index;
        return Math.min(upper, this.max);
      }
    }
    return this.max;
  }

  /** Count, mean, p50, p95 and max. */
  stats(): LatencyStats {
    return {
      count: this.count,
      mean: this.count === 0 ? 0 : this.sum / this.count,
      p50: this.quantile(0.5),
      p95: this.quantile(0.95),
      max: this.max,
    };
  }
}
