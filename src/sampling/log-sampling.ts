import type { LogRecordProcessor } from '@opentelemetry/sdk-logs';
import { selfMetrics } from '../base/self-metrics';
import type { LogSamplingScope, ResolvedConfig, SampledSeverity } from '../config/options';
import { DEFAULTS } from '../config/resolve';
import { getActiveLogSampler, setActiveLogSampler } from './log-sampler';
import { LogSamplingProcessor } from './log-sampling-processor';
import { PatternReporter } from './pattern-reporter';
import { PatternSampler, SAMPLER_DEFAULTS } from './pattern-sampler';
import { PolicyClient } from './policy-client';
import { samplingMetricsSource } from './sampler-metrics';

/**
 * Log sampling as one unit: the sampler, its processor, and with a Sprint Lens backend the policy
 * client and the pattern reporter, built from settings that are already valid. `start()` builds
 * it from the resolved configuration ({@link logSamplingFromConfig}); the public
 * `createLogSamplingProcessor(options)` validates its options once and lays them over the same
 * settings.
 */

/** How the sampling reaches a Sprint Lens backend (policy and pattern reports). */
export interface SamplingBackend {
  /** Base URL, without a trailing slash. */
  readonly endpoint: string;
  /** Every header to send: `user-agent`, and `authorization` when there is a key. */
  readonly headers: Readonly<Record<string, string>>;
  readonly requestTimeoutMillis: number;
}

/** Settings of a {@link LogSampling}, valid as they are (nothing is parsed again). */
export interface LogSamplingSettings {
  readonly rates: Readonly<Record<SampledSeverity, number>>;
  readonly budgetPerMinute: number;
  readonly maxPatterns: number;
  readonly firstOccurrences: number;
  /** `undefined`: a tenth of `maxPatterns`, at least 100. */
  readonly maxNewPatternsPerMinute: number | undefined;
  readonly scope: LogSamplingScope;
  /** `service.name` of the policy request and the reports. */
  readonly serviceName: string;
  /** `undefined`: no policy client, no reports (local rates). */
  readonly backend: SamplingBackend | undefined;
  readonly policyRefreshSeconds: number;
  readonly patternReportSeconds: number;
  readonly maxReportPatterns: number;
  /** Clock in ms. */
  readonly now: () => number;
  /** Uniform in [0, 1) for records outside a trace. */
  readonly random: () => number;
}

/** The settings nobody configured (documented in docs/log-sampling.md). */
export const DEFAULT_SAMPLING_SETTINGS: LogSamplingSettings = {
  rates: DEFAULTS.logRates,
  budgetPerMinute: SAMPLER_DEFAULTS.budgetPerMinute,
  maxPatterns: SAMPLER_DEFAULTS.maxPatterns,
  firstOccurrences: SAMPLER_DEFAULTS.firstOccurrences,
  maxNewPatternsPerMinute: undefined,
  scope: DEFAULTS.logSamplingScope,
  serviceName: 'unknown_service',
  backend: undefined,
  policyRefreshSeconds: DEFAULTS.policyRefreshSeconds,
  patternReportSeconds: DEFAULTS.patternReportSeconds,
  maxReportPatterns: 1000,
  now: Date.now,
  random: Math.random,
};

/**
 * The settings the resolved configuration implies: its rates, scope, service name and periods,
 * and in backend mode the backend (whose headers already carry the user-agent and the key).
 */
export function samplingSettingsFromConfig(config: ResolvedConfig): LogSamplingSettings {
  const endpoint = config.mode === 'backend' ? config.endpoint : undefined;
  return {
    ...DEFAULT_SAMPLING_SETTINGS,
    rates: config.logRates,
    scope: config.logSamplingScope,
    serviceName: config.serviceName,
    backend:
      endpoint === undefined
        ? undefined
        : {
            endpoint: endpoint.replace(/\/+$/, ''),
            headers: config.logs.headers,
            requestTimeoutMillis: config.logs.timeoutMillis,
          },
    policyRefreshSeconds: config.policyRefreshSeconds,
    patternReportSeconds: config.patternReportSeconds,
  };
}

