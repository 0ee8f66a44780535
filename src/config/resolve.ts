import {
  ConfigApiKeyWithoutEndpointError,
  ConfigEndpointConflictError,
  ConfigError,
} from '../base/errors';
import { ConfigUnsupportedProtocolError } from '../base/errors';
import type { SprintlensError } from '../base/errors';
import { INSTRUMENTATION_NAMES } from './instrumentation-catalogue';
import { endpointUrl } from '../base/endpoint-url';
import { VERSION } from '../base/version';
import { readAppPackage } from './app-package';
import type { AppPackage } from './app-package';
import type {
  Compression,
  DiagLevelName,
  LogSamplingScope,
  OtlpProtocol,
  ResolvedConfig,
  SampledSeverity,
  SignalExportConfig,
  SprintlensOptions,
  TracesSamplerName,
} from './options';
import {
  bytesParser,
  enumParser,
  nameListParser,
  numberParser,
  parseBoolean,
  parseHeaders,
  parseHttpUrl,
  parseKeyValueList,
  parseRate,
  parseString,
  severityRatesParser,
} from './parsers';
import type { Parser } from './parsers';

/** The result of {@link resolveConfig}: final values, and what was wrong on the way. */
export interface ConfigResolution {
  readonly config: ResolvedConfig;
  /** One entry per invalid or conflicting value; the config holds the fallback. */
  readonly warnings: readonly SprintlensError[];
}

/** Defaults, in one place (docs/configuration.md mirrors them; a test checks). */
export const DEFAULTS = {
  collectorEndpoint: 'http://localhost:4318',
  protocol: 'http/protobuf' as OtlpProtocol,
  exportTimeoutMillis: 10_000,
  compression: 'auto' as Compression,
  tracesSampler: 'parentbased_always_on' as TracesSamplerName,
  tracesSamplerArg: 1,
  logRates: { TRACE: 0.01, DEBUG: 0.05, INFO: 0.2, WARN: 0.5 } as Record<SampledSeverity, number>,
  logSamplingScope: 'export' as LogSamplingScope,
  policyRefreshSeconds: 300,
  patternReportSeconds: 600,
  queueMaxBytes: 64 * 1024 * 1024,
  metricsHost: '127.0.0.1',
  shutdownTimeoutMillis: 5_000,
  logLevel: 'warn' as DiagLevelName,
} as const;

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
const SIGNALS = ['traces', 'logs', 'metrics'] as const;
type Signal = (typeof SIGNALS)[number];

/** Secrets are never echoed in warnings or printed configuration. */
const SECRET_SOURCES = new Set(['SPRINTLENS_API_KEY', 'options.apiKey']);

/** Environment of the process, as a read-only map. */
export type Env = Readonly<Record<string, string | undefined>>;

/** Inputs of {@link resolveConfig}, for tests and the CLI. */
export interface ResolveInputs {
  readonly env?: Env;
  /** The app's package.json (found from the entry script when omitted). */
  readonly appPackage?: AppPackage;
}

/**
 * Resolves the configuration: programmatic options first, then `OTEL_*` variables, then
 * `SPRINTLENS_*` variables, then defaults. Every value is validated; an invalid one yields a
 * warning carrying a stable code and the default. Never throws.
 */
