/**
 * The configuration table: every setting, with the option that sets it in code, the environment
 * variables that set it (in precedence order: `OTEL_*` first, then `SPRINTLENS_*`), its parser
 * and its default. `resolveConfig` reads it; a test checks docs/configuration.md against it, so
 * the page cannot drift from the code.
 */
import {
  bytesParser,
  enumParser,
  nameListParser,
  numberParser,
  parseBoolean,
  parseHeaders,
  parseHttpUrl,
  parseAttributeNames,
  parseKeyValueList,
  parsePathList,
  parseRate,
  parseString,
  severityRatesParser,
} from './parsers';
import type { Parser } from './parsers';
import { INSTRUMENTATION_NAMES } from './instrumentation-catalogue';
import type {
  Compression,
  DiagLevelName,
  LogSamplingScope,
  OtlpProtocol,
  SampledSeverity,
  SprintlensOptions,
  TracesSamplerName,
} from './options';

/** One setting. `T` is its resolved type. */
export interface Setting<T> {
  /** The `start()` option that sets it, if any. */
  readonly option: keyof SprintlensOptions | undefined;
  /** Environment variables, highest precedence first. */
  readonly env: readonly string[];
  readonly parse: Parser<T>;
  readonly fallback: T;
  /** The default as docs/configuration.md shows it in the default column. */
  readonly shownDefault: string;
  /** A secret: its value is never echoed in a warning or printed. */
  readonly secret?: boolean;
}

function setting<T>(value: Setting<T>): Setting<T> {
  return value;
}

const SAMPLERS: readonly TracesSamplerName[] = [
  'always_on',
  'always_off',
  'traceidratio',
  'parentbased_always_on',
  'parentbased_always_off',
  'parentbased_traceidratio',
];
const LOG_LEVELS: readonly DiagLevelName[] = [
  'none',
  'error',
  'warn',
  'info',
  'debug',
  'verbose',
  'all',
];
const LOG_RATES: Readonly<Record<SampledSeverity, number>> = {
  TRACE: 0.01,
  DEBUG: 0.05,
  INFO: 0.2,
  WARN: 0.5,
};
const positiveSeconds = numberParser({ min: 1, max: 86_400, integer: false });

/**
 * The settings read from one option and/or variables with one parser. Settings whose value is
 * derived from several sources (service name and version, the per-signal endpoints, headers,
 * protocol and timeout) are resolved in `resolve.ts` from the rows of {@link DERIVED_SETTINGS}.
 */
