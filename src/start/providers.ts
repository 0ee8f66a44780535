import { BatchSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import type { SpanProcessor } from '@opentelemetry/sdk-trace';
import { BatchLogRecordProcessor, LoggerProvider } from '@opentelemetry/sdk-logs';
import type { LogRecordProcessor } from '@opentelemetry/sdk-logs';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import type { ResolvedConfig, SprintlensOptions } from '../config/options';
import { logTransport, metricTransport, traceTransport } from '../../exporters/factory';
import { TransportLogRecordProcessor, TransportSpanProcessor } from '../../exporters/processors';
import { createMetricExporter } from '../../exporters/metric-exporter';
import { logSamplingFromConfig } from '../sampling/log-sampling';
import { ContextAttributesLogRecordProcessor } from '../context/log-record-processor';
import { ContextAttributesSpanProcessor } from '../context/span-processor';
import type { PatternSampler } from '../sampling/pattern-sampler';
import type { UndeliveredAtExit } from '../../exporters/transport/transport';
import type { Providers } from './globals';
import { buildResource } from './resource';
import { buildSampler } from './sampler';

/** How often metrics are pushed; GenAI metrics are low-volume, a minute is the OTel default. */
const METRIC_EXPORT_INTERVAL_MS = 60_000;

/**
 * Builds the tracer, logger and meter providers. Spans and log records go straight from their
 * processor into the robust transport's queue (it batches itself); a user-supplied exporter
 * gets the stock batch processor instead. Log records pass the sampling processor first (unless
 * `SPRINTLENS_LOG_SAMPLING=off`); its sampler is returned, for start() to hand to the log
 * instrumentations.
 */
export function buildProviders(
  config: ResolvedConfig,
  options: SprintlensOptions,
): Providers & {
  /** Filled at shutdown by the transports whose endpoint was found unreachable. */
  readonly undeliveredAtExit: UndeliveredAtExit[];
  /** The log sampler the log instrumentations ask; none with log sampling off. */
  readonly logSampler: PatternSampler | undefined;
} {
  const resource = buildResource(config);
  // The signals report together: one line at exit, not one per signal.
  const undeliveredAtExit: UndeliveredAtExit[] = [];
  const transportOptions = {
    onUndeliveredAtExit: (undelivered: UndeliveredAtExit) => undeliveredAtExit.push(undelivered),
  };
  // The context attributes first, so every processor after them sees them.
  const spanProcessors: SpanProcessor[] = [
    new ContextAttributesSpanProcessor(),
    options.traceExporter === undefined
      ? new TransportSpanProcessor(traceTransport(config, transportOptions))
      : new BatchSpanProcessor({ exporter: options.traceExporter }),
    ...(options.spanProcessors ?? []),
  ];
  const exporting: LogRecordProcessor =
    options.logExporter === undefined
      ? new TransportLogRecordProcessor(logTransport(config, transportOptions))
      : new BatchLogRecordProcessor({ exporter: options.logExporter });
  // Sampling decides what is exported; the user's own processors see every record built.
  const sampling = config.logSampling ? logSamplingFromConfig(config, exporting) : undefined;
  // The context attributes go on first, so sampling, the exporter and the user's processors all
  // see them (the sampling decision does not read them).
  const logProcessors: LogRecordProcessor[] = [
    new ContextAttributesLogRecordProcessor(),
    sampling?.processor ?? exporting,
    ...(options.logRecordProcessors ?? []),
  ];
  const metricExporter =
    options.metricExporter ?? createMetricExporter(metricTransport(config, transportOptions));
  return {
    undeliveredAtExit,
    logSampler: sampling?.sampler,
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
