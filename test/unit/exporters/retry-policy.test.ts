import { describe, expect, it } from 'vitest';
import {
  backoffMillis,
  classify,
  parseRetryAfter,
} from '../../../exporters/transport/retry-policy';
import { createRandom } from '../../support/prng';

describe('status handling', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');
  it.each([
    [200, 'delivered'],
    [204, 'delivered'],
    [413, 'split'],
    [401, 'drop'],
    [403, 'drop'],
    [400, 'drop'],
    [404, 'drop'],
    [415, 'drop'],
    [408, 'retry'],
    [429, 'retry'],
    [500, 'retry'],
    [502, 'retry'],
    [503, 'retry'],
    [504, 'retry'],
  ] as const)('%i -> %s', (status, kind) => {
    expect(classify(status, undefined, undefined, now).kind).toBe(kind);
  });

  it('401/403 drop as auth, 400 as rejected', () => {
    expect(classify(401, undefined, undefined)).toEqual({ kind: 'drop', reason: 'auth' });
    expect(classify(403, undefined, undefined)).toEqual({ kind: 'drop', reason: 'auth' });
    expect(classify(400, undefined, undefined)).toEqual({ kind: 'drop', reason: 'rejected' });
  });

  it('415 to a compressed body: the encoding is refused; uncompressed, a plain rejection', () => {
    expect(classify(415, undefined, 'zstd').kind).toBe('encoding-refused');
    expect(classify(415, undefined, 'gzip').kind).toBe('encoding-refused');
    expect(classify(415, undefined, undefined)).toEqual({ kind: 'drop', reason: 'rejected' });
  });

  it('400 to a compressed body: try it once uncompressed before dropping', () => {
    expect(classify(400, undefined, 'gzip').kind).toBe('retry-uncompressed');
    expect(classify(400, undefined, 'zstd').kind).toBe('retry-uncompressed');
  });

  it('honours Retry-After on 429 and 503 only', () => {
    expect(classify(503, '3', undefined, now)).toEqual({ kind: 'retry', retryAfterMillis: 3000 });
    expect(classify(429, '1', undefined, now)).toEqual({ kind: 'retry', retryAfterMillis: 1000 });
    for (const status of [408, 500, 502, 504]) {
      expect(classify(status, '3', undefined, now)).toEqual({
        kind: 'retry',
        retryAfterMillis: undefined,
      });
    }
  });
});

describe('Retry-After', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');
  it('reads delta-seconds', () => {
    expect(parseRetryAfter('0', now)).toBe(0);
    expect(parseRetryAfter(' 120 ', now)).toBe(120_000);
  });
  it('reads an HTTP date, past dates mean now', () => {
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:05 GMT', now)).toBe(5000);
    expect(parseRetryAfter('Wed, 31 Dec 2025 23:59:00 GMT', now)).toBe(0);
  });
  it('ignores what it cannot read', () => {
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
    expect(parseRetryAfter('', now)).toBeUndefined();
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter('-5', now)).toBeUndefined();
  });
});

describe('backoff with full jitter', () => {
  it('stays within [0, min(max, initial * 2^attempt)]', () => {
    const random = createRandom(1);
    for (let attempt = 0; attempt < 40; attempt++) {
      const ceiling = Math.min(30_000, 100 * 2 ** attempt);
      for (let i = 0; i < 50; i++) {
        const delay = backoffMillis({ attempt, initialMillis: 100, maxMillis: 30_000, random });
        expect(delay).toBeGreaterThanOrEqual(0);
        expect(delay).toBeLessThanOrEqual(ceiling);
      }
    }
  });
  it('spreads delays over the whole range', () => {
    const random = createRandom(2);
    const delays = Array.from({ length: 500 }, () =>
      backoffMillis({ attempt: 10, initialMillis: 100, maxMillis: 10_000, random }),
    );
    expect(Math.min(...delays)).toBeLessThan(1000);
    expect(Math.max(...delays)).toBeGreaterThan(9000);
  });
});
