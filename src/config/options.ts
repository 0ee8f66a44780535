import type { RedactionOptions } from '../redaction';
import type { PriceTable } from './prices';
import type { SpanExporter, SpanProcessor } from '@opentelemetry/sdk-trace';
import type { LogRecordExporter, LogRecordProcessor } from '@opentelemetry/sdk-logs';
import type { PushMetricExporter } from '@opentelemetry/sdk-metrics';
import type { Instrumentation } from '@opentelemetry/instrumentation';

/** OTLP/HTTP body encodings. `grpc` is not supported and falls back to `http/protobuf`. */
export type OtlpProtocol = 'http/protobuf' | 'http/json';

/** Compression of export requests. `auto` compresses only when it pays. */
export type Compression = 'auto' | 'gzip' | 'zstd' | 'none';

/** Log severities that can be sampled. ERROR and FATAL are always kept. */
export type SampledSeverity = 'TRACE' | 'DEBUG' | 'INFO' | 'WARN';

/** `export`: sampling affects only what is exported. `all`: dropped lines are not written either. */
export type LogSamplingScope = 'export' | 'all';

/** Names accepted by `OTEL_TRACES_SAMPLER`. */
export type TracesSamplerName =
  | 'always_on'
  | 'always_off'
  | 'traceidratio'
  | 'parentbased_always_on'
  | 'parentbased_always_off'
  | 'parentbased_traceidratio';

/** Names accepted by `OTEL_LOG_LEVEL`, lower-cased. */
export type DiagLevelName = 'none' | 'error' | 'warn' | 'info' | 'debug' | 'verbose' | 'all';

/**
 * Options for {@link start}. Every option overrides the matching environment variable
 * (`OTEL_*` first, then `SPRINTLENS_*`); see docs/configuration.md for the full table.
 * An invalid value is reported with a stable code and the default is used instead.
 */
export interface SprintlensOptions {
  /** Turn the SDK off entirely (`OTEL_SDK_DISABLED`). Default `false`. */
  disabled?: boolean;
  /** `service.name` (`OTEL_SERVICE_NAME`). Default: the app's package.json name. */
  serviceName?: string;
  /** `service.version`. Default: the app's package.json version. */
  serviceVersion?: string;
  /** `deployment.environment.name` (`SPRINTLENS_ENVIRONMENT`). */
  environment?: string;
  /** Extra resource attributes (`OTEL_RESOURCE_ATTRIBUTES`). */
  resourceAttributes?: Record<string, string>;

  /** Base URL of a Sprint Lens backend (`SPRINTLENS_ENDPOINT`). Unset: collector mode. */
  endpoint?: string;
  /** API key for the backend (`SPRINTLENS_API_KEY`), sent as a bearer token, never logged. */
  apiKey?: string;
  /** Collector base URL (`OTEL_EXPORTER_OTLP_ENDPOINT`). Default `http://localhost:4318`. */
  otlpEndpoint?: string;
  /** Extra request headers for every export (`OTEL_EXPORTER_OTLP_HEADERS`). */
  headers?: Record<string, string>;
  /** OTLP body encoding (`OTEL_EXPORTER_OTLP_PROTOCOL`). Default `http/protobuf`. */
  protocol?: OtlpProtocol;
  /** Per-request export timeout in ms (`OTEL_EXPORTER_OTLP_TIMEOUT`). Default 10000. */
  exportTimeoutMillis?: number;
  /** Request compression (`SPRINTLENS_COMPRESSION`). Default `auto`. */
  compression?: Compression;

  /** Trace sampler (`OTEL_TRACES_SAMPLER`). Default `parentbased_always_on`. */
  tracesSampler?: TracesSamplerName;
  /** Ratio for the ratio samplers (`OTEL_TRACES_SAMPLER_ARG`), 0..1. Default 1. */
  tracesSamplerArg?: number;

  /** Only these instrumentations (`OTEL_NODE_ENABLED_INSTRUMENTATIONS`). Default: all. */
  enabledInstrumentations?: string[];
  /** Never these instrumentations (`OTEL_NODE_DISABLED_INSTRUMENTATIONS`). */
  disabledInstrumentations?: string[];

  /** Capture prompts and completions (`SPRINTLENS_CAPTURE_CONTENT`). Default `false`. */
  captureContent?: boolean;
  /**
   * Longest captured string, in characters, per text part or tool argument
   * (`SPRINTLENS_CONTENT_MAX_CHARS`); longer ones are cut. Default 16384.
   */
  contentMaxChars?: number;
  /**
   * OpenAI: ask streamed chat/completions requests for their token usage
   * (`stream_options.include_usage`), hiding the extra usage chunk from your code, so streams
   * are counted and priced. A request that sets the option itself keeps its own. Default `true`.
   */
  includeStreamUsage?: boolean;
  /**
   * Context attribute keys (set with `withAttributes` or a middleware helper) that the
   * `gen_ai.client.*` metrics carry (`SPRINTLENS_METRIC_ATTRIBUTES`), e.g.
   * `['tenant.tier', 'feature']`. Name only low-cardinality keys: each distinct value is a new
   * series. Default: none (`session.id`, `user.id` and the like never reach metrics).
   */
  metricAttributes?: string[];
  /**
   * Model prices (USD per million tokens) overriding the shipped table and `pricesFile`, model
   * by model (code only). See docs/llm.md, "Cost".
   */
  prices?: PriceTable;
  /**
   * Add `trace_id`, `span_id` and `trace_flags` of the active span to what pino, winston and
   * bunyan write (`SPRINTLENS_LOG_CORRELATION`). Default `true`.
   */
  logCorrelation?: boolean;
  /**
   * Incoming HTTP paths that get no span, e.g. health checks (`SPRINTLENS_HTTP_IGNORE_PATHS`):
   * each an exact path, or a prefix when it ends with `*` (`['/healthz', '/internal/*']`). The
   * query string is not part of the match. Default: none. See docs/http.md.
   */
  httpIgnorePaths?: string[];

