/**
 * Sending ONE request body until it is delivered, dropped, must be split, parked or given up:
 * the retry loop of the status table in docs/exporter.md. It owns
 *
 * - `Retry-After` (the whole signal pauses) and exponential backoff with full jitter, within
 *   the retry budget;
 * - the circuit breaker's permits and verdicts, and adaptive concurrency's feedback;
 * - the compression step-down: a 415 to a compressed body, or a 400 that the same body sent
 *   uncompressed does not get, resends it at once with the next weaker encoding;
 * - the "endpoint unreachable" rule: during a flush or shutdown, an attempt that finds nothing
 *   at the endpoint's address (refused, unknown host, no route) is noted, and at shutdown the
 *   body is given up at once;
 * - counting possible duplicates (a body resent after its answer was lost).
 *
 * The request itself is injected (`send`), so the loop runs against a scripted fake in tests,
 * and `sprintlens doctor`'s probe runs it with a single try.
 */
import { debug } from '../../src/base/diag';
import type { HttpResult } from '../../src/base/http-client';
import type { AdaptiveConcurrency } from './concurrency';
import type { CircuitBreaker } from './circuit-breaker';
import type { Compressed, Compressor } from './compressor';
import type { Drops } from './drops';
import type { Ledger } from './ledger';
import { backoffMillis, classify, neverSent, unreachable } from './retry-policy';
import { sleep } from './sleep';
import type { TransportTunables } from './types';

/** What one request returns: the answer, or the network error. Never rejects. */
export type SendResult = HttpResult;

/** Makes one request with `body` and `headers`, aborted by `signal`, within `timeoutMillis`. */
export type Send = (
  body: Uint8Array,
  headers: Readonly<Record<string, string>>,
  signal: AbortSignal,
  timeoutMillis: number,
) => Promise<SendResult>;

/**
 * How one body's sending ended:
 * - `done`: delivered, or dropped for good (and counted);
 * - `split`: the endpoint found it too large (413): send it in halves, or drop a single record;
 * - `park`: cannot be sent now (circuit open, a long wait) and a spool can keep it;
 * - `aborted`: shutdown aborted it;
 * - `exhausted`: the retry budget ran out;
 * - `unreachable`: at shutdown, nothing answers at the endpoint's address.
 */
export type Outcome = 'done' | 'split' | 'park' | 'aborted' | 'exhausted' | 'unreachable';

/** The transport's state, as the retry loop reads it. */
export interface DeliveryState {
  /** Shutdown has begun. */
  readonly stopping: boolean;
  /** A flush (or the shutdown flush) is waiting. */
  readonly flushing: boolean;
  /** A body that cannot be sent now may be parked (there is a spool). */
  readonly canPark: boolean;
}

/** Time, injectable for tests. */
export interface DeliveryClock {
  /** Clock time in ms (budgets, `Retry-After` dates, the signal-wide pause). */
  now(): number;
  /** A monotonic time in ms, for round-trip times. */
  elapsed(): number;
  /** Resolves after `ms`, or at once when `signal` aborts; never keeps the process alive. */
  sleep(ms: number, signal: AbortSignal): Promise<void>;
}

const REAL_CLOCK: DeliveryClock = {
  now: () => Date.now(),
  elapsed: () => performance.now(),
  sleep,
};

export type DeliveryTunables = Pick<
  TransportTunables,
  | 'requestTimeoutMillis'
  | 'retryBudgetMillis'
  | 'initialBackoffMillis'
  | 'maxBackoffMillis'
  | 'maxRetryAfterMillis'
  | 'spoolAfterWaitMillis'
  | 'random'
>;

/** What a {@link Delivery} works with. */
export interface DeliveryOptions {
  /** The signal, for debug lines. */
  readonly name: string;
  readonly send: Send;
  /** Headers of every request (auth, user agent); content type and encoding are added. */
  readonly headers: Readonly<Record<string, string>>;
  readonly compressor: Compressor;
  readonly breaker: CircuitBreaker;
  readonly adaptive: AdaptiveConcurrency;
  /** Requests, retries, duplicates, batch histograms, delivered records. */
  readonly ledger: Ledger;
  /** Counts and reports the records of a body the endpoint refused for good. */
  readonly drops: Pick<Drops, 'inFlight'>;
  readonly tunables: DeliveryTunables;
  readonly state: DeliveryState;
  /** Aborted at the end of the shutdown flush: every request and wait ends. */
  readonly signal: AbortSignal;
  /** Records an OTLP `partial_success` in a 2xx answer rejected (0 when none). */
  readonly rejected: (response: Uint8Array) => number;
  /**
   * The receiver refused `refused`; the compressor stepped down to `now` (`undefined`: none).
   * Called once per step.
   */
  readonly onEncodingRefused: (
    refused: 'gzip' | 'zstd',
    status: number,
    now: 'gzip' | undefined,
  ) => void;
  readonly clock?: DeliveryClock;
  /**
   * Requests with a retryable outcome (429, 5xx, network error) before giving up
   * (`exhausted`), budget permitting. Default: unlimited (the retry budget decides).
   */
  readonly maxAttempts?: number;
}

