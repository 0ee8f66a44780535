/**
 * Replaying the disk spool: spooled batches are sent again, oldest first, on one concurrency
 * slot, while the endpoint is up (the circuit closed). A batch that cannot be delivered now goes
 * back to disk, and the replay waits `retryMillis` before the next try.
 */
import { reportError } from '../../src/base/diag';
import type { SpoolReadFailedError } from '../../src/base/errors';
import type { DiskSpool, SpoolEntry } from '../spool';
import type { CircuitBreaker } from './circuit-breaker';
import type { AdaptiveConcurrency } from './concurrency';
import type { Delivery } from './delivery';
import type { Drops } from './drops';
import type { Ledger } from './ledger';

export interface SpoolReplayOptions {
  readonly spool: DiskSpool;
  readonly delivery: Pick<Delivery, 'deliver'>;
  readonly breaker: Pick<CircuitBreaker, 'blocked'>;
  readonly adaptive: Pick<AdaptiveConcurrency, 'tryAcquire' | 'release'>;
  readonly ledger: Ledger;
  readonly drops: Pick<Drops, 'inFlight'>;
  /** Aborted at the end of the shutdown flush: the replay stops. */
  readonly signal: AbortSignal;
  /** After a failure, the next replay waits this long (`spoolAfterWaitMillis`). */
  readonly retryMillis: number;
  /** The spool's error, with the signal and directory. */
  readonly spoolError: (cause: unknown) => SpoolReadFailedError;
  /** The replay ended (its slot is free again), or its wait is over: the transport pumps. */
  readonly onIdle: () => void;
}

export class SpoolReplay {
  /** A replay is running (it holds one concurrency slot). */
  private running = false;
  /** The spool may hold entries (set when a batch is spooled, cleared when it is empty). */
  private hasData = false;
  private notBefore = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly o: SpoolReplayOptions) {}

  get replaying(): boolean {
    return this.running;
  }

  /** Entries were written to the spool (or found there at open). */
  noteData(): void {
    this.hasData = true;
  }

  /** Starts a replay when there is data, the endpoint is up and a slot is free. */
  maybeStart(): void {
    if (this.running || !this.hasData || this.o.signal.aborted) return;
    if (this.o.breaker.blocked) return;
    const wait = this.notBefore - Date.now();
    if (wait > 0) {
      if (this.timer === undefined) {
        this.timer = setTimeout(() => {
          this.timer = undefined;
          this.o.onIdle();
        }, wait);
        this.timer.unref();
      }
      return;
    }
    if (!this.o.adaptive.tryAcquire()) return;
    this.running = true;
    void this.replay().finally(() => {
      this.running = false;
      this.o.adaptive.release();
      this.o.onIdle();
    });
  }

  /** Stops the retry timer (shutdown). */
  close(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private async replay(): Promise<void> {
    const { spool, ledger } = this.o;
    while (!this.o.signal.aborted && !this.o.breaker.blocked) {
      let entry: SpoolEntry | undefined;
      try {
        entry = await spool.claimOldest();
      } catch (error) {
        reportError(this.o.spoolError(error));
        this.notBefore = Date.now() + this.o.retryMillis;
        return;
      }
      if (entry === undefined) {
        this.hasData = false;
        return;
      }
      ledger.claimedFromSpool(entry.records);
      const outcome = await this.o.delivery.deliver(
        entry.body,
        entry.records,
        false,
        entry.contentType,
      );
      // A spooled body cannot be split again: its items are gone.
      if (outcome === 'split') this.o.drops.inFlight(entry.records, 'too_large');
      try {
        if (outcome === 'done' || outcome === 'split') {
          await spool.ack(entry);
          continue;
        }
        await spool.release(entry);
      } catch (error) {
        reportError(this.o.spoolError(error));
      }
      // Not delivered now: it stays on disk; try again later.
      ledger.spooledFromFlight(entry.records);
      this.notBefore = Date.now() + this.o.retryMillis;
      return;
    }
  }
}
