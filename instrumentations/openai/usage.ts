import type { TokenUsage } from '../genai';
import { asNumber, asObject } from '../genai/narrow';

/**
 * Copies OpenAI usage into the call's usage. Chat/completions use `prompt_tokens` /
 * `completion_tokens` with `prompt_tokens_details.cached_tokens`; the Responses API uses
 * `input_tokens` / `output_tokens` with `input_tokens_details.cached_tokens`. Input counts
 * already include cached tokens, as the conventions want.
 */
export function readUsage(target: TokenUsage, value: unknown): void {
  const usage = asObject(value);
  if (usage === undefined) return;
  const input = asNumber(usage.prompt_tokens) ?? asNumber(usage.input_tokens);
  if (input !== undefined) target.inputTokens = input;
  const output = asNumber(usage.completion_tokens) ?? asNumber(usage.output_tokens);
  if (output !== undefined) target.outputTokens = output;
  const details = asObject(usage.prompt_tokens_details) ?? asObject(usage.input_tokens_details);
  const cached = asNumber(details?.cached_tokens);
  if (cached !== undefined) target.cacheReadTokens = cached;
}