export function resolveConfig(
  options: SprintlensOptions = {},
  inputs: ResolveInputs = {},
): ConfigResolution {
  const env = inputs.env ?? process.env;
  const warnings: SprintlensError[] = [];

  /** First source that has a value wins; an invalid value yields the default. */
  function pick<T>(
    sources: ReadonlyArray<readonly [source: string, raw: unknown]>,
    parse: Parser<T>,
    fallback: T,
  ): T {
    for (const [source, raw] of sources) {
      if (raw === undefined || raw === null) continue;
      if (typeof raw === 'string' && raw.trim() === '') continue; // empty means unset (OTel spec)
      try {
        return parse(raw, {
          source,
          fallback: describe(fallback),
          secret: SECRET_SOURCES.has(source),
        });
      } catch (error) {
        if (error instanceof ConfigError) {
          warnings.push(error);
          return fallback;
        }
        throw error;
      }
    }
    return fallback;
  }
  const opt = <K extends keyof SprintlensOptions>(key: K) =>
    [`options.${key}`, options[key]] as const;
  const fromEnv = (name: string) => [name, env[name]] as const;

  const disabled = pick([opt('disabled'), fromEnv('OTEL_SDK_DISABLED')], parseBoolean, false);

  const resourceAttributes = pick(
    [opt('resourceAttributes'), fromEnv('OTEL_RESOURCE_ATTRIBUTES')],
    parseKeyValueList,
    {},
  );
  const app = inputs.appPackage ?? readAppPackage();
  const serviceName = pick(
    [
      opt('serviceName'),
      fromEnv('OTEL_SERVICE_NAME'),
      ['OTEL_RESOURCE_ATTRIBUTES', resourceAttributes['service.name']],
      fromEnv('SPRINTLENS_SERVICE_NAME'),
      ['package.json', app.name],
    ],
    parseString,
    'unknown_service:node',
  );
  const serviceVersion = pick<string | undefined>(
    [
      opt('serviceVersion'),
      ['OTEL_RESOURCE_ATTRIBUTES', resourceAttributes['service.version']],
      fromEnv('SPRINTLENS_SERVICE_VERSION'),
      ['package.json', app.version],
    ],
    parseString,
    undefined,
  );
  const environment = pick<string | undefined>(
    [
      opt('environment'),
      ['OTEL_RESOURCE_ATTRIBUTES', resourceAttributes['deployment.environment.name']],
      fromEnv('SPRINTLENS_ENVIRONMENT'),
    ],
    parseString,
    undefined,
  );

  const endpoint = pick<string | undefined>(
    [opt('endpoint'), fromEnv('SPRINTLENS_ENDPOINT')],
    parseHttpUrl,
    undefined,
  );
  const apiKey = pick<string | undefined>(
    [opt('apiKey'), fromEnv('SPRINTLENS_API_KEY')],
    parseString,
    undefined,
  );
  const mode = endpoint === undefined ? 'collector' : 'backend';
  if (mode === 'collector' && apiKey !== undefined) {
    warnings.push(new ConfigApiKeyWithoutEndpointError());
  }
  const collectorBase = pick(
    [opt('otlpEndpoint'), fromEnv('OTEL_EXPORTER_OTLP_ENDPOINT')],
    parseHttpUrl,
    DEFAULTS.collectorEndpoint,
  );
  if (mode === 'backend') {
    const ignored = ['OTEL_EXPORTER_OTLP_ENDPOINT', ...SIGNALS.map((s) => signalVar(s, 'ENDPOINT'))]
      .filter((name) => (env[name] ?? '').trim() !== '')
      .concat(options.otlpEndpoint !== undefined ? ['options.otlpEndpoint'] : []);
    if (ignored.length > 0) warnings.push(new ConfigEndpointConflictError(ignored.join(', ')));
  }

  const baseHeaders = pick(
    [opt('headers'), fromEnv('OTEL_EXPORTER_OTLP_HEADERS')],
    parseHeaders,
    {},
  );
  const timeoutParser = numberParser({ min: 1, max: 600_000, integer: true });

  function signalConfig(signal: Signal): SignalExportConfig {
    const url =
      mode === 'backend'
        ? endpointUrl(endpoint!, `/v1/${signal}`)
        : pick(
            [fromEnv(signalVar(signal, 'ENDPOINT'))],
            parseHttpUrl,
            endpointUrl(collectorBase, `/v1/${signal}`),
          );
    const signalHeaders = pick([fromEnv(signalVar(signal, 'HEADERS'))], parseHeaders, {});
    const headers: Record<string, string> = {
      ...baseHeaders,
      ...signalHeaders,
      'user-agent': `sprintlens-node/${VERSION}`,
    };
    // The key goes only to a Sprint Lens backend, never to a third-party collector.
    if (mode === 'backend' && apiKey !== undefined) headers.authorization = `Bearer ${apiKey}`;
    return {
      url,
      headers,
      protocol: pick(
        [
          opt('protocol'),
          fromEnv(signalVar(signal, 'PROTOCOL')),
          fromEnv('OTEL_EXPORTER_OTLP_PROTOCOL'),
        ],
        parseProtocol,
        DEFAULTS.protocol,
      ),
      timeoutMillis: pick(
        [
          opt('exportTimeoutMillis'),
          fromEnv(signalVar(signal, 'TIMEOUT')),
          fromEnv('OTEL_EXPORTER_OTLP_TIMEOUT'),
        ],
        timeoutParser,
        DEFAULTS.exportTimeoutMillis,
      ),
    };
  }

  const positiveSeconds = numberParser({ min: 1, max: 86_400, integer: false });
  const config: ResolvedConfig = {
    disabled,
    serviceName,
    serviceVersion,
    environment,
    resourceAttributes,
    mode,
    endpoint,
    apiKey,
    traces: signalConfig('traces'),
    logs: signalConfig('logs'),
    metrics: signalConfig('metrics'),
    compression: pick(
      [
        opt('compression'),
        fromEnv('OTEL_EXPORTER_OTLP_COMPRESSION'),
        fromEnv('SPRINTLENS_COMPRESSION'),
      ],
      enumParser<Compression>(['auto', 'gzip', 'zstd', 'none']),
      DEFAULTS.compression,
    ),
    tracesSampler: pick(
      [opt('tracesSampler'), fromEnv('OTEL_TRACES_SAMPLER')],
      enumParser(SAMPLERS),
      DEFAULTS.tracesSampler,
    ),
    tracesSamplerArg: pick(
      [opt('tracesSamplerArg'), fromEnv('OTEL_TRACES_SAMPLER_ARG')],
      parseRate,
      DEFAULTS.tracesSamplerArg,
    ),
    enabledInstrumentations: pick<string[] | undefined>(
      [opt('enabledInstrumentations'), fromEnv('OTEL_NODE_ENABLED_INSTRUMENTATIONS')],
      nameListParser(INSTRUMENTATION_NAMES),
      undefined,
    ),
    disabledInstrumentations: pick(
      [opt('disabledInstrumentations'), fromEnv('OTEL_NODE_DISABLED_INSTRUMENTATIONS')],
      nameListParser(INSTRUMENTATION_NAMES),
      [],
    ),
    captureContent: pick(
      [
        opt('captureContent'),
        fromEnv('OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT'),
        fromEnv('SPRINTLENS_CAPTURE_CONTENT'),
      ],
      parseBoolean,
      false,
    ),
    logSampling: pick([opt('logSampling'), fromEnv('SPRINTLENS_LOG_SAMPLING')], parseBoolean, true),
    logSamplingScope: pick(
      [opt('logSamplingScope'), fromEnv('SPRINTLENS_LOG_SAMPLING_SCOPE')],
      enumParser<LogSamplingScope>(['export', 'all']),
      DEFAULTS.logSamplingScope,
    ),
    logRates: pick(
      [opt('logRates'), fromEnv('SPRINTLENS_LOG_RATES')],
      severityRatesParser(DEFAULTS.logRates),
      { ...DEFAULTS.logRates },
    ),
    policyRefreshSeconds: pick(
      [opt('policyRefreshSeconds'), fromEnv('SPRINTLENS_POLICY_REFRESH_SECONDS')],
      positiveSeconds,
      DEFAULTS.policyRefreshSeconds,
    ),
    patternReportSeconds: pick(
      [opt('patternReportSeconds'), fromEnv('SPRINTLENS_PATTERN_REPORT_SECONDS')],
      positiveSeconds,
      DEFAULTS.patternReportSeconds,
    ),
    pricesFile: pick<string | undefined>(
      [opt('pricesFile'), fromEnv('SPRINTLENS_PRICES')],
      parseString,
      undefined,
    ),
    queueMaxBytes: pick(
      [opt('queueMaxBytes'), fromEnv('SPRINTLENS_QUEUE_MAX_BYTES')],
      bytesParser({ min: 1024 * 1024, max: 16 * 1024 ** 3 }),
      DEFAULTS.queueMaxBytes,
    ),
    spoolDir: pick<string | undefined>(
      [opt('spoolDir'), fromEnv('SPRINTLENS_SPOOL_DIR')],
      parseString,
      undefined,
    ),
    metricsPort: pick<number | undefined>(
      [opt('metricsPort'), fromEnv('SPRINTLENS_METRICS_PORT')],
      numberParser({ min: 0, max: 65_535, integer: true }),
      undefined,
    ),
    metricsHost: pick(
      [opt('metricsHost'), fromEnv('SPRINTLENS_METRICS_HOST')],
      parseString,
      DEFAULTS.metricsHost,
    ),
    shutdownTimeoutMillis: pick(
      [opt('shutdownTimeoutMillis'), fromEnv('SPRINTLENS_SHUTDOWN_TIMEOUT_MS')],
      numberParser({ min: 0, max: 600_000, integer: true }),
      DEFAULTS.shutdownTimeoutMillis,
    ),
    logLevel: pick(
      [opt('logLevel'), fromEnv('OTEL_LOG_LEVEL')],
      enumParser(LOG_LEVELS),
      DEFAULTS.logLevel,
    ),
  };
  return { config, warnings };
}

function signalVar(signal: Signal, what: string): string {
  return `OTEL_EXPORTER_OTLP_${signal.toUpperCase()}_${what}`;
}

const knownProtocol = enumParser<OtlpProtocol>(['http/protobuf', 'http/json']);

/** `grpc` is a valid OTLP protocol we do not speak: it gets its own code. */
const parseProtocol: Parser<OtlpProtocol> = (raw, ctx) => {
  if (typeof raw === 'string' && raw.trim().toLowerCase() === 'grpc') {
    throw new ConfigUnsupportedProtocolError({
      source: ctx.source,
      shownValue: 'grpc',
      expected: 'http/protobuf or http/json (sprintlens exports over OTLP/HTTP)',
      fallback: ctx.fallback,
    });
  }
  return knownProtocol(raw, ctx);
};

function describe(value: unknown): string {
  if (value === undefined) return 'nothing (unset)';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'object' && value !== null && Object.keys(value).length === 0) {
    return 'none';
  }
  return JSON.stringify(value) ?? String(value);
}
