import { BatchSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import type { SpanProcessor } from '@opentelemetry/sdk-trace';
import { BatchLogRecordProcessor, LoggerProvider } from '@opentelemetry/sdk-logs';
import type { LogRecordProcessor } from '@opentelemetry/sdk-logs';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import type { ResolvedConfig, SprintlensOptions } from '../config/options';
import { stockLogExporter, stockMetricExporter, stockTraceExporter } from '../../exporters/stock';
import type { Providers } from './globals';
import { buildResource } from './resource';
import { buildSampler } from './sampler';

/** How often metrics are pushed; GenAI metrics are low-volume, a minute is the OTel default. */
const METRIC_EXPORT_INTERVAL_MS = 60_000;

/** Builds the tracer, logger and meter providers with their exporters. */
export function buildProviders(config: ResolvedConfig, options: SprintlensOptions): Providers {
  const resource = buildResource(config);
  const spanProcessors: SpanProcessor[] = [
    new BatchSpanProcessor({
      exporter: options.traceExporter ?? stockTraceExporter(config.traces, config.compression),
    }),
    ...(options.spanProcessors ?? []),
  ];
  const logProcessors: LogRecordProcessor[] = [
    new BatchLogRecordProcessor({
      exporter: options.logExporter ?? stockLogExporter(config.logs, config.compression),
    }),
    ...(options.logRecordProcessors ?? []),
  ];
  const metricExporter =
    options.metricExporter ?? stockMetricExporter(config.metrics, config.compression);
  return {
    tracerProvider: new TracerProvider({ resource, sampler: buildSampler(config), spanProcessors }),
    loggerProvider: new LoggerProvider({ resource, processors: logProcessors }),
    meterProvider: new MeterProvider({
      resource,
      readers: [
        new PeriodicExportingMetricReader({
          exporter: metricExporter,
          exportIntervalMillis: METRIC_EXPORT_INTERVAL_MS,
        }),
      ],
    }),
  };
}
