/**
 * The retry loop of one body (exporters/transport/delivery.ts), driven by a scripted fake send
 * and a virtual clock: no server, no process, no real waiting. Each case follows a row of the
 * status table in docs/exporter.md.
 */
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { CircuitBreaker } from '../../../exporters/transport/circuit-breaker';
import { Compressor } from '../../../exporters/transport/compressor';
import { AdaptiveConcurrency } from '../../../exporters/transport/concurrency';
import { Delivery } from '../../../exporters/transport/delivery';
import type {
  DeliveryClock,
  DeliveryOptions,
  Send,
  SendResult,
} from '../../../exporters/transport/delivery';
import { Ledger } from '../../../exporters/transport/ledger';
import type { DropReason } from '../../../exporters/transport/types';
import { DEFAULT_TRANSPORT_OPTIONS } from '../../../exporters/transport/types';
import type { Compression } from '../../../src/config/options';

/** One scripted request: a status (optionally with Retry-After), or a network error. */
type Step =
  | number
  | { status: number; retryAfter?: string; body?: Uint8Array }
  | { error: string; bodySent?: boolean };

interface Sent {
  encoding: string | undefined;
  contentType: string | undefined;
  body: Uint8Array;
  at: number;
}

const T0 = 1_700_000_000_000;
/** Large enough to compress well: auto and gzip compress it. */
const BODY = new TextEncoder().encode('an OTLP batch '.repeat(200));

function result(step: Step): SendResult {
  if (typeof step === 'number') step = { status: step };
  if ('error' in step) {
    return { kind: 'network-error', code: step.error, bodySent: step.bodySent ?? false };
  }
  return {
    kind: 'answer',
    status: step.status,
    retryAfter: step.retryAfter,
    etag: undefined,
    contentType: undefined,
    body: step.body ?? new Uint8Array(),
    truncated: false,
  };
}

interface HarnessOptions {
  compression?: Compression;
  tunables?: Partial<DeliveryOptions['tunables']>;
  state?: Partial<{ stopping: boolean; flushing: boolean; canPark: boolean }>;
  circuitFailureThreshold?: number;
  maxAttempts?: number;
  /** A sleep that only ends when its signal aborts (to test tryNow and abort). */
  sleepsForever?: boolean;
  rejected?: number;
}

function harness(script: Step[], options: HarnessOptions = {}) {
  const clock = { now: T0, sleeps: [] as number[] };
  const virtual: DeliveryClock = {
    now: () => clock.now,
    elapsed: () => clock.now,
    sleep: (ms, signal) => {
      clock.sleeps.push(ms);
      if (options.sleepsForever === true) {
        return new Promise((resolve) => signal.addEventListener('abort', () => resolve()));
      }
      if (!signal.aborted) clock.now += Math.max(0, ms);
      return Promise.resolve();
    },
  };
  const sent: Sent[] = [];
  const send: Send = (body, headers) => {
    sent.push({
      encoding: headers['content-encoding'],
      contentType: headers['content-type'],
      body,
      at: clock.now,
    });
    const step = script.shift();
    if (step === undefined) throw new Error(`request ${sent.length} was not scripted`);
    clock.now += 1; // every request takes a millisecond
    return Promise.resolve(result(step));
  };
  const ledger = new Ledger();
  const dropped: { records: number; reason: DropReason; status: number | undefined }[] = [];
  const refusals: { refused: string; status: number; now: string | undefined }[] = [];
  const state = { stopping: false, flushing: false, canPark: false, ...options.state };
  const abort = new AbortController();
  const breaker = new CircuitBreaker({
    failureThreshold: options.circuitFailureThreshold ?? 1000,
    openMillis: 60_000,
  });
  const adaptive = new AdaptiveConcurrency(DEFAULT_TRANSPORT_OPTIONS);
  const compressor = new Compressor(options.compression ?? 'none');
  const delivery = new Delivery({
    name: 'logs',
    send,
    headers: { authorization: 'Bearer k' },
    compressor,
    breaker,
    adaptive,
    ledger,
    drops: {
      inFlight: (records, reason, status) => {
        ledger.droppedInFlight(records, reason);
        dropped.push({ records, reason, status });
      },
    },
    tunables: { ...DEFAULT_TRANSPORT_OPTIONS, random: () => 0.5, ...options.tunables },
    state,
    signal: abort.signal,
    rejected: () => options.rejected ?? 0,
    onEncodingRefused: (refused, status, now) => void refusals.push({ refused, status, now }),
    clock: virtual,
    ...(options.maxAttempts === undefined ? {} : { maxAttempts: options.maxAttempts }),
  });
  /** Delivers BODY as `records` records in flight (as the transport does after dequeue). */
  const deliver = (records = 10) => {
    ledger.dequeued(records);
    return delivery.deliver(BODY, records, true, 'application/x-protobuf');
  };
  return {
    delivery,
    deliver,
    ledger,
    sent,
    clock,
    dropped,
    refusals,
    state,
    abort,
    breaker,
    adaptive,
    compressor,
    script,
  };
}