/** The retry loop of one transport (one instance serves all its concurrent batches). */
export class Delivery {
  private readonly o: DeliveryOptions;
  private readonly clock: DeliveryClock;
  private readonly headersByEncoding = new Map<string, Readonly<Record<string, string>>>();
  /** No request before this time (an honoured Retry-After pauses the whole signal). */
  private notBefore = 0;
  /** Aborted (and replaced) to end every backoff wait now: flush and shutdown try at once. */
  private wakeup = new AbortController();
  /**
   * The code of the last attempt, made during a flush or shutdown, that found nothing at the
   * endpoint's address; cleared by any HTTP answer.
   */
  private down: string | undefined;
  private readonly downWaiters = new Set<() => void>();

  constructor(options: DeliveryOptions) {
    this.o = options;
    this.clock = options.clock ?? REAL_CLOCK;
  }

  /** Why the endpoint was found unreachable during a flush or shutdown, if it was. */
  get endpointDown(): string | undefined {
    return this.down;
  }

  /** Batches waiting in backoff, or on an open circuit, try once more now (flush, shutdown). */
  tryNow(): void {
    this.wakeup.abort();
    this.wakeup = new AbortController();
    this.o.breaker.probeNow();
  }

  /** `work`, or less: resolves early when an attempt finds nothing at the endpoint's address. */
  async untilEndpointDown(work: Promise<void>): Promise<void> {
    let waiter: (() => void) | undefined;
    const down = new Promise<void>((resolve) => {
      waiter = resolve;
      this.downWaiters.add(resolve);
    });
    try {
      await Promise.race([work, down]);
    } finally {
      this.downWaiters.delete(waiter!);
    }
  }

