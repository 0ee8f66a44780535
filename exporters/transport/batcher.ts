/**
 * The batcher: the bounded queue (`queue.ts`) and when and how much of it leaves as one batch.
 * A batch leaves when it reaches the adaptive batch size, or the byte limit (the largest body
 * worth sending, lowered by 413 answers), or when its oldest record has waited
 * `batchDelayMillis`; a flush sends partial batches at once. Items that cannot share a request
 * (metrics: one collection per request) leave one at a time, at once.
 */
import type { AdaptiveConcurrency } from './concurrency';
import type { Ledger } from './ledger';
import { BoundedQueue } from './queue';
import type { SignalCodec } from './types';

/** Smallest body the learned 413 limit can shrink to. */
const MIN_LEARNED_BYTES = 1024;

/** Items taken from the queue for one request. */
export interface Batch<T> {
  readonly items: T[];
  readonly records: number;
  /** Estimated bytes (the queue's estimate, before encoding). */
  readonly bytes: number;
  /** As large as the batch size allowed (adaptive batch size feedback). */
  readonly full: boolean;
}

export interface BatcherOptions<T> {
  readonly codec: SignalCodec<T>;
  readonly ledger: Ledger;
  readonly adaptive: AdaptiveConcurrency;
  readonly queueMaxRecords: number;
  readonly queueMaxBytes: number;
  readonly maxBatchBytes: number;
  readonly batchDelayMillis: number;
  /** A batch is due (its delay passed, or it is full): start sending. */
  readonly onDue: () => void;
}

export class Batcher<T> {
  readonly queue: BoundedQueue<T>;
  private readonly codec: SignalCodec<T>;
  private readonly ledger: Ledger;
  private readonly adaptive: AdaptiveConcurrency;
  private readonly batchDelayMillis: number;
  private readonly onDue: () => void;
  private timer: NodeJS.Timeout | undefined;
  /** When the oldest queued item arrived. */
  private oldestAt = 0;
  /** Largest encoded body worth sending, lowered by 413 answers. */
  private learnedMaxBytes: number;
  /** Actual encoded bytes per estimated byte (EWMA), to size batches by estimate. */
  private bytesRatio = 1;

  constructor(options: BatcherOptions<T>) {
    this.codec = options.codec;
    this.ledger = options.ledger;
    this.adaptive = options.adaptive;
    this.batchDelayMillis = options.batchDelayMillis;
    this.onDue = options.onDue;
    this.learnedMaxBytes = options.maxBatchBytes;
    this.queue = new BoundedQueue<T>({
      maxRecords: options.queueMaxRecords,
      maxBytes: options.queueMaxBytes,
    });
  }

  /**
   * Queues one item of `records` records (the per-record path). `false` when it does not fit
   * in the queue's bounds; the caller counts it as dropped.
   */
  offer(item: T, records: number): boolean {
    const first = this.queue.length === 0;
    if (first) this.oldestAt = Date.now();
    if (!this.queue.offer(item, records, this.codec.estimateBytes(item))) return false;
    this.ledger.enqueued(records, first ? this.oldestAt : undefined);
    return true;
  }

  /** After offers: a ready batch is due now; otherwise the delay timer runs. */
  afterOffer(): void {
    if (this.queue.length === 0) return;
    if (this.ready()) this.onDue();
    else this.armTimer();
  }

  /** Whether a batch may leave now (`flushing`: partial batches leave at once). */
  due(flushing: boolean): boolean {
    if (this.ready() || flushing || Date.now() - this.oldestAt >= this.batchDelayMillis) {
      return true;
    }
    this.armTimer();
    return false;
  }

  /** Takes the next batch off the queue (at least one item when the queue is not empty). */
  take(): Batch<T> {
    const batchRecords = this.maxTakeRecords();
    const batch = this.queue.take(batchRecords, this.learnedMaxBytes / this.bytesRatio);
    if (this.queue.length > 0) this.oldestAt = Date.now();
    return { ...batch, full: batch.records >= batchRecords };
  }

  /** Takes a batch whatever its size in bytes (shutdown: to the spool or dropped). */
  takeAtShutdown(): Batch<T> {
    const batchRecords = this.maxTakeRecords();
    const batch = this.queue.take(batchRecords, Number.POSITIVE_INFINITY);
    return { ...batch, full: batch.records >= batchRecords };
  }

  /** A batch estimated at `estimated` bytes was encoded to `encoded` bytes. */
  encoded(estimated: number, encoded: number): void {
    if (estimated > 0) this.bytesRatio += 0.2 * (encoded / estimated - this.bytesRatio);
  }

  /** Whether a body of `bytes` is over the limit that 413 answers taught. */
  overLearnedLimit(bytes: number): boolean {
    return bytes > this.learnedMaxBytes;
  }

  /** The endpoint answered 413 to a body of `bytes`: later batches stay under half of it. */
  tooLarge(bytes: number): void {
    this.learnedMaxBytes = Math.max(MIN_LEARNED_BYTES, Math.floor(bytes / 2));
  }

  /** Stops the delay timer (shutdown). */
  close(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private maxTakeRecords(): number {
    // 0 takes exactly one item: metrics are sent one collection per request.
    return this.codec.mergeable ? this.adaptive.batchRecords : 0;
  }

  private ready(): boolean {
    if (!this.codec.mergeable) return true;
    return (
      this.queue.records >= this.adaptive.batchRecords ||
      this.queue.bytes * this.bytesRatio >= this.learnedMaxBytes
    );
  }

  private armTimer(): void {
    if (this.timer !== undefined) return;
    const wait = Math.max(0, this.oldestAt + this.batchDelayMillis - Date.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.onDue();
    }, wait);
    this.timer.unref();
  }
}
