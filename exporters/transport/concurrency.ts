/**
 * Adaptive request concurrency (AIMD, in the spirit of Vector's adaptive request concurrency)
 * and adaptive batch size.
 *
 * Concurrency: each healthy, fast answer adds `1/limit` (about +1 per round trip of a full
 * window); back-pressure (429/503, timeouts, 5xx, network errors) or a round-trip time well
 * above the observed baseline multiplies the limit by 0.7, at most once per baseline RTT so
 * one burst of slow answers counts once.
 *
 * Batch size: grows by a quarter after a fast success of a full batch, halves on errors or
 * slowness, within its bounds.
 */

/**
 * RTT above `baseline * SLOW_FACTOR`, and at least `SLOW_MIN_EXTRA_MS` above it, counts as
 * slowness; the absolute floor keeps event-loop jitter on a fast local endpoint from being
 * read as overload.
 */
const SLOW_FACTOR = 2;
const SLOW_MIN_EXTRA_MS = 50;
const DECREASE = 0.7;
/** EWMA weight of a new RTT sample in the baseline. */
const BASELINE_ALPHA = 0.05;

export interface Feedback {
  rttMillis: number;
  /** The request succeeded (2xx). */
  ok: boolean;
  /** The endpoint signalled overload or failed (429/503/5xx/network/timeout). */
  backPressure: boolean;
  /** The batch was as large as the current batch size allowed. */
  fullBatch: boolean;
}

export class AdaptiveConcurrency {
  private limitValue: number;
  private active = 0;
  private baseline: number | undefined;
  private lastDecreaseAt = 0;
  private batch: number;

  constructor(
    private readonly bounds: {
      minConcurrency: number;
      maxConcurrency: number;
      minBatchRecords: number;
      maxBatchRecords: number;
      initialBatchRecords: number;
    },
  ) {
    this.limitValue = Math.max(bounds.minConcurrency, Math.min(bounds.maxConcurrency, 2));
    this.batch = clamp(bounds.initialBatchRecords, bounds.minBatchRecords, bounds.maxBatchRecords);
  }

  /** Requests allowed in flight now. */
  get limit(): number {
    return Math.floor(this.limitValue);
  }

  /** Records per batch now. */
  get batchRecords(): number {
    return Math.floor(this.batch);
  }

  tryAcquire(): boolean {
    if (this.active >= this.limit) return false;
    this.active += 1;
    return true;
  }

  release(): void {
    this.active = Math.max(0, this.active - 1);
  }

  /** Adjusts the limit and the batch size from one answered (or failed) request. */
  feedback(sample: Feedback): void {
    const now = Date.now();
    const baseline = this.baseline;
    const slow =
      baseline !== undefined &&
      sample.rttMillis > baseline * SLOW_FACTOR &&
      sample.rttMillis - baseline > SLOW_MIN_EXTRA_MS;
    if (sample.ok) {
      this.baseline =
        baseline === undefined
          ? sample.rttMillis
          : baseline + BASELINE_ALPHA * (sample.rttMillis - baseline);
    }
    if (sample.backPressure || slow) {
      const window = this.baseline ?? sample.rttMillis;
      if (now - this.lastDecreaseAt >= window) {
        this.lastDecreaseAt = now;
        this.limitValue = Math.max(this.bounds.minConcurrency, this.limitValue * DECREASE);
        this.batch = Math.max(this.bounds.minBatchRecords, this.batch / 2);
      }
      return;
    }
    if (sample.ok) {
      this.limitValue = Math.min(this.bounds.maxConcurrency, this.limitValue + 1 / this.limitValue);
      if (sample.fullBatch) this.batch = Math.min(this.bounds.maxBatchRecords, this.batch * 1.25);
    }
  }
}

function clamp(value: number, min: number, max: number): number {
  return Math.max(min, Math.min(max, value));
}
