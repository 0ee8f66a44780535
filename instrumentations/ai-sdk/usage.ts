import type { TokenUsage } from '../genai';
import { asNumber, asObject } from '../genai/narrow';

/** Token usage of an AI SDK model call, as priced, plus the reasoning share of the output. */
export interface AiUsage extends TokenUsage {
  /** Output tokens spent on reasoning (part of `outputTokens`). */
  reasoningTokens?: number;
}

/**
 * The usage of an AI SDK `LanguageModelUsage` (`ai` 5–7): `inputTokens` counts every input
 * token, cache reads and writes included (as the price book expects), with their parts in
 * `inputTokenDetails` (older 5.x releases: `cachedInputTokens`); `outputTokens` includes
 * reasoning (`outputTokenDetails.reasoningTokens`, older: `reasoningTokens`). Embedding calls
 * report `{ tokens }`, which are input tokens. `undefined` when nothing is counted.
 */
export function usageOf(value: unknown): AiUsage | undefined {
  const usage = asObject(value);
  if (usage === undefined) return undefined;
  const embedding = count(usage.tokens);
  if (embedding !== undefined) return { inputTokens: embedding };
  const input = asObject(usage.inputTokenDetails);
  const output = asObject(usage.outputTokenDetails);
  const result: AiUsage = {
    inputTokens: count(usage.inputTokens),
    outputTokens: count(usage.outputTokens),
    cacheReadTokens: count(input?.cacheReadTokens) ?? count(usage.cachedInputTokens),
    cacheWriteTokens: count(input?.cacheWriteTokens),
    reasoningTokens: count(output?.reasoningTokens) ?? count(usage.reasoningTokens),
  };
  return result.inputTokens === undefined && result.outputTokens === undefined ? undefined : result;
}

/** A token count: a finite number not below zero. */
export function count(value: unknown): number | undefined {
  const n = asNumber(value);
  return n !== undefined && n >= 0 ? n : undefined;
}

/** `a + b` for token counts (an unknown part leaves the known one). */
export function addCounts(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined) return b;
  return b === undefined ? a : a + b;
}
