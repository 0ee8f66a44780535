import type { LogRecordProcessor } from '@opentelemetry/sdk-logs';
import { numberParser, parseRate, SAMPLED_SEVERITIES } from '../config/parsers';
import type { Parser } from '../config/parsers';
import { DEFAULTS, resolveConfig } from '../config/resolve';
import { ConfigError } from '../base/errors';
import { reportWarning } from '../base/diag';
import { VERSION } from '../base/version';
import type { SampledSeverity } from '../config/options';
import { getActiveLogSampler, setActiveLogSampler } from './log-sampler';
import { LogSamplingProcessor } from './log-sampling-processor';
import { PatternReporter } from './pattern-reporter';
import { PatternSampler, SAMPLER_DEFAULTS } from './pattern-sampler';
import { PolicyClient } from './policy-client';
import { registerSamplerStats } from './sampler-metrics';
import { samplingOptionsFrom } from './options-from-config';

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
  /** `all`: instrumentations ask the sampler before the logger writes a line. Default `export`. */
  scope?: 'export' | 'all';
  /**
   * Install this sampler as the one the log instrumentations consult before a line is turned
   * into a record (so a dropped line costs no record, and scope `all` can stop the logger from
   * writing it). Default `true` for {@link createLogSamplingProcessor}; the last one installed
   * wins, and shutting it down uninstalls it.
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

/** The sampling processor with the parts around it. */
export interface LogSampling {
  /** The `LogRecordProcessor` to give a `LoggerProvider`. Its shutdown also stops the rest. */
  readonly processor: LogSamplingProcessor;
  /** The sampler (also the {@link LogSampler} instrumentations consult). */
  readonly sampler: PatternSampler;
  /** The policy client, when an endpoint is set. */
  readonly policyClient: PolicyClient | undefined;
  /** The pattern reporter, when an endpoint is set. */
  readonly reporter: PatternReporter | undefined;
  /** Stops the policy client, sends the last report, unregisters metrics. Idempotent. */
  shutdown(): Promise<void>;
}

const noopProcessor: LogRecordProcessor = {
  onEmit: () => undefined,
  forceFlush: () => Promise.resolve(),
  shutdown: () => Promise.resolve(),
};

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

/** Keep probabilities of TRACE, DEBUG, INFO, WARN (the sampler's class order). */
function resolveRates(rates: LogSamplingOptions['rates']): [number, number, number, number] {
  return SAMPLED_SEVERITIES.map((severity) =>
    option(rates?.[severity], DEFAULTS.logRates[severity], `rates.${severity}`, parseRate),
  ) as [number, number, number, number];
}

/**
 * Builds the sampler, its processor and (with an endpoint) the policy client and pattern
 * reporter, and starts them. {@link createLogSamplingProcessor} is the public face of this.
 */
export function createLogSampling(options: LogSamplingOptions = {}): LogSampling {
  const now = options.now ?? Date.now;
  const maxPatterns = option(
    options.maxPatterns,
    SAMPLER_DEFAULTS.maxPatterns,
    'maxPatterns',
    count,
  );
  const sampler = new PatternSampler({
    rates: resolveRates(options.rates),
    budgetPerMinute: option(
      options.budgetPerMinute,
      SAMPLER_DEFAULTS.budgetPerMinute,
      'budgetPerMinute',
      positive,
    ),
    maxPatterns,
    firstOccurrences: option(
      options.firstOccurrences,
      SAMPLER_DEFAULTS.firstOccurrences,
      'firstOccurrences',
      occurrences,
    ),
    maxNewPatternsPerMinute: option(
      options.maxNewPatternsPerMinute,
      Math.max(100, Math.floor(maxPatterns / 10)),
      'maxNewPatternsPerMinute',
      positive,
    ),
    maxTemplates: SAMPLER_DEFAULTS.maxTemplates,
    scope: options.scope === 'all' ? 'all' : 'export',
    now,
    random: options.random ?? Math.random,
  });

  let policyClient: PolicyClient | undefined;
  let reporter: PatternReporter | undefined;
  const endpoint = options.endpoint?.replace(/\/+$/, '');
  if (endpoint !== undefined && endpoint !== '') {
    const headers: Record<string, string> = {
      ...options.headers,
      'user-agent': options.headers?.['user-agent'] ?? `sprintlens-node/${VERSION}`,
    };
    if (options.apiKey !== undefined) headers.authorization = `Bearer ${options.apiKey}`;
    // How both the policy client and the pattern reporter reach the backend.
    const backend = {
      endpoint,
      serviceName: options.serviceName ?? 'unknown_service',
      headers,
      timeoutMillis: option(options.requestTimeoutMillis, 10_000, 'requestTimeoutMillis', positive),
      now,
    };
    policyClient = new PolicyClient({
      ...backend,
      refreshMillis:
        1000 * option(options.policyRefreshSeconds, 300, 'policyRefreshSeconds', positive),
      onPolicy: (policy) => sampler.setPolicy(policy),
    });
    reporter = new PatternReporter({
      ...backend,
      intervalMillis:
        1000 * option(options.patternReportSeconds, 600, 'patternReportSeconds', positive),
      maxPatterns: option(options.maxReportPatterns, 1000, 'maxReportPatterns', count),
      sampler,
    });
  }

  const processor = new LogSamplingProcessor(sampler, options.downstream ?? noopProcessor, () =>
    shutdown(),
  );
  const client = policyClient;
  const unregister = registerSamplerStats({
    seen: sampler.seen,
    kept: sampler.kept,
    patternsTracked: () => sampler.table.size,
    evictions: () => sampler.table.evictions,
    overflow: () => sampler.overflow,
    decisionFailures: () => processor.failures + sampler.failures,
    policyFetchFailures: () => client?.fetchFailures ?? 0,
    policyInvalid: () => client?.invalid ?? 0,
    reportFailures: () => reporter?.failures ?? 0,
    policyVersion: () => sampler.policy?.version,
    policyAgeSeconds: () =>
      client?.confirmedAt === undefined ? undefined : (now() - client.confirmedAt) / 1000,
  });

  let stopping: Promise<void> | undefined;
  const shutdown = (): Promise<void> => {
    stopping ??= (async () => {
      policyClient?.stop();
      try {
        await reporter?.stop();
      } finally {
        unregister();
        if (getActiveLogSampler() === sampler) setActiveLogSampler(undefined);
      }
    })();
    return stopping;
  };

  if (options.setActive === true) setActiveLogSampler(sampler);
  policyClient?.start();
  reporter?.start();
  return { processor, sampler, policyClient, reporter, shutdown };
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
  // The same settings as start() and the exporter factories: SPRINTLENS_LOG_RATES, the scope,
  // and with SPRINTLENS_ENDPOINT the backend's policy and pattern reports. Options win; rates
  // severity by severity, so `rates: { INFO: 0.5 }` keeps SPRINTLENS_LOG_RATES for the others.
  const { config, warnings } = resolveConfig({});
  for (const warning of warnings) reportWarning(warning);
  return createLogSampling({
    ...samplingOptionsFrom(config),
    setActive: true,
    ...options,
    rates: { ...config.logRates, ...options.rates },
  }).processor;
}
