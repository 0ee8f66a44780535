/**
 * Real OpenTelemetry SDK pipelines pointed at a backend, so the backend's tests are driven
 * by the clients it exists to serve rather than by hand-made requests.
 */
import { OTLPLogExporter as ProtoLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { OTLPMetricExporter as ProtoMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { OTLPTraceExporter as JsonTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtoTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { BatchSpanProcessor, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';

/** Exporter options shared by the OTLP/HTTP exporters. */
type ExporterConfig = NonNullable<ConstructorParameters<typeof ProtoTraceExporter>[0]>;
type Compression = NonNullable<ExporterConfig['compression']>;

/** `CompressionAlgorithm.GZIP`, without importing the exporter-base package directly. */
export const GZIP = 'gzip' as Compression;

/** Options of the pipelines below. */
export interface PipelineOptions {
  /** Backend base URL. */
  baseUrl: string;
  serviceName?: string;
  headers?: Record<string, string>;
  /** Prepended to the exporter's own `User-Agent`. */
  userAgent?: string;
  compression?: Compression;
  /** Per-export timeout; keeps retries of a failing export bounded. */
  timeoutMillis?: number;
}

function exporterConfig(options: PipelineOptions, signalPath: string): ExporterConfig {
  return {
    url: `${options.baseUrl}${signalPath}`,
    headers: options.headers,
    userAgent: options.userAgent,
    compression: options.compression,
    timeoutMillis: options.timeoutMillis ?? 5000,
  };
}

function resourceOf(options: PipelineOptions) {
  return resourceFromAttributes({
    'service.name': options.serviceName ?? 'backend-test',
    'deployment.environment.name': 'test',
  });
}

/** A tracer provider exporting through the protobuf or JSON OTLP/HTTP exporter. */
export function createTracing(
  options: PipelineOptions & { encoding: 'protobuf' | 'json'; processor?: 'simple' | 'batch' },
): TracerProvider {
  const config = exporterConfig(options, '/v1/traces');
  const exporter =
    options.encoding === 'protobuf'
      ? new ProtoTraceExporter(config)
      : new JsonTraceExporter(config);
  const processor =
    options.processor === 'batch'
      ? new BatchSpanProcessor({ exporter, scheduledDelayMillis: 50, maxExportBatchSize: 100 })
      : new SimpleSpanProcessor({ exporter });
  return new TracerProvider({ resource: resourceOf(options), spanProcessors: [processor] });
}

/** A logger provider exporting through the protobuf OTLP/HTTP exporter. */
export function createLogging(options: PipelineOptions): LoggerProvider {
  const exporter = new ProtoLogExporter(exporterConfig(options, '/v1/logs'));
  return new LoggerProvider({
    resource: resourceOf(options),
    processors: [new SimpleLogRecordProcessor({ exporter })],
  });
}

/** A meter provider exporting through the protobuf OTLP/HTTP exporter on demand. */
export function createMetrics(options: PipelineOptions): MeterProvider {
  const exporter = new ProtoMetricExporter(exporterConfig(options, '/v1/metrics'));
  const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 60_000 });
  return new MeterProvider({ resource: resourceOf(options), readers: [reader] });
}
