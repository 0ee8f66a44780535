import type { Tracer } from '@opentelemetry/api';
import { reportWarning } from '../../src/base/diag';
import { ConfigInvalidOptionTypeError } from '../../src/base/errors';
import type { GenAiConfig } from './config';
import { ContentCapture } from './content';
import { loadPriceBook } from './load-prices';
import type { GenAiMetrics } from './metrics';
import type { PriceBook } from './prices';
import type { LlmUsage } from './usage-metrics';

/**
 * Everything the pipeline needs to record a call. Built by {@link ConfiguredTelemetry} once per
 * config, tracer, metrics instruments and usage ledger, and shared by every call made meanwhile:
 * a new config, a new tracer or meter provider, or enabling the instrumentation again gives
 * calls a new one.
 */
export interface GenAiTelemetry {
  readonly tracer: Tracer;
  readonly metrics: GenAiMetrics | undefined;
  readonly prices: PriceBook;
  /** Set only when content capture is on: its absence is what keeps content out. */
  readonly content: ContentCapture | undefined;
  /**
   * The usage ledger behind the `sprintlens_llm_*` metrics, held while the instrumentation is
   * enabled; absent, calls are not counted there (spans and `gen_ai.client.*` metrics still are).
   */
  readonly usage?: LlmUsage | undefined;
  /**
   * The context attribute keys the `gen_ai.client.*` metrics carry (the config's
   * `metricAttributes`); unset when there are none or metrics are off.
   */
  readonly metricAttributes?: readonly string[] | undefined;
}

/**
 * The telemetry one config of an LLM instrumentation asks for. The price book and the content
 * capture are built once, when the instrumentation first needs them after its config was set
 * (reading a price file is not free, so not before); the {@link GenAiTelemetry} handed to calls
 * is kept until the tracer, the metrics instruments or the usage ledger change.
 */
export class ConfiguredTelemetry {
  private readonly prices: PriceBook;
  private readonly content: ContentCapture | undefined;
  private readonly metricsOn: boolean;
  private readonly metricAttributes: readonly string[] | undefined;
  private current: GenAiTelemetry | undefined;
  /** The metrics `current` was built with (its own field is unset when metrics are off). */
  private currentMetrics: GenAiMetrics | undefined;

  constructor(config: GenAiConfig) {
    this.prices = loadPriceBook(config);
    this.content = config.captureContent === true ? contentCapture(config) : undefined;
    this.metricsOn = config.metrics !== false;
    this.metricAttributes = metricAttributeKeys(config.metricAttributes);
  }

  /** Tracer, metrics, prices, content capture and ledger: the same object while nothing changes. */
  telemetry(
    tracer: Tracer,
    metrics: GenAiMetrics | undefined,
    usage: LlmUsage | undefined,
  ): GenAiTelemetry {
    const current = this.current;
    if (
      current !== undefined &&
      current.tracer === tracer &&
      this.currentMetrics === metrics &&
      current.usage === usage
    ) {
      return current;
    }
    this.currentMetrics = metrics;
    return (this.current = {
      tracer,
      metrics: this.metricsOn ? metrics : undefined,
      prices: this.prices,
      content: this.content,
      usage,
      metricAttributes: this.metricsOn ? this.metricAttributes : undefined,
    });
  }
}

/** The non-empty string keys of `keys`, without repeats; `undefined` when none is left. */
function metricAttributeKeys(keys: unknown): readonly string[] | undefined {
  if (!Array.isArray(keys)) return undefined;
  const kept = [
    ...new Set((keys as unknown[]).filter((k): k is string => typeof k === 'string' && k !== '')),
  ];
  return kept.length === 0 ? undefined : Object.freeze(kept);
}

/**
 * The content capture `config` asks for, or none when its `redaction` option is invalid: content
 * is then not captured at all (never captured unredacted), calls still get their spans, and the
 * problem is reported once, as `SL_CONFIG_INVALID_OPTION_TYPE`.
 */
export function contentCapture(config: GenAiConfig): ContentCapture | undefined {
  try {
    return new ContentCapture({ maxChars: config.contentMaxChars, redaction: config.redaction });
  } catch (error) {
    // createRedactor's TypeErrors name the faulty entry (its index and kind), never content.
    const problem = error instanceof TypeError ? error.message : 'an unexpected error';
    // Once per config by construction: bypass the per-code rate limit, which another
    // SL_CONFIG_INVALID_OPTION_TYPE reported at start-up could otherwise use up.
    reportWarning(
      new ConfigInvalidOptionTypeError({
        source: 'redaction',
        expected: `valid redaction options (${problem})`,
        fallback: 'no content capture for LLM calls (spans and metrics are still recorded)',
      }),
      0,
    );
    return undefined;
  }
}