describe('delivery: answers', () => {
  it('2xx: delivered at once, counted, one request', async () => {
    const h = harness([200]);
    expect(await h.deliver()).toBe('done');
    expect(h.ledger.counts).toMatchObject({ delivered: 10, inFlight: 0, requests: 1, retries: 0 });
    expect(h.sent).toHaveLength(1);
    expect(h.sent[0]?.contentType).toBe('application/x-protobuf');
    expect(h.clock.sleeps).toEqual([]);
  });

  it('2xx with an OTLP partial_success: the rejected records are dropped as partial_success', async () => {
    const h = harness([{ status: 200, body: new Uint8Array([1]) }], { rejected: 3 });
    expect(await h.deliver()).toBe('done');
    expect(h.ledger.counts).toMatchObject({ delivered: 7, dropped: 3, inFlight: 0 });
    expect(h.ledger.droppedByReason.partial_success).toBe(3);
  });

  it.each([
    [400, 'rejected'],
    [404, 'rejected'],
    [415, 'rejected'],
    [401, 'auth'],
    [403, 'auth'],
  ])('%i to an uncompressed body: dropped as %s, not retried', async (status, reason) => {
    const h = harness([status]);
    expect(await h.deliver()).toBe('done');
    expect(h.dropped).toEqual([{ records: 10, reason, status }]);
    expect(h.sent).toHaveLength(1);
    expect(h.ledger.counts).toMatchObject({ dropped: 10, inFlight: 0, delivered: 0 });
  });

  it('413: the caller splits (nothing dropped here)', async () => {
    const h = harness([413]);
    expect(await h.deliver()).toBe('split');
    expect(h.dropped).toEqual([]);
    expect(h.sent).toHaveLength(1);
  });
});

describe('delivery: retries', () => {
  it('500, 502, 504, 408: exponential backoff with full jitter, then delivered', async () => {
    const h = harness([500, 502, 504, 408, 200]);
    expect(await h.deliver()).toBe('done');
    // random() = 0.5 of min(30 s, 100 ms * 2^attempt)
    expect(h.clock.sleeps).toEqual([50, 100, 200, 400]);
    expect(h.ledger.counts).toMatchObject({ requests: 5, retries: 4, delivered: 10 });
  });

  it('backoff stays under maxBackoffMillis', async () => {
    const h = harness([500, 500, 500, 500, 200], {
      tunables: { random: () => 1, initialBackoffMillis: 100, maxBackoffMillis: 300 },
    });
    await h.deliver();
    expect(h.clock.sleeps).toEqual([100, 200, 300, 300]);
  });

  it.each([429, 503])(
    '%i with Retry-After (seconds): waits what it says, capped',
    async (status) => {
      const h = harness([{ status, retryAfter: '7' }, { status, retryAfter: '3600' }, 200]);
      expect(await h.deliver()).toBe('done');
      expect(h.clock.sleeps).toEqual([7000, DEFAULT_TRANSPORT_OPTIONS.maxRetryAfterMillis]);
    },
  );

  it('Retry-After as an HTTP date', async () => {
    const at = new Date(T0 + 1 + 12_000).toUTCString(); // the answer comes 1 ms after T0
    const h = harness([{ status: 503, retryAfter: at }, 200]);
    await h.deliver();
    expect(h.clock.sleeps).toHaveLength(1);
    expect(h.clock.sleeps[0]).toBeGreaterThan(10_000);
    expect(h.clock.sleeps[0]).toBeLessThanOrEqual(12_000);
  });

  it('500 ignores Retry-After (only 429 and 503 honour it)', async () => {
    const h = harness([{ status: 500, retryAfter: '30' }, 200]);
    await h.deliver();
    expect(h.clock.sleeps).toEqual([50]);
  });

  it('Retry-After pauses the whole signal: another body waits too', async () => {
    const h = harness([{ status: 429, retryAfter: '5' }, 200, 200]);
    expect(await h.deliver()).toBe('done');
    h.clock.now = T0 + 1 + 1000; // 1 s after the 429 came (its request took 1 ms)
    expect(await h.deliver()).toBe('done');
    expect(h.clock.sleeps).toEqual([5000, 4000]);
  });

  it('gives up when the retry budget is spent', async () => {
    const failures: Step[] = Array.from({ length: 100 }, () => 503);
    const h = harness(failures, {
      tunables: { retryBudgetMillis: 10_000, random: () => 1, maxBackoffMillis: 3000 },
    });
    expect(await h.deliver()).toBe('exhausted');
    const elapsed = h.clock.now - T0;
    expect(elapsed).toBeLessThanOrEqual(10_000);
    // 100 + 200 + 400 + 800 + 1600 + 3000 + 3000 = 9100 (and 1 ms per request); the next
    // 3000 would pass the budget.
    expect(h.clock.sleeps).toEqual([100, 200, 400, 800, 1600, 3000, 3000]);
    expect(h.sent).toHaveLength(8);
    expect(h.ledger.counts.inFlight).toBe(10); // the caller spools or drops it
  });

  it('maxAttempts: one try (doctor) ends a retryable answer at once', async () => {
    const h = harness([503], { maxAttempts: 1 });
    expect(await h.deliver()).toBe('exhausted');
    expect(h.sent).toHaveLength(1);
    expect(h.clock.sleeps).toEqual([]);
  });
});

