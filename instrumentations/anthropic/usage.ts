import type { TokenUsage } from '../genai';
import { asNumber, asObject } from '../genai/narrow';

/**
 * Copies Anthropic usage into the call's usage. Anthropic's `input_tokens` counts only the
 * uncached input; the conventions (and genai's cost formula) want the input count to include
 * cache reads and writes, so the three are summed. Fields absent from `value` leave what an
 * earlier event reported (streams send usage in `message_start`, then again in `message_delta`).
 */
export function readUsage(target: TokenUsage, value: unknown): void {
  const usage = asObject(value);
  if (usage === undefined) return;
  const read = asNumber(usage.cache_read_input_tokens);
  if (read !== undefined) target.cacheReadTokens = read;
  const write = asNumber(usage.cache_creation_input_tokens);
  if (write !== undefined) target.cacheWriteTokens = write;
  const input = asNumber(usage.input_tokens);
  if (input !== undefined) {
    target.inputTokens = input + (target.cacheReadTokens ?? 0) + (target.cacheWriteTokens ?? 0);
  }
  const output = asNumber(usage.output_tokens);
  if (output !== undefined) target.outputTokens = output;
}
