import type { TokenUsage } from '../genai';
import type { LcLlmResult, LcUsageMetadata } from './types';

/** `sprintlens.usage.source`: which span of a model call carries its tokens and cost. */
export const ATTR_USAGE_SOURCE = 'sprintlens.usage.source';
/** Output tokens spent on reasoning (part of `gen_ai.usage.output_tokens`, priced with them). */
export const ATTR_USAGE_REASONING_OUTPUT_TOKENS = 'gen_ai.usage.reasoning.output_tokens';

/** The usage of a model run: tokens as priced, plus the reasoning share of the output. */
export interface RunUsage extends TokenUsage {
  readonly reasoningTokens?: number;
}

/**
 * The token usage of a model run's result: the first generation's `usage_metadata` (with cache
 * reads and writes, and the reasoning share of the output), else the `llmOutput.tokenUsage` totals older integrations report.
 */
export function usageOf(result: LcLlmResult | undefined): RunUsage | undefined {
  const message = result?.generations?.[0]?.[0]?.message as
    { usage_metadata?: LcUsageMetadata } | undefined;
  const meta = message?.usage_metadata;
  if (meta !== undefined && meta !== null) {
    return {
      inputTokens: count(meta.input_tokens),
      outputTokens: count(meta.output_tokens),
      cacheReadTokens: count(meta.input_token_details?.cache_read),
      cacheWriteTokens: count(meta.input_token_details?.cache_creation),
      reasoningTokens: count(meta.output_token_details?.reasoning),
    };
  }
  const totals = result?.llmOutput?.tokenUsage as
    { promptTokens?: unknown; completionTokens?: unknown } | undefined;
  if (totals === undefined || totals === null) return undefined;
  return { inputTokens: count(totals.promptTokens), outputTokens: count(totals.completionTokens) };
}

function count(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined;
}
