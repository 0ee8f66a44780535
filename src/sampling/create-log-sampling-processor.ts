import type { LogRecordProcessor } from '@opentelemetry/sdk-logs';
import { ConfigError } from '../base/errors';
import { reportWarning } from '../base/diag';
import { VERSION } from '../base/version';
import { numberParser, parseRate, SAMPLED_SEVERITIES } from '../config/parsers';
import type { Parser } from '../config/parsers';
import type { SampledSeverity } from '../config/options';
import { resolveConfig } from '../config/resolve';
import {
  buildLogSampling,
  DEFAULT_SAMPLING_SETTINGS,
  samplingSettingsFromConfig,
} from './log-sampling';
import type { LogSampling, LogSamplingSettings, SamplingBackend } from './log-sampling';
import type { LogSamplingProcessor } from './log-sampling-processor';

export type { LogSampling } from './log-sampling';

/** Options of {@link createLogSamplingProcessor}. Every one is optional. */
export interface LogSamplingOptions {
  /** Where kept records go (e.g. a `BatchLogRecordProcessor`). Default: nowhere. */
  downstream?: LogRecordProcessor;
  /**
   * Keep probability per severity, 0..1. Defaults TRACE 0.01, DEBUG 0.05, INFO 0.2, WARN 0.5
   * ({@link createLogSamplingProcessor}: `SPRINTLENS_LOG_RATES` for the severities not named).
   */
  rates?: Partial<Record<SampledSeverity, number>>;
  /** Most lines per minute kept of any one pattern (ERROR/FATAL excepted). Default 1000. */
  budgetPerMinute?: number;
  /** Bound of the pattern table (least recently used patterns are evicted). Default 10000. */
  maxPatterns?: number;
  /** How many of a new pattern's first lines are always kept. Default 5. */
  firstOccurrences?: number;
  /** New patterns admitted per minute before the cardinality guard trips. Default maxPatterns/10. */
  maxNewPatternsPerMinute?: number;
  /** `all`: a line the sampler drops is not written by the logger either. Default `export`. */
  scope?: 'export' | 'all';
  /**
   * Publish this sampler for the log instrumentations nobody handed one (those of
   * `getInstrumentations()` in your own `NodeSDK`), so that they ask it before a line becomes a
   * record: a dropped line then costs no record, and scope `all` can stop the logger from
   * writing it. Default `true` for {@link createLogSamplingProcessor}; the last one published
   * wins, and shutting it down withdraws it.
   */
  setActive?: boolean;

  /** Sprint Lens backend base URL: enables the policy client and the pattern reports. */
  endpoint?: string;
  /** Sent as `Authorization: Bearer …` to the backend. Never logged. */
  apiKey?: string;
  /** `service.name` for the policy request and the reports. Default `unknown_service`. */
  serviceName?: string;
  /** Extra headers for the backend requests (a `user-agent` is always sent). */
  headers?: Record<string, string>;
  /** Policy refresh period in seconds (fractions allowed). Default 300. */
  policyRefreshSeconds?: number;
  /** Pattern report period in seconds (fractions allowed). Default 600. */
  patternReportSeconds?: number;
  /** Bound of each backend request in ms. Default 10000. */
  requestTimeoutMillis?: number;
  /** Most patterns in one report (largest counts first). Default 1000. */
  maxReportPatterns?: number;

  /** Clock in ms (tests). Default `Date.now`. */
  now?: () => number;
  /** Uniform in [0, 1) for records outside a trace (tests: a seeded generator). */
  random?: () => number;
}

/** Any positive finite number (`Number.MIN_VALUE` is the smallest positive one). */
const positive = numberParser({ min: Number.MIN_VALUE, max: Number.MAX_VALUE, integer: false });
const count = numberParser({ min: 1, max: 10_000_000, integer: true });
const occurrences = numberParser({ min: 0, max: 1000, integer: true });

/** `raw` parsed; `fallback` when it is not given, or (with a warning) invalid. */
function option(raw: unknown, fallback: number, source: string, parse: Parser<number>): number {
  if (raw === undefined) return fallback;
  try {
    return parse(raw, { source, fallback: String(fallback), secret: false });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    reportWarning(error);
    return fallback;
  }
}

/**
 * `base` with the options a caller gave laid over it, each validated once (an invalid one is
 * reported and the base value kept). Rates apply severity by severity.
 */
