/**
 * Time window of an {@link OutageFault}: when it begins and ends, and, for `'refuse'`,
 * closing and reopening the listening socket at those times.
 */
import type { OutageFault } from './faults';
import type { Listener } from './listener';

/** Schedules outages against a {@link Listener}. */
export class OutageController {
  private active: OutageFault | undefined;
  private timers: NodeJS.Timeout[] = [];
  private over: Promise<void> = Promise.resolve();
  private resolveOver: () => void = () => {};
  private rejectOver: (error: unknown) => void = () => {};
  /** Socket operations run one after another, never overlapping. */
  private chain: Promise<void> = Promise.resolve();
  private disposed = false;

  constructor(private readonly listener: Listener) {}

  /** The outage in progress, if any. */
  get current(): OutageFault | undefined {
    return this.active;
  }

  /**
   * Replaces the scheduled outage; one in progress ends first (the port listens again).
   * Resolves once an immediate outage has begun, so the caller's next request sees it.
   */
  async schedule(outage: OutageFault | undefined): Promise<void> {
    this.stop();
    await this.enqueue(() => this.listener.reopen());
    if (!outage || this.disposed) return;

    this.over = new Promise((resolve, reject) => {
      this.resolveOver = resolve;
      this.rejectOver = reject;
    });
    // Keep an unobserved failure from being reported as unhandled; whenOver() rethrows it.
    this.over.catch(() => {});
    const begin = async (): Promise<void> => {
      if (this.disposed) return;
      this.active = outage;
      if (outage.mode === 'refuse') await this.enqueue(() => this.listener.shut());
      // The outage lasts its full length from the moment the socket is actually closed.
      this.timers.push(setTimeout(() => void this.end(outage), Math.max(0, outage.durationMs)));
    };
    const delay = outage.startAfterMs ?? 0;
    if (delay <= 0) await begin();
    else this.timers.push(setTimeout(() => begin().catch(this.rejectOver), delay));
  }

  /**
   * Resolves when no outage is scheduled or in progress; rejects if the port could not
   * be listened on again.
   */
  whenOver(): Promise<void> {
    return this.over;
  }

  /** Cancels everything for good; the listener is left as it is (the caller closes it). */
  async dispose(): Promise<void> {
    this.disposed = true;
    this.stop();
    await this.chain;
  }

  private async end(outage: OutageFault): Promise<void> {
    if (this.active !== outage) return;
    this.active = undefined;
    try {
      if (outage.mode === 'refuse') await this.enqueue(() => this.listener.reopen());
      this.resolveOver();
    } catch (error: unknown) {
      this.rejectOver(error);
    }
  }

  /** Cancels timers and ends the current window without touching the socket. */
  private stop(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers = [];
    this.active = undefined;
    this.resolveOver();
  }

  private enqueue(operation: () => Promise<void>): Promise<void> {
    const run = async (): Promise<void> => {
      if (!this.disposed) await operation();
    };
    this.chain = this.chain.then(run, run);
    return this.chain;
  }
}
