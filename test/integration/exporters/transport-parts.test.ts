/**
 * The transport's adaptive concurrency against loopback endpoints that answer each status (the
 * parts alone are unit-tested in test/unit/exporters/transport-parts.test.ts).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { afterEach, describe, expect, it } from 'vitest';
import { Transport } from '../../../exporters/transport/transport';
import type { SignalCodec } from '../../../exporters/transport/types';

describe('adaptive concurrency in the transport', () => {
  const cleanups: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  /** A codec of strings: one record each. */
  const codec: SignalCodec<string> = {
    signal: 'logs',
    mergeable: true,
    resource: () => resourceFromAttributes({}),
    records: () => 1,
    estimateBytes: () => 10,
    encode: (items) => Buffer.from(items.join('\n')),
    rejected: () => 0,
  };

  async function answering(status: number): Promise<string> {
    const server = createServer((req, res) => {
      req.resume();
      req.on('end', () => res.writeHead(status).end());
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise((resolve) => server.close(resolve)));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/logs`;
  }

  // docs/exporter.md, status handling: every retryable answer is back-pressure (x0.7); a
  // success adds 1/limit; an answer that drops the batch leaves the limit alone.
  it.each([
    [500, 1],
    [502, 1],
    [504, 1],
    [408, 1],
    [429, 1],
    [503, 1],
    [400, 2],
    [200, 2],
  ])('a %i answer leaves the limit (2 at start) at %i', async (status, limit) => {
    const t = new Transport({
      codec,
      target: {
        url: await answering(status),
        headers: {},
        protocol: 'http/protobuf',
        compression: 'none',
      },
      tunables: {
        maxConcurrency: 8,
        batchDelayMillis: 1,
        // No retry before the check: one answer decides.
        initialBackoffMillis: 60_000,
        maxBackoffMillis: 60_000,
        circuitFailureThreshold: 1000,
        shutdownFlushMillis: 20,
      },
    });
    cleanups.push(() => t.shutdown());
    expect(t.stats().concurrencyLimit).toBe(2);
    t.enqueue(['one']);
    const end = Date.now() + 5000;
    while (t.stats().requests < 1) {
      if (Date.now() > end) throw new Error('no request answered');
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    expect(t.stats().concurrencyLimit).toBe(limit);
  });
});