export const SETTINGS = {
  disabled: setting({
    option: 'disabled',
    env: ['OTEL_SDK_DISABLED'],
    parse: parseBoolean,
    fallback: false,
    shownDefault: '`false`',
  }),
  resourceAttributes: setting<Record<string, string>>({
    option: 'resourceAttributes',
    env: ['OTEL_RESOURCE_ATTRIBUTES'],
    parse: parseKeyValueList,
    fallback: {},
    shownDefault: 'none',
  }),
  endpoint: setting<string | undefined>({
    option: 'endpoint',
    env: ['SPRINTLENS_ENDPOINT'],
    parse: parseHttpUrl,
    fallback: undefined,
    shownDefault: 'unset (collector mode)',
  }),
  apiKey: setting<string | undefined>({
    option: 'apiKey',
    env: ['SPRINTLENS_API_KEY'],
    parse: parseString,
    fallback: undefined,
    shownDefault: 'unset',
    secret: true,
  }),
  otlpEndpoint: setting({
    option: 'otlpEndpoint',
    env: ['OTEL_EXPORTER_OTLP_ENDPOINT'],
    parse: parseHttpUrl,
    fallback: 'http://localhost:4318',
    shownDefault: '`http://localhost:4318`',
  }),
  headers: setting<Record<string, string>>({
    option: 'headers',
    env: ['OTEL_EXPORTER_OTLP_HEADERS'],
    parse: parseHeaders,
    fallback: {},
    shownDefault: 'none',
  }),
  compression: setting<Compression>({
    option: 'compression',
    env: ['OTEL_EXPORTER_OTLP_COMPRESSION', 'SPRINTLENS_COMPRESSION'],
    parse: enumParser<Compression>(['auto', 'gzip', 'zstd', 'none']),
    fallback: 'auto',
    shownDefault: '`auto`',
  }),
  tracesSampler: setting<TracesSamplerName>({
    option: 'tracesSampler',
    env: ['OTEL_TRACES_SAMPLER'],
    parse: enumParser(SAMPLERS),
    fallback: 'parentbased_always_on',
    shownDefault: '`parentbased_always_on`',
  }),
  tracesSamplerArg: setting({
    option: 'tracesSamplerArg',
    env: ['OTEL_TRACES_SAMPLER_ARG'],
    parse: parseRate,
    fallback: 1,
    shownDefault: '`1`',
  }),
  enabledInstrumentations: setting<string[] | undefined>({
    option: 'enabledInstrumentations',
    env: ['OTEL_NODE_ENABLED_INSTRUMENTATIONS'],
    parse: nameListParser(INSTRUMENTATION_NAMES),
    fallback: undefined,
    shownDefault: 'all',
  }),
  disabledInstrumentations: setting<string[]>({
    option: 'disabledInstrumentations',
    env: ['OTEL_NODE_DISABLED_INSTRUMENTATIONS'],
    parse: nameListParser(INSTRUMENTATION_NAMES),
    fallback: [],
    shownDefault: 'none',
  }),
  captureContent: setting({
    option: 'captureContent',
    env: ['OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT', 'SPRINTLENS_CAPTURE_CONTENT'],
    parse: parseBoolean,
    fallback: false,
    shownDefault: '`false`',
  }),
  contentMaxChars: setting({
    option: 'contentMaxChars',
    env: ['SPRINTLENS_CONTENT_MAX_CHARS'],
    parse: numberParser({ min: 1, max: 10_000_000, integer: true }),
    fallback: 16_384,
    shownDefault: '`16384`',
  }),
  includeStreamUsage: setting({
    option: 'includeStreamUsage',
    env: [],
    parse: parseBoolean,
    fallback: true,
    shownDefault: '`true`',
  }),
  metricAttributes: setting<string[]>({
    option: 'metricAttributes',
    env: ['SPRINTLENS_METRIC_ATTRIBUTES'],
    parse: parseAttributeNames,
    fallback: [],
    shownDefault: 'none',
  }),
  logCorrelation: setting({
    option: 'logCorrelation',
    env: ['SPRINTLENS_LOG_CORRELATION'],
    parse: parseBoolean,
    fallback: true,
    shownDefault: '`true`',
  }),
  httpIgnorePaths: setting<string[]>({
    option: 'httpIgnorePaths',
    env: ['SPRINTLENS_HTTP_IGNORE_PATHS'],
    parse: parsePathList,
    fallback: [],
    shownDefault: 'none',
  }),
  logSampling: setting({
    option: 'logSampling',
    env: ['SPRINTLENS_LOG_SAMPLING'],
    parse: parseBoolean,
    fallback: true,
    shownDefault: '`on`',
  }),
  logSamplingScope: setting<LogSamplingScope>({
    option: 'logSamplingScope',
    env: ['SPRINTLENS_LOG_SAMPLING_SCOPE'],
    parse: enumParser<LogSamplingScope>(['export', 'all']),
    fallback: 'export',
    shownDefault: '`export`',
  }),
  logRates: setting<Record<SampledSeverity, number>>({
    option: 'logRates',
    env: ['SPRINTLENS_LOG_RATES'],
    parse: severityRatesParser(LOG_RATES),
    fallback: { ...LOG_RATES },
    shownDefault: '`TRACE=0.01,DEBUG=0.05,INFO=0.2,WARN=0.5`',
  }),
  policyRefreshSeconds: setting({
    option: 'policyRefreshSeconds',
    env: ['SPRINTLENS_POLICY_REFRESH_SECONDS'],
    parse: positiveSeconds,
    fallback: 300,
    shownDefault: '`300`',
  }),
  patternReportSeconds: setting({
    option: 'patternReportSeconds',
    env: ['SPRINTLENS_PATTERN_REPORT_SECONDS'],
    parse: positiveSeconds,
    fallback: 600,
    shownDefault: '`600`',
  }),
  pricesFile: setting<string | undefined>({
    option: 'pricesFile',
    env: ['SPRINTLENS_PRICES'],
    parse: parseString,
    fallback: undefined,
    shownDefault: 'unset',
  }),
  queueMaxBytes: setting({
    option: 'queueMaxBytes',
    env: ['SPRINTLENS_QUEUE_MAX_BYTES'],
    parse: bytesParser({ min: 1024 * 1024, max: 16 * 1024 ** 3 }),
    fallback: 64 * 1024 * 1024,
    shownDefault: '`64MiB`',
  }),
  spoolDir: setting<string | undefined>({
    option: 'spoolDir',
    env: ['SPRINTLENS_SPOOL_DIR'],
    parse: parseString,
    fallback: undefined,
    shownDefault: 'unset',
  }),
  metricsPort: setting<number | undefined>({
    option: 'metricsPort',
    env: ['SPRINTLENS_METRICS_PORT'],
    parse: numberParser({ min: 0, max: 65_535, integer: true }),
    fallback: undefined,
    shownDefault: 'unset',
  }),
  metricsHost: setting({
    option: 'metricsHost',
    env: ['SPRINTLENS_METRICS_HOST'],
    parse: parseString,
    fallback: '127.0.0.1',
    shownDefault: '`127.0.0.1`',
  }),
  shutdownTimeoutMillis: setting({
    option: 'shutdownTimeoutMillis',
    env: ['SPRINTLENS_SHUTDOWN_TIMEOUT_MS'],
    parse: numberParser({ min: 0, max: 600_000, integer: true }),
    fallback: 5_000,
    shownDefault: '`5000`',
  }),
  logLevel: setting<DiagLevelName>({
    option: 'logLevel',
    env: ['OTEL_LOG_LEVEL'],
    parse: enumParser(LOG_LEVELS),
    fallback: 'warn',
    shownDefault: '`warn`',
  }),
} as const;

