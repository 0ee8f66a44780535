import type { ExportResult } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace';
import type { LogRecordExporter, ReadableLogRecord } from '@opentelemetry/sdk-logs';
import type { PushMetricExporter } from '@opentelemetry/sdk-metrics';
import { resolveConfig } from '../src/config/resolve';
import type { SprintlensOptions } from '../src/config/options';
import { reportWarning } from '../src/base/diag';
import { exportThrough } from './export-through';
import { logTransport, metricTransport, traceTransport } from './factory';
import { createMetricExporter as metricExporterOn } from './metric-exporter';
import { OnTransport, TransportLogRecordProcessor, TransportSpanProcessor } from './processors';
import type { TransportStats } from './transport/transport';
import type { TransportTunables } from './transport/types';

export type { TransportStats } from './transport/transport';
export { TransportLogRecordProcessor, TransportSpanProcessor } from './processors';
export type { TransportTunables, DropReason } from './transport/types';

/**
 * Options of the exporter factories: the connection-related subset of {@link SprintlensOptions},
 * plus the transport's tunables (see docs/exporter.md).
 */
export type ExporterOptions = Pick<
  SprintlensOptions,
  | 'endpoint'
  | 'apiKey'
  | 'otlpEndpoint'
  | 'headers'
  | 'protocol'
  | 'exportTimeoutMillis'
  | 'compression'
  | 'queueMaxBytes'
  | 'spoolDir'
  | 'shutdownTimeoutMillis'
> & {
  /** Transport tunables: retry budget, batch and concurrency bounds, circuit breaker... */
  transport?: Partial<TransportTunables>;
};

/** What the exporters add to the OTel interfaces: the accounting snapshot. */
export interface TransportStatsSource {
  /** Received, delivered, dropped (by reason), queued, in flight and spooled records. */
  stats(): TransportStats;
}

function resolved(options: ExporterOptions | undefined) {
  const { transport: _transport, ...rest } = options ?? {};
  const { config, warnings } = resolveConfig(rest);
  for (const warning of warnings) reportWarning(warning);
  return config;
}

/**
 * A span or log exporter over a transport (see {@link exportThrough}). `start()` does not use
 * this path: its processors feed the queue directly.
 */
class TransportExporter<T> extends OnTransport<T> implements TransportStatsSource {
  export(items: T[], resultCallback: (result: ExportResult) => void): void {
    exportThrough(this.transport, items, resultCallback);
  }
}

/**
 * A `SpanExporter` sending OTLP/HTTP to the Sprint Lens backend (when `endpoint` or
 * `SPRINTLENS_ENDPOINT` is set) or to the OTLP collector, configured like `start()`, on the
 * robust transport (bounded queue, batching, compression, retries, 413 split, circuit breaker,
 * adaptive concurrency, optional disk spool). Use it in your own `NodeSDK` or `TracerProvider`.
 */
export function createTraceExporter(
  options?: ExporterOptions,
): SpanExporter & TransportStatsSource {
  return new TransportExporter<ReadableSpan>(
    traceTransport(resolved(options), { tunables: options?.transport }),
  );
}

/** A `LogRecordExporter` configured like {@link createTraceExporter}. */
export function createLogExporter(
  options?: ExporterOptions,
): LogRecordExporter & TransportStatsSource {
  return new TransportExporter<ReadableLogRecord>(
    logTransport(resolved(options), { tunables: options?.transport }),
  );
}

/** A `PushMetricExporter` configured like {@link createTraceExporter}. */
export function createMetricExporter(
  options?: ExporterOptions,
): PushMetricExporter & TransportStatsSource {
  return metricExporterOn(metricTransport(resolved(options), { tunables: options?.transport }));
}

/**
 * A `SpanProcessor` that queues every sampled span, when it ends, straight into the robust
 * transport, configured like {@link createTraceExporter}. Prefer it to
 * `new BatchSpanProcessor(createTraceExporter())` in your own `NodeSDK` (`spanProcessors`):
 * the transport batches itself, so a batch processor in front of it only adds a second buffer,
 * a second timer and a copy (and its own drop limit). It also sets the attributes of
 * `withAttributes` on each span as it starts, as `ContextAttributesSpanProcessor` does.
 */
export function createSpanProcessor(options?: ExporterOptions): TransportSpanProcessor {
  return new TransportSpanProcessor(
    traceTransport(resolved(options), { tunables: options?.transport }),
    { contextAttributes: true },
  );
}

/**
 * A `LogRecordProcessor` that queues every log record straight into the robust transport,
 * configured like {@link createLogExporter}. Put it behind `createLogSamplingProcessor()`
 * (`createLogSamplingProcessor({ downstream: createLogRecordProcessor() })`) to sample first.
 * It also sets the attributes of `withAttributes` on each record, as
 * `ContextAttributesLogRecordProcessor` does (behind sampling: on the records kept).
 */
export function createLogRecordProcessor(options?: ExporterOptions): TransportLogRecordProcessor {
  return new TransportLogRecordProcessor(
    logTransport(resolved(options), { tunables: options?.transport }),
    { contextAttributes: true },
  );
}
