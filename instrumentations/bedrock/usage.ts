import type { TokenUsage } from '../genai';
import { asNumber, asObject } from '../genai/narrow';

/**
 * Copies Bedrock usage into the call's usage: Converse's `TokenUsage` (`inputTokens`,
 * `outputTokens`, `cacheReadInputTokens`, `cacheWriteInputTokens`) and Amazon Nova's
 * `InvokeModel` usage (the same, with `cacheReadInputTokenCount`/`cacheWriteInputTokenCount`).
 * Bedrock counts cache reads and writes apart from `inputTokens` (`totalTokens` is the sum of
 * all four); the conventions, and genai's cost formula, want the input count to include them.
 */
export function readBedrockUsage(target: TokenUsage, value: unknown): void {
  const usage = asObject(value);
  if (usage === undefined) return;
  setTokens(target, {
    input: asNumber(usage.inputTokens),
    output: asNumber(usage.outputTokens),
    cacheRead: asNumber(usage.cacheReadInputTokens) ?? asNumber(usage.cacheReadInputTokenCount),
    cacheWrite: asNumber(usage.cacheWriteInputTokens) ?? asNumber(usage.cacheWriteInputTokenCount),
  });
}

/**
 * Copies `amazon-bedrock-invocationMetrics` (the last chunk of every `InvokeModelWithResponseStream`
 * stream, whatever the model) into the call's usage: what Bedrock bills, so it replaces what the
 * model's own events said.
 */
export function readInvocationMetrics(target: TokenUsage, value: unknown): void {
  const metrics = asObject(value);
  if (metrics === undefined) return;
  setTokens(target, {
    input: asNumber(metrics.inputTokenCount),
    output: asNumber(metrics.outputTokenCount),
    cacheRead: asNumber(metrics.cacheReadInputTokenCount),
    cacheWrite: asNumber(metrics.cacheWriteInputTokenCount),
  });
}

/** Token counts as Bedrock reports them: `input` without the cache reads and writes. */
interface BedrockTokens {
  readonly input: number | undefined;
  readonly output: number | undefined;
  readonly cacheRead: number | undefined;
  readonly cacheWrite: number | undefined;
}

function setTokens(target: TokenUsage, tokens: BedrockTokens): void {
  if (tokens.cacheRead !== undefined) target.cacheReadTokens = tokens.cacheRead;
  if (tokens.cacheWrite !== undefined) target.cacheWriteTokens = tokens.cacheWrite;
  if (tokens.input !== undefined) {
    target.inputTokens =
      tokens.input + (target.cacheReadTokens ?? 0) + (target.cacheWriteTokens ?? 0);
  }
  if (tokens.output !== undefined) target.outputTokens = tokens.output;
}
