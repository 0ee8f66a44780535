import { gunzipSync } from 'node:zlib';
import * as zlib from 'node:zlib';
import { diag, DiagLogLevel } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { afterEach, describe, expect, it } from 'vitest';
import { resetDiagRateLimits } from '../../../src/base/diag';
import { BoundedQueue } from '../../../exporters/transport/queue';
import { Transport } from '../../../exporters/transport/transport';
import { CircuitBreaker } from '../../../exporters/transport/circuit-breaker';
import { Compressor } from '../../../exporters/transport/compressor';
import { AdaptiveConcurrency } from '../../../exporters/transport/concurrency';
import { createRandom } from '../../support/prng';

describe('bounded queue', () => {
  it('refuses what would exceed either bound (drop newest) and keeps order', () => {
    const queue = new BoundedQueue<string>({ maxRecords: 3, maxBytes: 100 });
    expect(queue.offer('a', 1, 10)).toBe(true);
    expect(queue.offer('b', 1, 80)).toBe(true);
    expect(queue.offer('c', 1, 20)).toBe(false); // bytes
    expect(queue.offer('d', 1, 10)).toBe(true);
    expect(queue.offer('e', 1, 1)).toBe(false); // records
    expect(queue.records).toBe(3);
    expect(queue.bytes).toBe(100);
    expect(queue.take(2, 1000).items).toEqual(['a', 'b']);
    expect(queue.take(10, 1000)).toEqual({ items: ['d'], records: 1, bytes: 10 });
    expect(queue.records).toBe(0);
  });

  it('takes at least one item, then stays under the byte limit', () => {
    const queue = new BoundedQueue<number>({ maxRecords: 100, maxBytes: 1000 });
    queue.offer(1, 1, 50);
    queue.offer(2, 1, 50);
    expect(queue.take(10, 10).items).toEqual([1]);
    expect(queue.take(0, 1000).items).toEqual([2]);
  });

  it('stays consistent across many offers and takes', () => {
    const queue = new BoundedQueue<number>({ maxRecords: 10_000, maxBytes: 1e9 });
    let next = 0;
    let expected = 0;
    for (let round = 0; round < 100; round++) {
      for (let i = 0; i < 50; i++) queue.offer(next++, 1, 1);
      for (const item of queue.take(37, 1e9).items) expect(item).toBe(expected++);
    }
    expect(queue.records).toBe(next - expected);
  });
});

describe('circuit breaker', () => {
  it('opens after the threshold, lets exactly one probe through, closes on its success', async () => {
    const breaker = new CircuitBreaker({ failureThreshold: 2, openMillis: 50 });
    const signal = new AbortController().signal;
    breaker.failure(false);
    expect(breaker.state).toBe('closed');
    breaker.failure(false);
    expect(breaker.state).toBe('open');
    expect(breaker.blocked).toBe(true);
    const waiters = [breaker.acquire(signal), breaker.acquire(signal), breaker.acquire(signal)];
    const first = await Promise.race(waiters);
    expect(first).toEqual({ probe: true });
    expect(breaker.state).toBe('half-open');
    let released = 0;
    for (const waiter of waiters) void waiter.then(() => (released += 1));
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(released).toBe(1); // only the probe
    breaker.success(true);
    await Promise.all(waiters);
    expect(breaker.state).toBe('closed');
  });

  it('a failed probe opens it again for longer', async () => {
    const breaker = new CircuitBreaker({ failureThreshold: 1, openMillis: 20 });
    const signal = new AbortController().signal;
    breaker.failure(false);
    const permit = await breaker.acquire(signal);
    expect(permit).toEqual({ probe: true });
    const t0 = Date.now();
    breaker.failure(true);
    expect(breaker.state).toBe('open');
    await breaker.acquire(signal);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(35); // 40 ms, timer granularity aside
  });

  it('a late success of a request sent before opening does not close it', () => {
    const breaker = new CircuitBreaker({ failureThreshold: 1, openMillis: 1000 });
    breaker.failure(false);
    breaker.success(false);
    expect(breaker.state).toBe('open');
  });

  it('abort releases the waiters', async () => {
    const breaker = new CircuitBreaker({ failureThreshold: 1, openMillis: 60_000 });
    breaker.failure(false);
    const controller = new AbortController();
    const waiting = breaker.acquire(controller.signal);
    controller.abort();
    expect(await waiting).toBeUndefined();
  });
});

