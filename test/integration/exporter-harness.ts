/**
 * Shared set-up of the exporter transport tests: a transport of the real code pointed at the
 * reference backend, records emitted through the real OTel SDK, and an accounting watcher.
 *
 * The identity received = delivered + dropped + queued + in_flight + spooled holds by
 * construction (every Ledger method moves records between states in one call), so checking
 * it alone proves little. The checks that can fail are the ones against numbers the accounting
 * does not compute itself: records emitted by the test (`received`), nothing left queued or in
 * flight once flushed, no state ever negative, counters that never go back, drops that add up
 * by reason, and what the backend saw (see {@link expectSettled} and {@link IdentityWatcher}).
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
import type { SpoolOpener } from '../../exporters/transport/spool-seam';
import type { TransportTunables } from '../../exporters/transport/types';
import { DROP_REASONS } from '../../exporters/transport/types';
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

/** What is wrong with one snapshot on its own: no state negative, drops add up by reason. */
export function snapshotProblems(s: TransportStats): string[] {
  const problems: string[] = [];
  if (!identityHolds(s)) problems.push('identity');
  for (const key of ['queued', 'inFlight', 'spooled', 'delivered', 'dropped'] as const) {
    if (s[key] < 0) problems.push(`${key} < 0`);
  }
  let byReason = 0;
  for (const reason of DROP_REASONS) {
    if (s.droppedByReason[reason] < 0) problems.push(`${reason} < 0`);
    byReason += s.droppedByReason[reason];
  }
  if (byReason !== s.dropped) problems.push('dropped != sum by reason');
  return problems;
}

export function expectIdentity(s: TransportStats): void {
  expect(snapshotProblems(s), JSON.stringify(s)).toEqual([]);
}

/**
 * After a flush or shutdown: nothing queued or in flight, every record the test emitted was
 * received (so each one was delivered, dropped or spooled), and the snapshot is sound.
 */
export function expectSettled(s: TransportStats, emitted: number): void {
  expectIdentity(s);
  const detail = JSON.stringify(s);
  expect(s.queued, detail).toBe(0);
  expect(s.inFlight, detail).toBe(0);
  expect(s.received, detail).toBe(emitted);
}

/**
 * Checks every 2 ms until stopped: each snapshot is sound ({@link snapshotProblems}) and no
 * counter went back since the previous one. Collects violations.
 */
export class IdentityWatcher {
  private readonly timer: NodeJS.Timeout;
  readonly violations: { problems: string[]; stats: TransportStats }[] = [];
  checks = 0;
  private last: TransportStats | undefined;
  constructor(private readonly source: { stats(): TransportStats }) {
    this.timer = setInterval(() => this.check(), 2);
  }
  check(): TransportStats {
    const s = this.source.stats();
    this.checks += 1;
    const problems = snapshotProblems(s);
    const last = this.last;
    if (last !== undefined) {
      for (const key of ['received', 'delivered', 'dropped', 'retries', 'requests'] as const) {
        if (s[key] < last[key]) problems.push(`${key} went back`);
      }
      for (const reason of DROP_REASONS) {
        if (s.droppedByReason[reason] < last.droppedByReason[reason]) {
          problems.push(`${reason} went back`);
        }
      }
    }
    this.last = s;
    if (problems.length > 0) this.violations.push({ problems, stats: s });
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
  /** Records emitted so far. */
  readonly emitted: number;
  emit(from: number, to: number, body?: (i: number) => string): void;
  /**
   * Shuts the provider (and transport) down, then checks the watcher and that everything
   * emitted was received and left the queue and flight ({@link expectSettled}).
   */
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
  openSpool?: SpoolOpener;
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
    openSpool: options.openSpool,
  });
  const provider = new LoggerProvider({
    resource,
    processors: [new TransportLogRecordProcessor(transport)],
  });
  const logger = provider.getLogger('exporter-test');
  const watcher = new IdentityWatcher(transport);
  let emitted = 0;
  return {
    transport,
    provider,
    watcher,
    get emitted() {
      return emitted;
    },
    emit(from, to, body) {
      for (let i = from; i < to; i++) {
        logger.emit({ body: body ? body(i) : `record ${i}`, attributes: { i } });
        emitted += 1;
      }
    },
    async close() {
      await provider.shutdown();
      watcher.stop();
      expectSettled(transport.stats(), emitted);
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
