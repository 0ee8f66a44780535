/**
 * The ledger of one transport: where each of its records is, as plain numbers. At every moment
 *
 *     received = delivered + dropped + queued + in_flight + spooled
 *
 * where `received` includes records recovered from the disk spool of an earlier process, and
 * `queued` is the queue's own count (not kept here). Each transition moves records between
 * states in one call, so the identity holds between any two calls. No prom-client and no
 * module state: `metrics.ts` reads a ledger when scraped, `health.ts` when checked.
 */
import { HistogramCounts } from '../../src/base/self-metrics';
import type { DropReason } from './types';
import { DROP_REASONS } from './types';

/** A point-in-time snapshot of one transport's accounting. */
export interface TransportStats {
  received: number;
  delivered: number;
  dropped: number;
  droppedByReason: Record<DropReason, number>;
  queued: number;
  queuedBytes: number;
  inFlight: number;
  spooled: number;
  /** Records recovered from the spool at open (also counted in `received`). */
  recovered: number;
  /** Requests that were retries of an earlier attempt. */
  retries: number;
  /** Records sent again after an attempt whose answer was lost (may be duplicated). */
  possibleDuplicates: number;
  requests: number;
  concurrencyLimit: number;
  batchRecords: number;
  circuit: 'closed' | 'open' | 'half-open';
}

/** Buckets of `sprintlens_exporter_request_duration_seconds`. */
export const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** Buckets of `sprintlens_exporter_batch_records`. */
export const BATCH_RECORDS_BUCKETS = [1, 8, 32, 128, 512, 2048, 8192];
/** Buckets of `sprintlens_exporter_compression_ratio`. */
export const COMPRESSION_RATIO_BUCKETS = [0.05, 0.1, 0.2, 0.3, 0.5, 0.8, 1];

/** The `outcome` label of a request: `2xx` … `5xx`, or `network_error`. */
export type RequestOutcome = string;

function zeroReasons(): Record<DropReason, number> {
  const reasons = {} as Record<DropReason, number>;
  for (const reason of DROP_REASONS) reasons[reason] = 0;
  return reasons;
}

export class Ledger {
  readonly counts = {
    received: 0,
    delivered: 0,
    dropped: 0,
    inFlight: 0,
    spooled: 0,
    recovered: 0,
    retries: 0,
    possibleDuplicates: 0,
    requests: 0,
  };
  readonly droppedByReason = zeroReasons();
  /** Request durations in seconds, by outcome; observed once per request. */
  readonly durations = new Map<RequestOutcome, HistogramCounts>();
  /** Records per request body; observed once per body sent. */
  readonly batchRecords = new HistogramCounts(BATCH_RECORDS_BUCKETS);
  /** Compressed over encoded size per body sent. */
  readonly compressionRatio = new HistogramCounts(COMPRESSION_RATIO_BUCKETS);
  /**
   * Clock times (ms, `Date.now()`) for the health check and the last-success gauge, read per
   * batch or on a state change: the per-record path reads the clock only when the queue was
   * empty.
   */
  readonly createdAt = Date.now();
  /** The last 2xx answer; `undefined` while none. */
  lastSuccessAt: number | undefined;
  /** The last time records left the queue for a batch. */
  lastDequeuedAt = 0;
  /** When the queue last went from empty to not empty. */
  queuedSince = 0;
  /** When the circuit breaker entered its current state. */
  circuitSince = this.createdAt;

  /** New records accepted into the queue; `queuedSince` when the queue was empty before. */
  enqueued(records: number, queuedSince?: number): void {
    if (queuedSince !== undefined) this.queuedSince = queuedSince;
    this.counts.received += records;
  }

  /** New records refused at the door. */
  refused(records: number, reason: DropReason): void {
    this.counts.received += records;
    this.count(records, reason);
  }

  /** Queue to in flight. */
  dequeued(records: number): void {
    this.lastDequeuedAt = Date.now();
    this.counts.inFlight += records;
  }

  /** In flight to delivered (minus what a partial success rejected). */
  delivered(records: number, rejected: number): void {
    const rejectedNow = Math.min(records, rejected);
    this.lastSuccessAt = Date.now();
    this.counts.inFlight -= records;
    this.counts.delivered += records - rejectedNow;
    if (rejectedNow > 0) this.count(rejectedNow, 'partial_success');
  }

  /** In flight to dropped. */
  droppedInFlight(records: number, reason: DropReason): void {
    this.counts.inFlight -= records;
    this.count(records, reason);
  }

  /** In flight to the spool. */
  spooledFromFlight(records: number): void {
    this.counts.inFlight -= records;
    this.counts.spooled += records;
  }

  /** Records found in the spool at open (left by an earlier process). */
  recoveredFromSpool(records: number): void {
    this.counts.received += records;
    this.counts.recovered += records;
    this.counts.spooled += records;
  }

  /** Spool to in flight (a claimed entry). */
  claimedFromSpool(records: number): void {
    this.counts.spooled -= records;
    this.counts.inFlight += records;
  }

  /** Lost from the spool: evicted by its bound, or found corrupt. */
  lostFromSpool(records: number, reason: DropReason): void {
    this.counts.spooled -= records;
    this.count(records, reason);
  }

  /** One request made, answered or not. */
  request(options: { retry: boolean; seconds: number; outcome: RequestOutcome }): void {
    this.counts.requests += 1;
    if (options.retry) this.counts.retries += 1;
    let histogram = this.durations.get(options.outcome);
    if (histogram === undefined) {
      histogram = new HistogramCounts(DURATION_BUCKETS);
      this.durations.set(options.outcome, histogram);
    }
    histogram.observe(options.seconds);
  }

  /** One body about to be sent: its records and compression ratio. */
  batch(records: number, ratio: number): void {
    this.batchRecords.observe(records);
    this.compressionRatio.observe(ratio);
  }

  possibleDuplicate(records: number): void {
    this.counts.possibleDuplicates += records;
  }

  /** The circuit breaker changed state. */
  circuitChanged(): void {
    this.circuitSince = Date.now();
  }

  private count(records: number, reason: DropReason): void {
    this.counts.dropped += records;
    this.droppedByReason[reason] += records;
  }
}
