import type { RedactionOptions } from '../../src/redaction';
import type { PriceTable } from './prices';

/** Options every sprintlens LLM instrumentation (OpenAI, Anthropic, …) accepts. */
export interface GenAiConfig {
  /**
   * Capture prompts, completions, system instructions and tool arguments on the spans
   * (`gen_ai.input.messages`, `gen_ai.output.messages`, `gen_ai.system_instructions`), redacted
   * then truncated. Default `false`: no content anywhere in the telemetry.
   */
  captureContent?: boolean;
  /**
   * Longest captured string, in characters, per text part or tool argument; longer ones are cut
   * and end with `…[truncated]`. A positive integer; anything else means the default, 16384.
   */
  contentMaxChars?: number;
  /**
   * How captured content is redacted (see docs/redaction.md). Default: every built-in detector.
   * Invalid options turn content capture off (reported once as `SL_CONFIG_INVALID_OPTION_TYPE`).
   */
  redaction?: RedactionOptions;
  /**
   * Prices overriding the shipped table and {@link pricesFile}, model by model: model name to
   * `ModelPrice` (USD per million tokens).
   */
  prices?: PriceTable;
  /**
   * A JSON price file overriding the shipped table, model by model (`SPRINTLENS_PRICES`; see
   * docs/llm.md, "Cost"). A file that cannot be used is reported as
   * `SL_CONFIG_INVALID_PRICES_FILE`.
   */
  pricesFile?: string;
  /**
   * Record the `gen_ai.client.token.usage` and `gen_ai.client.operation.duration` metrics.
   * Default `true`.
   */
  metrics?: boolean;
  /**
   * Context attribute keys (set with `withAttributes` or a middleware helper) to add to the
   * `gen_ai.client.*` metric points, from the context of each call
   * (`SPRINTLENS_METRIC_ATTRIBUTES`). Name only low-cardinality keys (`tenant.tier`, `feature`):
   * every distinct value makes a new series. Never `session.id` or `user.id`. Default: none.
   */
  metricAttributes?: readonly string[];
}
