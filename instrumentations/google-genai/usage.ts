import type { TokenUsage } from '../genai';
import { asNumber, asObject } from '../genai/narrow';

/** Token counts with the reasoning share of the output (a `GenAiCall` is one). */
export interface GoogleUsage extends TokenUsage {
  reasoningOutputTokens?: number | undefined;
}

/**
 * Copies a `usageMetadata` (Gemini API and Vertex AI alike) into the call, the way Google bills:
 *
 * - input = `promptTokenCount` + `toolUsePromptTokenCount`: the prompt count already includes
 *   the cached part (`cachedContentTokenCount`, billed at the cache price), and what server-side
 *   tools feed back to the model (search results, code output) is billed as input too;
 * - output = `candidatesTokenCount` + `thoughtsTokenCount`: Google's price lists bill output
 *   "including thinking tokens", while `candidatesTokenCount` counts only the visible answer;
 *   the thinking share is `gen_ai.usage.reasoning.output_tokens` as well.
 *
 * So input + output = `totalTokenCount`. Streams repeat the (growing) usage on their chunks; the
 * last one read wins. A usage without any count leaves the call as it was.
 */
export function readUsage(call: GoogleUsage, value: unknown): void {
  const usage = asObject(value);
  if (usage === undefined) return;
  const prompt = asNumber(usage.promptTokenCount);
  const toolPrompt = asNumber(usage.toolUsePromptTokenCount);
  const candidates = asNumber(usage.candidatesTokenCount);
  const thoughts = asNumber(usage.thoughtsTokenCount);
  if (prompt !== undefined || toolPrompt !== undefined) {
    call.inputTokens = (prompt ?? 0) + (toolPrompt ?? 0);
  }
  if (candidates !== undefined || thoughts !== undefined) {
    call.outputTokens = (candidates ?? 0) + (thoughts ?? 0);
  }
  if (thoughts !== undefined) call.reasoningOutputTokens = thoughts;
  const cached = asNumber(usage.cachedContentTokenCount);
  if (cached !== undefined) call.cacheReadTokens = cached;
}