  /**
   * Sends `body` (`records` records, OTLP-encoded as `contentType`) until it is delivered,
   * dropped, must be split, parked or given up. `full`: the batch was as large as the batch
   * size allowed (adaptive batch size feedback).
   */
  async deliver(
    body: Uint8Array,
    records: number,
    full: boolean,
    contentType: string,
  ): Promise<Outcome> {
    const { breaker, adaptive, ledger, compressor, tunables: t, state } = this.o;
    const { clock } = this;
    const signal = this.o.signal;
    const maxAttempts = this.o.maxAttempts ?? Number.POSITIVE_INFINITY;
    const started = clock.now();
    let compressed: Compressed = compressor.compress(body);
    ledger.batch(records, body.length === 0 ? 1 : compressed.body.length / body.length);
    let attempt = 0;
    let answerLost = false;
    /** The encoding a 400 was answered to, while this body is tried once uncompressed. */
    let suspectEncoding: 'gzip' | 'zstd' | undefined;
    for (;;) {
      if (signal.aborted) return 'aborted';
      if (state.stopping && this.down !== undefined) return 'unreachable';
      const pause = this.notBefore - clock.now();
      if (pause > 0) {
        if (state.canPark && pause > t.spoolAfterWaitMillis) return 'park';
        await clock.sleep(pause, signal);
        continue;
      }
      if (clock.now() - started > t.retryBudgetMillis) return 'exhausted';
      if (state.canPark && breaker.blocked) return 'park';
      const permit = await breaker.acquire(signal);
      if (permit === undefined) return 'aborted';
      if (answerLost) ledger.possibleDuplicate(records);
      const t0 = clock.elapsed();
      const result = await this.o.send(
        compressed.body,
        this.headersFor(compressed.encoding, contentType),
        signal,
        t.requestTimeoutMillis,
      );
      const rttMillis = clock.elapsed() - t0;
      const retry = attempt > 0;
      let delay: number;
      if (result.kind === 'network-error') {
        if (result.code === 'ABORTED') {
          breaker.abandon(permit.probe);
          return 'aborted';
        }
        ledger.request({ retry, seconds: rttMillis / 1000, outcome: 'network_error' });
        debug(`${this.o.name} export network error ${result.code}`);
        answerLost = result.bodySent && !neverSent(result.code);
        breaker.failure(permit.probe);
        adaptive.feedback({ rttMillis, ok: false, backPressure: true, fullBatch: full });
        if (unreachable(result.code) && (state.stopping || state.flushing)) {
          this.noteEndpointDown(result.code);
          if (state.stopping) return 'unreachable';
        }
        delay = this.backoff(attempt);
      } else {
        const outcome = `${Math.floor(result.status / 100)}xx`;
        ledger.request({ retry, seconds: rttMillis / 1000, outcome });
        answerLost = false;
        this.down = undefined;
        const verdict = classify(
          result.status,
          result.retryAfter,
          compressed.encoding,
          clock.now(),
        );
        // Every retryable answer (429, 503, 408, 5xx) is back-pressure: the limit shrinks.
        switch (verdict.kind) {
          case 'delivered': {
            breaker.success(permit.probe);
            adaptive.feedback({ rttMillis, ok: true, backPressure: false, fullBatch: full });
            // Taken uncompressed after a 400 to the compressed body: the receiver cannot read it.
            if (suspectEncoding !== undefined) this.encodingRefused(suspectEncoding, 400);
            ledger.delivered(records, this.rejectedIn(result.body));
            return 'done';
          }
          case 'split':
            breaker.success(permit.probe);
            adaptive.feedback({ rttMillis, ok: false, backPressure: false, fullBatch: full });
            return 'split';
          case 'encoding-refused':
            breaker.success(permit.probe);
            this.encodingRefused(compressed.encoding!, 415);
            compressed = compressor.compress(body);
            continue;
          case 'retry-uncompressed':
            breaker.success(permit.probe);
            suspectEncoding = compressed.encoding!;
            compressed = { body, encoding: undefined };
            continue;
          case 'drop':
            breaker.success(permit.probe);
            this.o.drops.inFlight(records, verdict.reason, result.status);
            return 'done';
          case 'retry':
            breaker.failure(permit.probe);
            adaptive.feedback({ rttMillis, ok: false, backPressure: true, fullBatch: full });
            if (verdict.retryAfterMillis !== undefined) {
              delay = Math.min(t.maxRetryAfterMillis, verdict.retryAfterMillis);
              this.notBefore = Math.max(this.notBefore, clock.now() + delay);
            } else {
              delay = this.backoff(attempt);
            }
            break;
        }
      }
      attempt += 1;
      if (attempt >= maxAttempts) return 'exhausted';
      if (state.canPark && delay > t.spoolAfterWaitMillis) return 'park';
      if (clock.now() + delay - started > t.retryBudgetMillis) return 'exhausted';
      await clock.sleep(delay, AbortSignal.any([signal, this.wakeup.signal]));
    }
  }

  private headersFor(
    encoding: string | undefined,
    contentType: string,
  ): Readonly<Record<string, string>> {
    const key = `${encoding ?? ''}|${contentType}`;
    let headers = this.headersByEncoding.get(key);
    if (headers === undefined) {
      const fresh: Record<string, string> = { ...this.o.headers, 'content-type': contentType };
      if (encoding !== undefined) fresh['content-encoding'] = encoding;
      this.headersByEncoding.set(key, (headers = fresh));
    }
    return headers;
  }

  /** The receiver refused an encoding: step down for the rest of the process, say so once. */
  private encodingRefused(encoding: 'gzip' | 'zstd', status: number): void {
    const now = this.o.compressor.refused(encoding);
    if (now === false) return;
    this.o.onEncodingRefused(encoding, status, now);
  }

  private noteEndpointDown(code: string): void {
    this.down = code;
    for (const resolve of this.downWaiters) resolve();
  }

  private backoff(attempt: number): number {
    const t = this.o.tunables;
    return backoffMillis({
      attempt,
      initialMillis: t.initialBackoffMillis,
      maxMillis: t.maxBackoffMillis,
      random: t.random,
    });
  }

  private rejectedIn(response: Uint8Array): number {
    if (response.length === 0) return 0;
    try {
      return this.o.rejected(response);
    } catch {
      return 0; // An unreadable answer to a 2xx is still a success.
    }
  }
}
