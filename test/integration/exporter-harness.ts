/**
 * Shared set-up of the exporter transport tests: a transport of the real code pointed at the
 * reference backend, records emitted through the real OTel SDK, and an accounting watcher
 * that checks received = delivered + dropped + queued + in_flight + spooled every few ms.
 */
import { expect } from 'vitest';
import { LoggerProvider } from '@opentelemetry/sdk-logs';
import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { TracerProvider } from '@opentelemetry/sdk-trace';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { resourceFromAttributes } from '@opentelemetry/resources';
import type { Compression, OtlpProtocol } from '../../src/config/options';
import { logCodec, traceCodec } from '../../exporters/transport/encoder';
import { Transport } from '../../exporters/transport/transport';
import type { TransportStats } from '../../exporters/transport/transport';
import type { TransportTunables } from '../../exporters/transport/types';
import { TransportLogRecordProcessor, TransportSpanProcessor } from '../../exporters/processors';
import { createRandom } from '../support/prng';
import type { Backend } from '../support/backend';

/** Fast retries for tests; a seeded jitter. */
export const FAST: Partial<TransportTunables> = {
  initialBackoffMillis: 10,
  maxBackoffMillis: 200,
  batchDelayMillis: 20,
  circuitOpenMillis: 300,
  random: createRandom(7),
};

export function identityHolds(s: TransportStats): boolean {
  return s.received === s.delivered + s.dropped + s.queued + s.inFlight + s.spooled;
}

export function expectIdentity(s: TransportStats): void {
  expect(s.received, JSON.stringify(s)).toBe(
    s.delivered + s.dropped + s.queued + s.inFlight + s.spooled,
  );
}

/** Checks the accounting identity every 2 ms until stopped; collects violations. */
export class IdentityWatcher {
  private readonly timer: NodeJS.Timeout;
  readonly violations: TransportStats[] = [];
  checks = 0;
  constructor(private readonly source: { stats(): TransportStats }) {
    this.timer = setInterval(() => this.check(), 2);
  }
  check(): TransportStats {
    const s = this.source.stats();
    this.checks += 1;
    if (!identityHolds(s)) this.violations.push(s);
    return s;
  }
  stop(): void {
    clearInterval(this.timer);
    this.check();
    expect(this.violations).toEqual([]);
    expect(this.checks).toBeGreaterThan(0);
  }
}

export interface LogRig {
  transport: Transport<ReadableLogRecord>;
  provider: LoggerProvider;
  watcher: IdentityWatcher;
  emit(from: number, to: number, body?: (i: number) => string): void;
  close(): Promise<void>;
}

const resource = resourceFromAttributes({ 'service.name': 'exporter-test' });

/** A log transport to `backend` with records emitted through a real `LoggerProvider`. */
export function logRig(options: {
  backend: Pick<Backend, 'url'>;
  tunables?: Partial<TransportTunables>;
  protocol?: OtlpProtocol;
  compression?: Compression;
  headers?: Record<string, string>;
}): LogRig {
  const transport = new Transport({
    codec: logCodec,
    target: {
      url: `${options.backend.url}/v1/logs`,
      headers: { 'user-agent': 'sprintlens-node/test', ...options.headers },
      protocol: options.protocol ?? 'http/protobuf',
      compression: options.compression ?? 'auto',
    },
    tunables: { ...FAST, ...options.tunables },
  });
  const provider = new LoggerProvider({
    resource,
    processors: [new TransportLogRecordProcessor(transport)],
  });
  const logger = provider.getLogger('exporter-test');
  const watcher = new IdentityWatcher(transport);
  return {
    transport,
    provider,
    watcher,
    emit(from, to, body) {
      for (let i = from; i < to; i++) {
        logger.emit({ body: body ? body(i) : `record ${i}`, attributes: { i } });
      }
    },
    async close() {
      await provider.shutdown();
      watcher.stop();
    },
  };
}

/** Distinct `i` attributes of the log records the backend accepted. */
export function receivedIds(backend: Backend): Set<number> {
  const ids = new Set<number>();
  for (const record of backend.logRecords) ids.add(Number(record.attributes['i']));
  return ids;
}

export function traceRig(options: {
  backend: Backend;
  tunables?: Partial<TransportTunables>;
  protocol?: OtlpProtocol;
  compression?: Compression;
  headers?: Record<string, string>;
}): {
  transport: Transport<ReadableSpan>;
  provider: TracerProvider;
  spans(n: number): void;
} {
  const transport = new Transport({
    codec: traceCodec,
    target: {
      url: `${options.backend.url}/v1/traces`,
      headers: { 'user-agent': 'sprintlens-node/test', ...options.headers },
      protocol: options.protocol ?? 'http/protobuf',
      compression: options.compression ?? 'auto',
    },
    tunables: { ...FAST, ...options.tunables },
  });
  const provider = new TracerProvider({
    resource,
    spanProcessors: [new TransportSpanProcessor(transport)],
  });
  const tracer = provider.getTracer('exporter-test');
  return {
    transport,
    provider,
    spans(n) {
      for (let i = 0; i < n; i++) tracer.startSpan(`span ${i}`, { attributes: { i } }).end();
    },
  };
}
