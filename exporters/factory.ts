/**
 * Builds the transports of the three signals from the resolved configuration.
 */
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';
import type { ResourceMetrics } from '@opentelemetry/sdk-metrics';
import type { Compression, ResolvedConfig, SignalExportConfig } from '../src/config/options';
import { logCodec, metricCodec, traceCodec } from './transport/encoder';
import { Transport } from './transport/transport';
import type { UndeliveredAtExit } from './transport/transport';
import type { SignalCodec, TransportTunables } from './transport/types';

/** Options of the transport factories, beyond the resolved configuration. */
export interface TransportFactoryOptions {
  /** Overrides of the tunables derived from the configuration. */
  readonly tunables?: Partial<TransportTunables> | undefined;
  /** Where to tell what could not be delivered at exit (default: a warning per signal). */
  readonly onUndeliveredAtExit?: ((undelivered: UndeliveredAtExit) => void) | undefined;
}

/**
 * The compression the transports start with: the configured one, in both modes (collectors take
 * gzip). A receiver that refuses it (415, or a 400 that the same body uncompressed does not get)
 * is sent plain from then on. (`sprintlens doctor` probes with it too.)
 */
export function exportCompression(config: Pick<ResolvedConfig, 'compression'>): Compression {
  return config.compression;
}

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
  options: TransportFactoryOptions,
): Transport<T> {
  return new Transport({
    codec,
    onUndeliveredAtExit: options.onUndeliveredAtExit,
    target: {
      url: signal.url,
      headers: signal.headers,
      protocol: signal.protocol,
      compression: exportCompression(config),
    },
    tunables: {
      queueMaxBytes: config.queueMaxBytes,
      spoolDir: config.spoolDir,
      requestTimeoutMillis: signal.timeoutMillis,
      shutdownFlushMillis:
        config.spoolDir === undefined
          ? config.shutdownTimeoutMillis + SHUTDOWN_ABORT_MARGIN_MS
          : Math.floor(config.shutdownTimeoutMillis * SHUTDOWN_FLUSH_SHARE),
      ...options.tunables,
    },
  });
}

export function traceTransport(
  config: ResolvedConfig,
  options: TransportFactoryOptions = {},
): Transport<ReadableSpan> {
  return create(traceCodec, config.traces, config, options);
}

export function logTransport(
  config: ResolvedConfig,
  options: TransportFactoryOptions = {},
): Transport<ReadableLogRecord> {
  return create(logCodec, config.logs, config, options);
}

export function metricTransport(
  config: ResolvedConfig,
  options: TransportFactoryOptions = {},
): Transport<ResourceMetrics> {
  // Metrics are few and small (one collection per request): at most two requests at a time is
  // plenty. The queue bounds are the same as the other signals'.
  return create(metricCodec, config.metrics, config, {
    ...options,
    tunables: { maxConcurrency: 2, ...options.tunables },
  });
}
