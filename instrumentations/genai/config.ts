import type { RedactionOptions } from '../../src/redaction';
import type { PriceTable } from './prices';

/** Options every sprintlens LLM instrumentation accepts. */
export interface GenAiConfig {
  /** Capture prompts, completions, system instructions and tool arguments. Default `false`. */
  captureContent?: boolean;
  /** Longest captured string in characters (each text part / tool argument). Default 16384. */
  contentMaxChars?: number;
  /** Redaction of captured content. */
  redaction?: RedactionOptions;
  /** Prices overriding the shipped table, model by model (USD per million tokens). */
  prices?: PriceTable;
  /** JSON price file overriding the shipped table (`SPRINTLENS_PRICES`). */
  pricesFile?: string;
  /** Record `gen_ai.client.*` metrics. Default `true`. */
  metrics?: boolean;
}
