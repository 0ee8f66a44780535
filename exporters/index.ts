import type { SpanExporter } from '@opentelemetry/sdk-trace';
import type { LogRecordExporter } from '@opentelemetry/sdk-logs';
import type { PushMetricExporter } from '@opentelemetry/sdk-metrics';
import { resolveConfig } from '../src/config/resolve';
import type { SprintlensOptions } from '../src/config/options';
import { reportWarning } from '../src/diag';
import { stockLogExporter, stockMetricExporter, stockTraceExporter } from './stock';

/** Options of the exporter factories: the connection-related subset of {@link SprintlensOptions}. */
export type ExporterOptions = Pick<
  SprintlensOptions,
  | 'endpoint'
  | 'apiKey'
  | 'otlpEndpoint'
  | 'headers'
  | 'protocol'
  | 'exportTimeoutMillis'
  | 'compression'
>;

function resolved(options: ExporterOptions | undefined) {
  const { config, warnings } = resolveConfig(options ?? {});
  for (const warning of warnings) reportWarning(warning);
  return config;
}

/**
 * A `SpanExporter` sending OTLP/HTTP to the Sprint Lens backend (when `endpoint` or
 * `SPRINTLENS_ENDPOINT` is set) or to the OTLP collector, configured like `start()`.
 * Use it in your own `NodeSDK` or `TracerProvider`.
 */
export function createTraceExporter(options?: ExporterOptions): SpanExporter {
  const config = resolved(options);
  return stockTraceExporter(config.traces, config.compression);
}

/** A `LogRecordExporter` configured like {@link createTraceExporter}. */
export function createLogExporter(options?: ExporterOptions): LogRecordExporter {
  const config = resolved(options);
  return stockLogExporter(config.logs, config.compression);
}

/** A `PushMetricExporter` configured like {@link createTraceExporter}. */
export function createMetricExporter(options?: ExporterOptions): PushMetricExporter {
  const config = resolved(options);
  return stockMetricExporter(config.metrics, config.compression);
}
