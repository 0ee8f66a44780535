import { trace } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { GenAiCall, PriceBook } from '../../../instrumentations/genai';
import { ChatStreamObserver } from '../../../instrumentations/openai/chat';

function call(): GenAiCall {
  return new GenAiCall(
    {
      tracer: trace.getTracer('test'),
      metrics: undefined,
      prices: new PriceBook([]),
      content: undefined,
    },
    { operation: 'chat', provider: 'openai', requestModel: 'm', attributes: {} },
  );
}

describe('chat stream observer', () => {
  it('hides the usage-only chunk and the usage: null field only when we asked for usage', () => {
    const c = call();
    const observer = new ChatStreamObserver(c, undefined, true);
    const chunk: Record<string, unknown> = {
      id: 'x',
      model: 'm',
      choices: [{ index: 0, delta: { content: 'a' }, finish_reason: null }],
      usage: null,
    };
    expect(observer.onChunk(chunk)).toBe(false);
    expect(chunk).not.toHaveProperty('usage');
    expect(
      observer.onChunk({
        id: 'x',
        choices: [{ index: 0, delta: {}, finish_reason: 'stop' }],
        usage: null,
      }),
    ).toBe(false);
    expect(
      observer.onChunk({ id: 'x', choices: [], usage: { prompt_tokens: 3, completion_tokens: 1 } }),
    ).toBe(true);
    observer.onEnd();
    expect(c.usage).toEqual({ inputTokens: 3, outputTokens: 1 });
    expect(c.finishReasons).toEqual(['stop']);
    expect(c.responseId).toBe('x');
  });

  it("leaves the caller's own usage chunks alone", () => {
    const observer = new ChatStreamObserver(call(), undefined, false);
    const chunk = { id: 'x', choices: [], usage: null };
    expect(observer.onChunk(chunk)).toBe(false);
    expect(chunk).toHaveProperty('usage', null);
    expect(observer.onChunk({ id: 'x', choices: [], usage: { prompt_tokens: 1 } })).toBe(false);
  });

  it('tolerates malformed chunks', () => {
    const observer = new ChatStreamObserver(call(), undefined, true);
    for (const chunk of [null, 1, 'x', {}, { choices: 'no' }, { choices: [null, 3] }]) {
      expect(observer.onChunk(chunk)).toBe(false);
    }
    observer.onEnd();
  });
});
