/* eslint-disable @typescript-eslint/no-require-imports -- exporters are loaded lazily: only the
   encoding in use is required, which keeps start-up time down. */
import type { SpanExporter } from '@opentelemetry/sdk-trace';
import type { LogRecordExporter } from '@opentelemetry/sdk-logs';
import type { PushMetricExporter } from '@opentelemetry/sdk-metrics';
import { CompressionAlgorithm } from '@opentelemetry/otlp-exporter-base';
import type { Compression, SignalExportConfig } from '../src/config/options';

/**
 * The stock OTel OTLP/HTTP exporters, configured from our resolved settings. This is the seam
 * where the robust transport plugs in: `createTraceExporter()` and friends call these today.
 */
interface StockExporterConfig {
  url: string;
  headers: Record<string, string>;
  timeoutMillis: number;
  compression: CompressionAlgorithm;
  userAgent: string | undefined;
}

function stockConfig(signal: SignalExportConfig, compression: Compression): StockExporterConfig {
  // The stock transport sets User-Agent itself and only lets us prepend to it.
  const { 'user-agent': userAgent, ...headers } = signal.headers;
  return {
    url: signal.url,
    headers,
    userAgent,
    timeoutMillis: signal.timeoutMillis,
    // The stock exporters cannot measure whether compression pays (`auto`) and know no zstd.
    compression:
      compression === 'gzip' || compression === 'zstd'
        ? CompressionAlgorithm.GZIP
        : CompressionAlgorithm.NONE,
  };
}

export function stockTraceExporter(
  signal: SignalExportConfig,
  compression: Compression,
): SpanExporter {
  const config = stockConfig(signal, compression);
  if (signal.protocol === 'http/json') {
    const { OTLPTraceExporter } =
      require('@opentelemetry/exporter-trace-otlp-http') as typeof import('@opentelemetry/exporter-trace-otlp-http');
    return new OTLPTraceExporter(config);
  }
  const { OTLPTraceExporter } =
    require('@opentelemetry/exporter-trace-otlp-proto') as typeof import('@opentelemetry/exporter-trace-otlp-proto');
  return new OTLPTraceExporter(config);
}

export function stockLogExporter(
  signal: SignalExportConfig,
  compression: Compression,
): LogRecordExporter {
  const config = stockConfig(signal, compression);
  if (signal.protocol === 'http/json') {
    const { OTLPLogExporter } =
      require('@opentelemetry/exporter-logs-otlp-http') as typeof import('@opentelemetry/exporter-logs-otlp-http');
    return new OTLPLogExporter(config);
  }
  const { OTLPLogExporter } =
    require('@opentelemetry/exporter-logs-otlp-proto') as typeof import('@opentelemetry/exporter-logs-otlp-proto');
  return new OTLPLogExporter(config);
}

export function stockMetricExporter(
  signal: SignalExportConfig,
  compression: Compression,
): PushMetricExporter {
  const config = stockConfig(signal, compression);
  if (signal.protocol === 'http/json') {
    const { OTLPMetricExporter } =
      require('@opentelemetry/exporter-metrics-otlp-http') as typeof import('@opentelemetry/exporter-metrics-otlp-http');
    return new OTLPMetricExporter(config);
  }
  const { OTLPMetricExporter } =
    require('@opentelemetry/exporter-metrics-otlp-proto') as typeof import('@opentelemetry/exporter-metrics-otlp-proto');
  return new OTLPMetricExporter(config);
}