/** The sampling processor with the parts around it. */
export interface LogSampling {
  /** The `LogRecordProcessor` to give a `LoggerProvider`. Its shutdown also stops the rest. */
  readonly processor: LogSamplingProcessor;
  /** The sampler: what the log instrumentations are handed (`setLogSampler`). */
  readonly sampler: PatternSampler;
  /** The policy client, when there is a backend. */
  readonly policyClient: PolicyClient | undefined;
  /** The pattern reporter, when there is a backend. */
  readonly reporter: PatternReporter | undefined;
  /** Stops the policy client, sends the last report, removes the metrics. Idempotent. */
  shutdown(): Promise<void>;
}

const noopProcessor: LogRecordProcessor = {
  onEmit: () => undefined,
  forceFlush: () => Promise.resolve(),
  shutdown: () => Promise.resolve(),
};

/**
 * Builds and starts the sampler, its processor (in front of `downstream`) and, with a backend,
 * the policy client and the pattern reporter; adds their metrics. With `publish`, the sampler
 * is also the published one (`setActiveLogSampler`) that log instrumentations nobody handed a
 * sampler follow, until shutdown.
 */
export function buildLogSampling(
  settings: LogSamplingSettings,
  downstream: LogRecordProcessor | undefined,
  publish: boolean,
): LogSampling {
  const { now, rates, maxPatterns } = settings;
  const sampler = new PatternSampler({
    rates: [rates.TRACE, rates.DEBUG, rates.INFO, rates.WARN],
    budgetPerMinute: settings.budgetPerMinute,
    maxPatterns,
    firstOccurrences: settings.firstOccurrences,
    maxNewPatternsPerMinute:
      settings.maxNewPatternsPerMinute ?? Math.max(100, Math.floor(maxPatterns / 10)),
    maxTemplates: SAMPLER_DEFAULTS.maxTemplates,
    scope: settings.scope,
    now,
    random: settings.random,
  });

  let policyClient: PolicyClient | undefined;
  let reporter: PatternReporter | undefined;
  const backend = settings.backend;
  if (backend !== undefined) {
    // How both the policy client and the pattern reporter reach the backend.
    const request = {
      endpoint: backend.endpoint,
      serviceName: settings.serviceName,
      headers: backend.headers,
      timeoutMillis: backend.requestTimeoutMillis,
      now,
    };
    policyClient = new PolicyClient({
      ...request,
      refreshMillis: 1000 * settings.policyRefreshSeconds,
      onPolicy: (policy) => sampler.setPolicy(policy),
    });
    reporter = new PatternReporter({
      ...request,
      intervalMillis: 1000 * settings.patternReportSeconds,
      maxPatterns: settings.maxReportPatterns,
      sampler,
    });
  }

  const processor = new LogSamplingProcessor(sampler, downstream ?? noopProcessor, () =>
    shutdown(),
  );
  const removeMetrics = selfMetrics().add(
    samplingMetricsSource({ sampler, policyClient, reporter, now }),
  );

  let stopping: Promise<void> | undefined;
  const shutdown = (): Promise<void> => {
    stopping ??= (async () => {
      policyClient?.stop();
      try {
        await reporter?.stop();
      } finally {
        removeMetrics();
        if (getActiveLogSampler() === sampler) setActiveLogSampler(undefined);
      }
    })();
    return stopping;
  };

  if (publish) setActiveLogSampler(sampler);
  policyClient?.start();
  reporter?.start();
  return { processor, sampler, policyClient, reporter, shutdown };
}

/**
 * `start()`'s log sampling: the one wiring from the resolved configuration to the sampling,
 * in front of `downstream`. Not published: `start()` hands the sampler to its log
 * instrumentations.
 */
export function logSamplingFromConfig(
  config: ResolvedConfig,
  downstream: LogRecordProcessor,
): LogSampling {
  return buildLogSampling(samplingSettingsFromConfig(config), downstream, false);
}