describe('delivery: network errors', () => {
  it('a lost answer after the body was sent: the resend counts as possible duplicates', async () => {
    const h = harness([{ error: 'ECONNRESET', bodySent: true }, { error: 'ETIMEDOUT' }, 200]);
    expect(await h.deliver()).toBe('done');
    // The second request may duplicate the first; the third follows an error before sending.
    expect(h.ledger.counts).toMatchObject({ possibleDuplicates: 10, requests: 3, delivered: 10 });
    expect(h.ledger.durations.get('network_error')?.count).toBe(2);
  });

  it('a refused connection never reached the server: no duplicate', async () => {
    const h = harness([{ error: 'ECONNREFUSED', bodySent: true }, 200]);
    await h.deliver();
    expect(h.ledger.counts.possibleDuplicates).toBe(0);
    expect(h.delivery.endpointDown).toBeUndefined(); // not during a flush or shutdown
  });

  it('at shutdown, an endpoint where nothing answers is given up at once', async () => {
    for (const code of ['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']) {
      const h = harness([{ error: code }], { state: { stopping: true } });
      expect(await h.deliver()).toBe('unreachable');
      expect(h.delivery.endpointDown).toBe(code);
      expect(h.sent).toHaveLength(1);
      expect(h.clock.sleeps).toEqual([]); // no backoff first
    }
  });

  it('at shutdown, a slow or resetting endpoint is still retried', async () => {
    const h = harness([{ error: 'ECONNRESET' }, { error: 'ETIMEDOUT' }, 200], {
      state: { stopping: true },
    });
    expect(await h.deliver()).toBe('done');
    expect(h.delivery.endpointDown).toBeUndefined();
  });

  it('during a flush: an unreachable endpoint is noted (the flush stops waiting), the body keeps retrying', async () => {
    const h = harness([{ error: 'ECONNREFUSED' }, { error: 'ECONNREFUSED' }, 200], {
      state: { flushing: true },
    });
    let waited = false;
    const flush = h.delivery.untilEndpointDown(new Promise<void>(() => {})).then(() => {
      waited = true;
    });
    expect(await h.deliver()).toBe('done');
    await flush;
    expect(waited).toBe(true);
    // Any HTTP answer clears it.
    expect(h.delivery.endpointDown).toBeUndefined();
    expect(h.ledger.counts.delivered).toBe(10);
  });
});