function withOptions(base: LogSamplingSettings, options: LogSamplingOptions): LogSamplingSettings {
  const rates = { ...base.rates };
  for (const severity of SAMPLED_SEVERITIES) {
    rates[severity] = option(
      options.rates?.[severity],
      rates[severity],
      `rates.${severity}`,
      parseRate,
    );
  }
  const maxPatterns = option(options.maxPatterns, base.maxPatterns, 'maxPatterns', count);
  return {
    rates,
    budgetPerMinute: option(
      options.budgetPerMinute,
      base.budgetPerMinute,
      'budgetPerMinute',
      positive,
    ),
    maxPatterns,
    firstOccurrences: option(
      options.firstOccurrences,
      base.firstOccurrences,
      'firstOccurrences',
      occurrences,
    ),
    maxNewPatternsPerMinute:
      options.maxNewPatternsPerMinute === undefined
        ? base.maxNewPatternsPerMinute
        : option(
            options.maxNewPatternsPerMinute,
            base.maxNewPatternsPerMinute ?? Math.max(100, Math.floor(maxPatterns / 10)),
            'maxNewPatternsPerMinute',
            positive,
          ),
    scope: options.scope === undefined ? base.scope : options.scope === 'all' ? 'all' : 'export',
    serviceName: options.serviceName ?? base.serviceName,
    backend: backendWithOptions(base.backend, options),
    policyRefreshSeconds: option(
      options.policyRefreshSeconds,
      base.policyRefreshSeconds,
      'policyRefreshSeconds',
      positive,
    ),
    patternReportSeconds: option(
      options.patternReportSeconds,
      base.patternReportSeconds,
      'patternReportSeconds',
      positive,
    ),
    maxReportPatterns: option(
      options.maxReportPatterns,
      base.maxReportPatterns,
      'maxReportPatterns',
      count,
    ),
    now: options.now ?? base.now,
    random: options.random ?? base.random,
  };
}

function backendWithOptions(
  base: SamplingBackend | undefined,
  options: LogSamplingOptions,
): SamplingBackend | undefined {
  const given = options.endpoint?.replace(/\/+$/, '');
  const endpoint = given !== undefined && given !== '' ? given : base?.endpoint;
  if (endpoint === undefined) return undefined;
  const headers: Record<string, string> = { ...base?.headers, ...options.headers };
  headers['user-agent'] =
    options.headers?.['user-agent'] ?? base?.headers['user-agent'] ?? `sprintlens-node/${VERSION}`;
  if (options.apiKey !== undefined) headers.authorization = `Bearer ${options.apiKey}`;
  return {
    endpoint,
    headers,
    requestTimeoutMillis: option(
      options.requestTimeoutMillis,
      base?.requestTimeoutMillis ?? 10_000,
      'requestTimeoutMillis',
      positive,
    ),
  };
}

/**
 * The sampling `options` describe, unset ones taken from `base` (default: the documented
 * defaults, not the environment). {@link createLogSamplingProcessor} is the public face of this.
 */
export function createLogSampling(
  options: LogSamplingOptions = {},
  base: LogSamplingSettings = DEFAULT_SAMPLING_SETTINGS,
): LogSampling {
  return buildLogSampling(
    withOptions(base, options),
    options.downstream,
    options.setActive === true,
  );
}

/**
 * A `LogRecordProcessor` that samples log records by pattern and severity before handing the
 * kept ones to `options.downstream`; usable with any `LoggerProvider`:
 *
 * ```ts
 * const exporter = createLogExporter();
 * new LoggerProvider({ processors: [
 *   createLogSamplingProcessor({ downstream: new BatchLogRecordProcessor({ exporter }) }),
 * ] });
 * ```
 *
 * Unset options come from the same configuration as `start()` (`SPRINTLENS_LOG_RATES`,
 * `SPRINTLENS_LOG_SAMPLING_SCOPE`, and with `SPRINTLENS_ENDPOINT` the backend's policy and
 * pattern reports, with `SPRINTLENS_API_KEY`).
 *
 * ERROR and FATAL records are always kept; others at the pattern's policy rate, else their
 * severity's rate, capped by a per-pattern budget, with a new pattern's first lines always kept.
 * Kept records carry `sprintlens.pattern.id`, `log.record.template` and `sprintlens.sample_rate`.
 * See docs/log-sampling.md.
 */
export function createLogSamplingProcessor(options: LogSamplingOptions = {}): LogSamplingProcessor {
  const { config, warnings } = resolveConfig({});
  for (const warning of warnings) reportWarning(warning);
  return createLogSampling({ setActive: true, ...options }, samplingSettingsFromConfig(config))
    .processor;
}
