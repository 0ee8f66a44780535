import { trace } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { ContentCapture, GenAiCall, PriceBook, TRUNCATED } from '../../../instrumentations/genai';
import { ChatStreamObserver } from '../../../instrumentations/openai/chat';

function call(content?: ContentCapture): GenAiCall {
  return new GenAiCall(
    {
      tracer: trace.getTracer('test'),
      metrics: undefined,
      prices: new PriceBook([]),
      content,
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
    expect([c.inputTokens, c.outputTokens, c.cacheReadTokens]).toEqual([3, 1, undefined]);
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

  it('keeps streamed text and tool arguments only up to what can reach the span', () => {
    const content = new ContentCapture({ maxChars: 10 });
    const c = call(content);
    const observer = new ChatStreamObserver(c, content, false);
    for (let i = 0; i < 10_000; i++) {
      const fn = i === 0 ? { name: 'look', arguments: 'qrstuvwxyz' } : { arguments: 'qrstuvwxyz' };
      observer.onChunk({
        id: 'x',
        choices: [
          {
            index: 0,
            delta: { content: 'abcdefghij', tool_calls: [{ index: 0, id: 't1', function: fn }] },
            finish_reason: i === 9_999 ? 'tool_calls' : null,
          },
        ],
      });
    }
    observer.onEnd();
    expect(JSON.parse(c.outputMessages!)).toEqual([
      {
        role: 'assistant',
        parts: [
          { type: 'text', content: 'abcdefghij' + TRUNCATED },
          { type: 'tool_call', id: 't1', name: 'look', arguments: 'qrstuvwxyz' + TRUNCATED },
        ],
        finish_reason: 'tool_calls',
      },
    ]);
    // What was buffered: at most one piece past keepChars, not the 100,000 characters sent.
    const state = (
      observer as unknown as { choices: { text: string; tools: { args: string }[] }[] }
    ).choices[0]!;
    expect(state.text.length).toBeLessThanOrEqual(content.keepChars + 10);
    expect(state.tools[0]!.args.length).toBeLessThanOrEqual(content.keepChars + 10);
  });
});
