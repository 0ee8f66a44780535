/**
 * Builds the transports of the three signals from the resolved configuration.
 */
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';
import type { ResourceMetrics } from '@opentelemetry/sdk-metrics';
import type { ResolvedConfig, SignalExportConfig } from '../src/config/options';
import { logCodec, metricCodec, traceCodec } from './transport/encoder';
import { Transport } from './transport/transport';
import type { SignalCodec, TransportTunables } from './transport/types';

/** With a spool, shutdown flushes for this share of the SDK's bound, then spools the rest. */
const SHUTDOWN_FLUSH_SHARE = 0.8;
/**
 * Without a spool there is nothing to save the rest to: flush until just after the SDK's own
 * bound, so that start() reports SL_SHUTDOWN_TIMEOUT, then abort so no socket holds the process.
 */
const SHUTDOWN_ABORT_MARGIN_MS = 250;

function create<T>(
  codec: SignalCodec<T>,
  signal: SignalExportConfig,
  config: ResolvedConfig,
  tunables: Partial<TransportTunables> | undefined,
): Transport<T> {
  return new Transport({
    codec,
    target: {
      url: signal.url,
      headers: signal.headers,
      protocol: signal.protocol,
      // Not every OTLP receiver accepts compressed bodies; `auto` compresses only towards a
      // Sprint Lens backend (which takes gzip and zstd). Explicit gzip/zstd always apply.
      compression:
        config.compression === 'auto' && config.mode === 'collector' ? 'none' : config.compression,
    },
    tunables: {
      queueMaxBytes: config.queueMaxBytes,
      spoolDir: config.spoolDir,
      requestTimeoutMillis: signal.timeoutMillis,
      shutdownFlushMillis:
        config.spoolDir === undefined
          ? config.shutdownTimeoutMillis + SHUTDOWN_ABORT_MARGIN_MS
          : Math.floor(config.shutdownTimeoutMillis * SHUTDOWN_FLUSH_SHARE),
      ...tunables,
    },
  });
}

export function traceTransport(
  config: ResolvedConfig,
  tunables?: Partial<TransportTunables>,
): Transport<ReadableSpan> {
  return create(traceCodec, config.traces, config, tunables);
}

export function logTransport(
  config: ResolvedConfig,
  tunables?: Partial<TransportTunables>,
): Transport<ReadableLogRecord> {
  return create(logCodec, config.logs, config, tunables);
}

export function metricTransport(
  config: ResolvedConfig,
  tunables?: Partial<TransportTunables>,
): Transport<ResourceMetrics> {
  // Metrics are few and small (one collection per request): at most two requests at a time is
  // plenty. The queue bounds are the same as the other signals'.
  return create(metricCodec, config.metrics, config, { maxConcurrency: 2, ...tunables });
}
