import { describe, expect, it } from 'vitest';
import type { TokenUsage } from '../../../instrumentations/genai';
import { readBedrockUsage, readInvocationMetrics } from '../../../instrumentations/bedrock/usage';

describe('Bedrock usage', () => {
  it('Converse usage: input tokens include cache reads and writes, also reported apart', () => {
    const usage: TokenUsage = {};
    readBedrockUsage(usage, {
      inputTokens: 10,
      outputTokens: 4,
      totalTokens: 21,
      cacheReadInputTokens: 5,
      cacheWriteInputTokens: 2,
    });
    expect(usage).toEqual({
      inputTokens: 17,
      outputTokens: 4,
      cacheReadTokens: 5,
      cacheWriteTokens: 2,
    });
  });

  it("Nova's InvokeModel spelling of the cache counts", () => {
    const usage: TokenUsage = {};
    readBedrockUsage(usage, {
      inputTokens: 10,
      outputTokens: 4,
      cacheReadInputTokenCount: 5,
      cacheWriteInputTokenCount: 0,
    });
    expect(usage).toEqual({
      inputTokens: 15,
      outputTokens: 4,
      cacheReadTokens: 5,
      cacheWriteTokens: 0,
    });
  });

  it('invocation metrics replace what the model events said, without counting twice', () => {
    const usage: TokenUsage = {};
    readBedrockUsage(usage, { inputTokens: 10, outputTokens: 1, cacheReadInputTokens: 5 });
    readInvocationMetrics(usage, {
      inputTokenCount: 10,
      outputTokenCount: 42,
      invocationLatency: 100,
      firstByteLatency: 20,
    });
    expect(usage).toEqual({ inputTokens: 15, outputTokens: 42, cacheReadTokens: 5 });
    readInvocationMetrics(usage, {
      inputTokenCount: 10,
      outputTokenCount: 42,
      cacheReadInputTokenCount: 5,
      cacheWriteInputTokenCount: 3,
    });
    expect(usage).toEqual({
      inputTokens: 18,
      outputTokens: 42,
      cacheReadTokens: 5,
      cacheWriteTokens: 3,
    });
  });

  it('ignores what is not usage', () => {
    const usage: TokenUsage = {};
    readBedrockUsage(usage, { inputTokens: 'ten', outputTokens: Number.NaN });
    readBedrockUsage(usage, null);
    readInvocationMetrics(usage, 'nonsense');
    readInvocationMetrics(usage, { inputTokenCount: null });
    expect(usage).toEqual({});
  });
});
