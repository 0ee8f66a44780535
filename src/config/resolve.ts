import {
  ConfigApiKeyWithoutEndpointError,
  ConfigEndpointConflictError,
  ConfigError,
  ConfigUnsupportedProtocolError,
} from '../base/errors';
import type { SprintlensError } from '../base/errors';
import { endpointUrl } from '../base/endpoint-url';
import { VERSION } from '../base/version';
import { readAppPackage } from './app-package';
import type { AppPackage } from './app-package';
import type {
  OtlpProtocol,
  ResolvedConfig,
  SignalExportConfig,
  SprintlensOptions,
} from './options';
import { enumParser, numberParser, parseHeaders, parseHttpUrl, parseString } from './parsers';
import type { Parser } from './parsers';
import { DEFAULT_EXPORT_TIMEOUT_MS, DEFAULT_PROTOCOL, SETTINGS } from './settings';
import type { Setting } from './settings';

/** The result of {@link resolveConfig}: final values, and what was wrong on the way. */
export interface ConfigResolution {
  readonly config: ResolvedConfig;
  /** One entry per invalid or conflicting value; the config holds the fallback. */
  readonly warnings: readonly SprintlensError[];
}

/** Defaults, from the configuration table (docs/configuration.md mirrors them; a test checks). */
export const DEFAULTS = {
  collectorEndpoint: SETTINGS.otlpEndpoint.fallback,
  protocol: DEFAULT_PROTOCOL,
  exportTimeoutMillis: DEFAULT_EXPORT_TIMEOUT_MS,
  compression: SETTINGS.compression.fallback,
  tracesSampler: SETTINGS.tracesSampler.fallback,
  tracesSamplerArg: SETTINGS.tracesSamplerArg.fallback,
  logRates: SETTINGS.logRates.fallback,
  logSamplingScope: SETTINGS.logSamplingScope.fallback,
  policyRefreshSeconds: SETTINGS.policyRefreshSeconds.fallback,
  patternReportSeconds: SETTINGS.patternReportSeconds.fallback,
  queueMaxBytes: SETTINGS.queueMaxBytes.fallback,
  metricsHost: SETTINGS.metricsHost.fallback,
  shutdownTimeoutMillis: SETTINGS.shutdownTimeoutMillis.fallback,
  logLevel: SETTINGS.logLevel.fallback,
} as const;

const SIGNALS = ['traces', 'logs', 'metrics'] as const;
type Signal = (typeof SIGNALS)[number];

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
    secret = false,
  ): T {
    for (const [source, raw] of sources) {
      if (raw === undefined || raw === null) continue;
      if (typeof raw === 'string' && raw.trim() === '') continue; // empty means unset (OTel spec)
      try {
        return parse(raw, { source, fallback: describe(fallback), secret });
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
  /** One row of the configuration table: its option, then its variables, then its default. */
  function read<T>(row: Setting<T>): T {
    const sources: (readonly [string, unknown])[] = [];
    if (row.option !== undefined) sources.push([`options.${row.option}`, options[row.option]]);
    for (const name of row.env) sources.push([name, env[name]]);
    return pick(sources, row.parse, row.fallback, row.secret === true);
  }
  const opt = <K extends keyof SprintlensOptions>(key: K) =>
    [`options.${key}`, options[key]] as const;
  const fromEnv = (name: string) => [name, env[name]] as const;

  const disabled = read(SETTINGS.disabled);
  const resourceAttributes = read(SETTINGS.resourceAttributes);
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

  const endpoint = read(SETTINGS.endpoint);
  const apiKey = read(SETTINGS.apiKey);
  const mode = endpoint === undefined ? 'collector' : 'backend';
  if (mode === 'collector' && apiKey !== undefined) {
    warnings.push(new ConfigApiKeyWithoutEndpointError());
  }
  const collectorBase = read(SETTINGS.otlpEndpoint);
  if (mode === 'backend') {
    const ignored = ['OTEL_EXPORTER_OTLP_ENDPOINT', ...SIGNALS.map((s) => signalVar(s, 'ENDPOINT'))]
      .filter((name) => (env[name] ?? '').trim() !== '')
      .concat(options.otlpEndpoint !== undefined ? ['options.otlpEndpoint'] : []);
    if (ignored.length > 0) warnings.push(new ConfigEndpointConflictError(ignored.join(', ')));
  }

  const baseHeaders = read(SETTINGS.headers);
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
        DEFAULT_PROTOCOL,
      ),
      timeoutMillis: pick(
        [
          opt('exportTimeoutMillis'),
          fromEnv(signalVar(signal, 'TIMEOUT')),
          fromEnv('OTEL_EXPORTER_OTLP_TIMEOUT'),
        ],
        timeoutParser,
        DEFAULT_EXPORT_TIMEOUT_MS,
      ),
    };
  }

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
    compression: read(SETTINGS.compression),
    tracesSampler: read(SETTINGS.tracesSampler),
    tracesSamplerArg: read(SETTINGS.tracesSamplerArg),
    enabledInstrumentations: read(SETTINGS.enabledInstrumentations),
    disabledInstrumentations: read(SETTINGS.disabledInstrumentations),
    captureContent: read(SETTINGS.captureContent),
    contentMaxChars: read(SETTINGS.contentMaxChars),
    includeStreamUsage: read(SETTINGS.includeStreamUsage),
    metricAttributes: read(SETTINGS.metricAttributes),
    logCorrelation: read(SETTINGS.logCorrelation),
    httpIgnorePaths: read(SETTINGS.httpIgnorePaths),
    logSampling: read(SETTINGS.logSampling),
    logSamplingScope: read(SETTINGS.logSamplingScope),
    logRates: read(SETTINGS.logRates),
    policyRefreshSeconds: read(SETTINGS.policyRefreshSeconds),
    patternReportSeconds: read(SETTINGS.patternReportSeconds),
    pricesFile: read(SETTINGS.pricesFile),
    queueMaxBytes: read(SETTINGS.queueMaxBytes),
    spoolDir: read(SETTINGS.spoolDir),
    metricsPort: read(SETTINGS.metricsPort),
    metricsHost: read(SETTINGS.metricsHost),
    shutdownTimeoutMillis: read(SETTINGS.shutdownTimeoutMillis),
    logLevel: read(SETTINGS.logLevel),
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