  /** Sample exported logs by pattern and severity (`SPRINTLENS_LOG_SAMPLING`). Default `true`. */
  logSampling?: boolean;
  /** What log sampling affects (`SPRINTLENS_LOG_SAMPLING_SCOPE`). Default `export`. */
  logSamplingScope?: LogSamplingScope;
  /** Keep probability per severity (`SPRINTLENS_LOG_RATES`). */
  logRates?: Partial<Record<SampledSeverity, number>>;
  /** Sampling policy refresh period in s (`SPRINTLENS_POLICY_REFRESH_SECONDS`). Default 300. */
  policyRefreshSeconds?: number;
  /** Pattern statistics report period in s (`SPRINTLENS_PATTERN_REPORT_SECONDS`). Default 600. */
  patternReportSeconds?: number;

  /** JSON file of model prices overriding the shipped table (`SPRINTLENS_PRICES`). */
  pricesFile?: string;
  /**
   * How captured content is redacted (code only): built-in kinds to turn off, patterns and a
   * function of your own. See docs/redaction.md. Default: every built-in detector.
   */
  redaction?: RedactionOptions;
  /** Memory bound of the export queue in bytes (`SPRINTLENS_QUEUE_MAX_BYTES`). Default 64 MiB. */
  queueMaxBytes?: number;
  /** Directory for the disk spool (`SPRINTLENS_SPOOL_DIR`). Default: no spool. */
  spoolDir?: string;
  /** Serve `/metrics` and `/healthz` on this port (`SPRINTLENS_METRICS_PORT`). */
  metricsPort?: number;
  /** Address the metrics server binds (`SPRINTLENS_METRICS_HOST`). Default `127.0.0.1`. */
  metricsHost?: string;
  /** Bound on flush-and-shutdown in ms (`SPRINTLENS_SHUTDOWN_TIMEOUT_MS`). Default 5000. */
  shutdownTimeoutMillis?: number;
  /** Diagnostics level (`OTEL_LOG_LEVEL`). Default `warn`. */
  logLevel?: DiagLevelName;

  /** Replace the trace exporter (for example with one of your own). */
  traceExporter?: SpanExporter;
  /** Replace the log record exporter. */
  logExporter?: LogRecordExporter;
  /** Replace the metric exporter. */
  metricExporter?: PushMetricExporter;
  /** Extra span processors, run after ours. */
  spanProcessors?: SpanProcessor[];
  /** Extra log record processors, run after ours. */
  logRecordProcessors?: LogRecordProcessor[];
  /**
   * More OpenTelemetry instrumentations to enable with ours (for example
   * `@opentelemetry/instrumentation-pg`), on the same providers. Not filtered by
   * `OTEL_NODE_ENABLED_INSTRUMENTATIONS`: you chose them.
   */
  instrumentations?: Instrumentation[];
}

/** Where one signal is exported to and how. */
export interface SignalExportConfig {
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly protocol: OtlpProtocol;
  readonly timeoutMillis: number;
}

/** The configuration after precedence and validation: every field has its final value. */
export interface ResolvedConfig {
  readonly disabled: boolean;
  readonly serviceName: string;
  readonly serviceVersion: string | undefined;
  readonly environment: string | undefined;
  readonly resourceAttributes: Readonly<Record<string, string>>;
  /** `backend` when `endpoint` is set, else `collector`. */
  readonly mode: 'backend' | 'collector';
  readonly endpoint: string | undefined;
  readonly apiKey: string | undefined;
  readonly traces: SignalExportConfig;
  readonly logs: SignalExportConfig;
  readonly metrics: SignalExportConfig;
  readonly compression: Compression;
  readonly tracesSampler: TracesSamplerName;
  readonly tracesSamplerArg: number;
  readonly enabledInstrumentations: readonly string[] | undefined;
  readonly disabledInstrumentations: readonly string[];
  readonly captureContent: boolean;
  readonly contentMaxChars: number;
  readonly includeStreamUsage: boolean;
  readonly metricAttributes: readonly string[];
  readonly logCorrelation: boolean;
  readonly httpIgnorePaths: readonly string[];
  readonly logSampling: boolean;
  readonly logSamplingScope: LogSamplingScope;
  readonly logRates: Readonly<Record<SampledSeverity, number>>;
  readonly policyRefreshSeconds: number;
  readonly patternReportSeconds: number;
  readonly pricesFile: string | undefined;
  readonly queueMaxBytes: number;
  readonly spoolDir: string | undefined;
  readonly metricsPort: number | undefined;
  readonly metricsHost: string;
  readonly shutdownTimeoutMillis: number;
  readonly logLevel: DiagLevelName;
}
