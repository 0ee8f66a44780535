import type { TokenUsage } from '../genai';
import type { LcLlmResult, LcUsageMetadata } from './types';

/** `sprintlens.usage.source`: which span of a model call carries its tokens and cost. */
export const ATTR_USAGE_SOURCE = 'sprintlens.usage.source';

/**
 * The token usage of a model run's result: the first generation's `usage_metadata` (with cache
 * reads and writes), else the `llmOutput.tokenUsage` totals older integrations report.
 */
export function usageOf(result: LcLlmResult | undefined): TokenUsage | undefined {
  const message = result?.generations?.[0]?.[0]?.message as
    { usage_metadata?: LcUsageMetadata } | undefined;
  const meta = message?.usage_metadata;
  if (meta !== undefined && meta !== null) {
    return {
      inputTokens: count(meta.input_tokens),
      outputTokens: count(meta.output_tokens),
      cacheReadTokens: count(meta.input_token_details?.cache_read),
      cacheWriteTokens: count(meta.input_token_details?.cache_creation),
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