describe('compressor', () => {
  const big = new TextEncoder().encode('otlp '.repeat(2000));
  const small = new TextEncoder().encode('tiny');
  const prng = createRandom(9);
  const random = Uint8Array.from({ length: 4096 }, () => Math.floor(prng() * 256));

  it('auto: compresses large compressible bodies, leaves small or incompressible ones', () => {
    const compressor = new Compressor('auto');
    const out = compressor.compress(big);
    expect(out.encoding).toBe('gzip');
    expect(gunzipSync(out.body)).toEqual(Buffer.from(big));
    expect(compressor.compress(small)).toEqual({ body: small, encoding: undefined });
    expect(compressor.compress(random).encoding).toBeUndefined();
  });

  it('gzip and none do what they say', () => {
    expect(new Compressor('gzip').compress(small).encoding).toBe('gzip');
    expect(new Compressor('none').compress(big).encoding).toBeUndefined();
  });

  it('zstd round-trips, steps down to gzip, then to none, once each is refused', () => {
    const compressor = new Compressor('zstd');
    const out = compressor.compress(big);
    expect(out.encoding).toBe('zstd');
    const zstdDecompressSync = (
      zlib as unknown as { zstdDecompressSync: (b: Uint8Array) => Buffer }
    ).zstdDecompressSync;
    expect(zstdDecompressSync(out.body)).toEqual(Buffer.from(big));
    expect(compressor.refused('zstd')).toBe('gzip');
    expect(compressor.compress(big).encoding).toBe('gzip');
    // A late answer to a request sent before the step down changes nothing.
    expect(compressor.refused('zstd')).toBe(false);
    expect(compressor.refused('gzip')).toBeUndefined();
    expect(compressor.compress(big)).toEqual({ body: big, encoding: undefined });
    expect(compressor.refused('gzip')).toBe(false);
  });

  it('auto and gzip step down to none when gzip is refused', () => {
    for (const mode of ['auto', 'gzip'] as const) {
      const compressor = new Compressor(mode);
      expect(compressor.refused('gzip')).toBeUndefined();
      expect(compressor.compress(big).encoding).toBeUndefined();
    }
  });
});

describe('adaptive concurrency', () => {
  const bounds = {
    minConcurrency: 1,
    maxConcurrency: 8,
    minBatchRecords: 16,
    maxBatchRecords: 1024,
    initialBatchRecords: 128,
  };

  it('grows additively on healthy answers up to its cap, batch size too', () => {
    const adaptive = new AdaptiveConcurrency(bounds);
    for (let i = 0; i < 500; i++)
      adaptive.feedback({ rttMillis: 10, ok: true, backPressure: false, fullBatch: true });
    expect(adaptive.limit).toBe(8);
    expect(adaptive.batchRecords).toBe(1024);
  });

  it('shrinks multiplicatively on back-pressure, never under its floor', () => {
    const adaptive = new AdaptiveConcurrency(bounds);
    for (let i = 0; i < 500; i++)
      adaptive.feedback({ rttMillis: 10, ok: true, backPressure: false, fullBatch: true });
    adaptive.feedback({ rttMillis: 10, ok: false, backPressure: true, fullBatch: true });
    expect(adaptive.limit).toBe(5);
    expect(adaptive.batchRecords).toBe(512);
  });

  it('never hands out more slots than the limit', () => {
    const adaptive = new AdaptiveConcurrency(bounds);
    let granted = 0;
    while (adaptive.tryAcquire()) granted += 1;
    expect(granted).toBe(adaptive.limit);
    adaptive.release();
    expect(adaptive.tryAcquire()).toBe(true);
  });
});

describe('drop warnings', () => {
  afterEach(() => diag.disable());

  it('SL_EXPORT_DROPPED is logged once a minute per code, whatever the reason', async () => {
    resetDiagRateLimits();
    const messages: string[] = [];
    const capture = (...args: unknown[]) => void messages.push(args.map(String).join(' '));
    diag.setLogger(
      { error: capture, warn: capture, info: capture, debug: () => {}, verbose: () => {} },
      { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true },
    );
    const t = new Transport({
      codec: {
        signal: 'logs',
        mergeable: true,
        resource: () => resourceFromAttributes({}),
        records: () => 1,
        estimateBytes: () => 10,
        encode: (items) => Buffer.from(items.join('\n')),
        rejected: () => 0,
      },
      // Nothing listens there: refused at once, and no batch leaves before shutdown anyway.
      target: {
        url: 'http://127.0.0.1:9/v1/logs',
        headers: {},
        protocol: 'http/protobuf',
        compression: 'none',
      },
      tunables: { queueMaxRecords: 1, batchDelayMillis: 60_000, shutdownFlushMillis: 10 },
    });
    expect(t.enqueue(['kept', 'full 1', 'full 2'])).toBe(false);
    await t.shutdown();
    expect(t.enqueue(['after shutdown'])).toBe(false);
    const s = t.stats();
    expect(s.droppedByReason.queue_full).toBe(2);
    expect(s.droppedByReason.shutdown).toBeGreaterThanOrEqual(1);
    const dropped = messages.filter((m) => m.includes('SL_EXPORT_DROPPED'));
    expect(dropped).toHaveLength(1);
    expect(dropped[0]).toContain('queue_full');
  });
});
