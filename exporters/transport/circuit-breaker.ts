/**
 * Circuit breaker: after `failureThreshold` consecutive failed requests it opens; while open no
 * request is made; when the open period ends exactly one request (the probe) goes out and
 * its outcome alone decides: success closes the circuit, failure opens it again for twice as
 * long (up to a minute). Data meanwhile waits in the queue, or goes to the spool.
 */
export type CircuitState = 'closed' | 'open' | 'half-open';

/** Numeric value of the state for the `sprintlens_exporter_circuit_state` gauge. */
export const CIRCUIT_STATE_VALUE: Readonly<Record<CircuitState, number>> = {
  closed: 0,
  open: 1,
  'half-open': 2,
};

const MAX_OPEN_MILLIS = 60_000;

export class CircuitBreaker {
  private stateNow: CircuitState = 'closed';
  private failures = 0;
  private openUntil = 0;
  private openMillis: number;
  private probing = false;
  private readonly waiters = new Set<() => void>();

  constructor(
    private readonly options: {
      failureThreshold: number;
      openMillis: number;
      onChange?: (state: CircuitState) => void;
    },
  ) {
    this.openMillis = options.openMillis;
  }

  get state(): CircuitState {
    return this.stateNow;
  }

  /** Whether a request may not go out right now (open, or half-open with the probe out). */
  get blocked(): boolean {
    if (this.stateNow === 'closed') return false;
    if (this.stateNow === 'open') return Date.now() < this.openUntil || this.probing;
    return this.probing;
  }

  /**
   * Waits until a request may go out. Resolves `{ probe: true }` for the single probe of a
   * half-open circuit, `undefined` when `signal` aborts first.
   */
  async acquire(signal: AbortSignal): Promise<{ probe: boolean } | undefined> {
    for (;;) {
      if (signal.aborted) return undefined;
      if (this.stateNow === 'closed') return { probe: false };
      const now = Date.now();
      if (this.stateNow === 'open' && now >= this.openUntil) this.set('half-open');
      if (this.stateNow === 'half-open' && !this.probing) {
        this.probing = true;
        return { probe: true };
      }
      // Open: until the open period ends (or probeNow()). Half-open with the probe out: until
      // its verdict.
      await this.waitForChange(this.stateNow === 'open' ? this.openUntil - now : undefined, signal);
    }
  }

  /**
   * Ends the open period now, so that the next request is the probe (at shutdown: one last
   * try before what is left is spooled or counted as dropped, rather than waiting it out).
   */
  probeNow(): void {
    if (this.stateNow !== 'open') return;
    this.openUntil = Date.now();
    this.wake();
  }

  /** A request (the probe, or any while closed) succeeded. */
  success(probe: boolean): void {
    if (probe) this.probing = false;
    // A late answer of a request sent before the circuit opened does not close it:
    // only the probe decides.
    if (this.stateNow !== 'closed' && !probe) return;
    this.failures = 0;
    this.openMillis = this.options.openMillis;
    if (this.stateNow !== 'closed') this.set('closed');
    this.wake();
  }

  /** A request failed in a way that says the endpoint is unwell (5xx, 429, network). */
  failure(probe: boolean): void {
    if (probe) {
      this.probing = false;
      this.openMillis = Math.min(MAX_OPEN_MILLIS, this.openMillis * 2);
      this.open();
      return;
    }
    if (this.stateNow !== 'closed') return;
    this.failures += 1;
    if (this.failures >= this.options.failureThreshold) this.open();
  }

  /** A probe ended without a verdict (aborted): let another one go. */
  abandon(probe: boolean): void {
    if (!probe) return;
    this.probing = false;
    this.wake();
  }

  private open(): void {
    this.openUntil = Date.now() + this.openMillis;
    this.set('open');
    this.wake();
  }

  private set(state: CircuitState): void {
    if (this.stateNow === state) return;
    this.stateNow = state;
    this.options.onChange?.(state);
  }

  private wake(): void {
    for (const waiter of [...this.waiters]) waiter();
  }

  /** Resolves on {@link wake}, on `signal`, or after `ms` when given (an unref'd timer). */
  private waitForChange(ms: number | undefined, signal: AbortSignal): Promise<void> {
    return new Promise<void>((resolve) => {
      const done = (): void => {
        this.waiters.delete(done);
        signal.removeEventListener('abort', done);
        if (timer !== undefined) clearTimeout(timer);
        resolve();
      };
      const timer = ms === undefined ? undefined : setTimeout(done, Math.max(0, ms));
      timer?.unref();
      this.waiters.add(done);
      signal.addEventListener('abort', done, { once: true });
    });
  }
}