describe('delivery: compression step-down', () => {
  it('415 to gzip: resent uncompressed at once; the signal stays uncompressed', async () => {
    const h = harness([415, 200, 200], { compression: 'gzip' });
    expect(await h.deliver()).toBe('done');
    expect(h.sent.map((s) => s.encoding)).toEqual(['gzip', undefined]);
    expect(gunzipSync(h.sent[0]!.body)).toEqual(Buffer.from(BODY));
    expect(h.clock.sleeps).toEqual([]);
    expect(h.refusals).toEqual([{ refused: 'gzip', status: 415, now: undefined }]);
    await h.deliver();
    expect(h.sent[2]?.encoding).toBeUndefined();
    expect(h.refusals).toHaveLength(1);
  });

  it('415 to zstd steps down to gzip, then to none', async () => {
    const h = harness([415, 415, 200], { compression: 'zstd' });
    expect(await h.deliver()).toBe('done');
    expect(h.sent.map((s) => s.encoding)).toEqual(['zstd', 'gzip', undefined]);
    expect(h.refusals).toEqual([
      { refused: 'zstd', status: 415, now: 'gzip' },
      { refused: 'gzip', status: 415, now: undefined },
    ]);
  });

  it('400 to gzip that the plain body does not get: the receiver can read gzip; step down later, if ever', async () => {
    const h = harness([400, 200], { compression: 'gzip' });
    expect(await h.deliver()).toBe('done');
    expect(h.sent.map((s) => s.encoding)).toEqual(['gzip', undefined]);
    expect(h.refusals).toEqual([{ refused: 'gzip', status: 400, now: undefined }]);
  });

  it('400 to gzip and 400 to the plain body: a real rejection, gzip kept', async () => {
    const h = harness([400, 400, 200], { compression: 'gzip' });
    expect(await h.deliver()).toBe('done');
    expect(h.dropped).toEqual([{ records: 10, reason: 'rejected', status: 400 }]);
    expect(h.refusals).toEqual([]);
    await h.deliver();
    expect(h.sent[2]?.encoding).toBe('gzip');
  });

  it('observes the batch once per body, not per request', async () => {
    const h = harness([415, 500, 200], { compression: 'gzip' });
    await h.deliver(10);
    expect(h.ledger.batchRecords.count).toBe(1);
    expect(h.ledger.compressionRatio.count).toBe(1);
    expect(h.ledger.compressionRatio.sum).toBeLessThan(0.5);
    expect(h.ledger.counts.requests).toBe(3);
  });
});

describe('delivery: circuit breaker, concurrency, parking, shutdown', () => {
  it.each([
    [503, 1],
    [{ error: 'ECONNRESET' }, 1],
    [500, 1],
    [413, 2],
    [400, 2],
    [200, 2],
  ] as [Step, number][])(
    '%j leaves the concurrency limit (2 at start) at %i',
    async (step, limit) => {
      const h = harness([step], { maxAttempts: 1 });
      expect(h.adaptive.limit).toBe(2);
      await h.deliver();
      expect(h.adaptive.limit).toBe(limit);
    },
  );

  it('with a spool: parked when the circuit opens', async () => {
    const h = harness([503, 503, 200], { circuitFailureThreshold: 2, state: { canPark: true } });
    expect(await h.deliver()).toBe('park');
    expect(h.sent).toHaveLength(2);
    expect(h.breaker.state).toBe('open');
  });

  it('with a spool: parked instead of a wait longer than spoolAfterWaitMillis', async () => {
    const h = harness([{ status: 503, retryAfter: '30' }], { state: { canPark: true } });
    expect(await h.deliver()).toBe('park');
    expect(h.clock.sleeps).toEqual([]);
  });

  it('tryNow(): a body waiting in backoff tries again at once', async () => {
    const h = harness([500, 200], { sleepsForever: true });
    const outcome = h.deliver();
    await new Promise((resolve) => setImmediate(resolve));
    expect(h.sent).toHaveLength(1);
    h.delivery.tryNow();
    expect(await outcome).toBe('done');
    expect(h.sent).toHaveLength(2);
  });

  it('the shutdown abort ends a wait and the body comes back aborted', async () => {
    const h = harness([500], { sleepsForever: true });
    const outcome = h.deliver();
    await new Promise((resolve) => setImmediate(resolve));
    h.abort.abort();
    expect(await outcome).toBe('aborted');
    expect(h.ledger.counts.inFlight).toBe(10);
  });

  it('a request aborted in flight is not a failure of the endpoint', async () => {
    const h = harness([{ error: 'ABORTED', bodySent: true }], { circuitFailureThreshold: 1 });
    expect(await h.deliver()).toBe('aborted');
    expect(h.breaker.state).toBe('closed');
    expect(h.ledger.counts.requests).toBe(0);
  });
});