/** Export protocol of a signal: parsed by `resolve.ts` (grpc has a code of its own). */
export const DEFAULT_PROTOCOL: OtlpProtocol = 'http/protobuf';
/** Per-request export timeout, ms. */
export const DEFAULT_EXPORT_TIMEOUT_MS = 10_000;

/**
 * Settings resolved from several sources in `resolve.ts`, listed for the docs check: the
 * variables (as docs/configuration.md names them), the option, and the default as shown.
 */
export const DERIVED_SETTINGS: readonly {
  readonly env: string;
  readonly option: keyof SprintlensOptions | undefined;
  readonly shownDefault: string;
}[] = [
  { env: 'OTEL_SERVICE_NAME', option: 'serviceName', shownDefault: 'unknown_service:node' },
  { env: 'SPRINTLENS_SERVICE_NAME', option: undefined, shownDefault: '—' },
  {
    env: 'SPRINTLENS_SERVICE_VERSION',
    option: 'serviceVersion',
    shownDefault: "the app's package.json `version`",
  },
  { env: 'SPRINTLENS_ENVIRONMENT', option: 'environment', shownDefault: 'unset' },
  {
    env: 'OTEL_EXPORTER_OTLP_{TRACES,LOGS,METRICS}_ENDPOINT',
    option: undefined,
    shownDefault: 'base URL + `/v1/<signal>`',
  },
  {
    env: 'OTEL_EXPORTER_OTLP_{TRACES,LOGS,METRICS}_HEADERS',
    option: undefined,
    shownDefault: 'none',
  },
  {
    env: 'OTEL_EXPORTER_OTLP_PROTOCOL',
    option: 'protocol',
    shownDefault: '`http/protobuf`',
  },
  {
    env: 'OTEL_EXPORTER_OTLP_TIMEOUT',
    option: 'exportTimeoutMillis',
    shownDefault: `\`${DEFAULT_EXPORT_TIMEOUT_MS}\``,
  },
  { env: 'SPRINTLENS_ESM_LOADER', option: undefined, shownDefault: 'unset' },
];
