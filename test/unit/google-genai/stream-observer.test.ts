import { trace } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { ContentCapture, GenAiCall, PriceBook, TRUNCATED } from '../../../instrumentations/genai';
import { GenerateContentStreamObserver } from '../../../instrumentations/google-genai/generate';

function call(content?: ContentCapture): GenAiCall {
  return new GenAiCall(
    { tracer: trace.getTracer('test'), metrics: undefined, prices: new PriceBook([]), content },
    { operation: 'chat', provider: 'gcp.gemini', requestModel: 'm', attributes: {} },
  );
}

function chunk(parts: unknown[], extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    responseId: 'r1',
    modelVersion: 'gemini-2.5-flash',
    candidates: [{ content: { role: 'model', parts }, index: 0, ...extra }],
  };
}

describe('generateContentStream observer', () => {
  it('id, model, the last usage, the finish reason; hides nothing', () => {
    const c = call();
    const observer = new GenerateContentStreamObserver(c, undefined);
    const first = chunk([{ text: 'Hel' }], {});
    expect(
      observer.onChunk({
        ...first,
        usageMetadata: { promptTokenCount: 10, candidatesTokenCount: 1, thoughtsTokenCount: 4 },
      }),
    ).toBe(false);
    expect(
      observer.onChunk({
        ...chunk([{ text: 'lo' }], { finishReason: 'STOP' }),
        usageMetadata: {
          promptTokenCount: 10,
          cachedContentTokenCount: 6,
          candidatesTokenCount: 2,
          thoughtsTokenCount: 4,
        },
      }),
    ).toBe(false);
    observer.onEnd();
    expect(c.responseId).toBe('r1');
    expect(c.responseModel).toBe('gemini-2.5-flash');
    expect([c.inputTokens, c.outputTokens, c.reasoningOutputTokens, c.cacheReadTokens]).toEqual([
      10, 6, 4, 6,
    ]);
    expect(c.finishReasons).toEqual(['stop']);
    expect(c.outputMessages).toBeUndefined();
  });

  it('with capture on: text merged, thoughts as reasoning, function calls as tool calls', () => {
    const content = new ContentCapture();
    const c = call(content);
    const observer = new GenerateContentStreamObserver(c, content);
    observer.onChunk(chunk([{ text: 'Let me ', thought: true }]));
    observer.onChunk(chunk([{ text: 'think.', thought: true }]));
    observer.onChunk(chunk([{ text: 'Calling ' }, { text: 'now.' }]));
    observer.onChunk(
      chunk([{ functionCall: { name: 'get_weather', args: { city: 'Paris' } } }], {
        finishReason: 'STOP',
      }),
    );
    observer.onEnd();
    expect(c.finishReasons).toEqual(['tool_call']);
    expect(JSON.parse(c.outputMessages!)).toEqual([
      {
        role: 'assistant',
        parts: [
          { type: 'reasoning', content: 'Let me think.' },
          { type: 'text', content: 'Calling now.' },
          { type: 'tool_call', name: 'get_weather', arguments: '{"city":"Paris"}' },
        ],
        finish_reason: 'tool_call',
      },
    ]);
  });

  it('stops keeping text past what can reach the span, and marks the cut', () => {
    const content = new ContentCapture({ maxChars: 10 });
    const c = call(content);
    const observer = new GenerateContentStreamObserver(c, content);
    for (let i = 0; i < 2000; i++) observer.onChunk(chunk([{ text: 'abcdefghij' }]));
    observer.onEnd();
    const [message] = JSON.parse(c.outputMessages!) as { parts: { content: string }[] }[];
    expect(message!.parts[0]!.content).toBe(`abcdefghij${TRUNCATED}`);
  });

  it('several candidates by index; a stream ended before a finish reason has none', () => {
    const c = call();
    const observer = new GenerateContentStreamObserver(c, undefined);
    observer.onChunk({
      candidates: [
        { index: 1, content: { parts: [{ text: 'b' }] }, finishReason: 'MAX_TOKENS' },
        { index: 0, content: { parts: [{ text: 'a' }] }, finishReason: 'STOP' },
      ],
    });
    observer.onEnd();
    expect(c.finishReasons).toEqual(['stop', 'length']);
    const cut = call();
    const partial = new GenerateContentStreamObserver(cut, undefined);
    partial.onChunk(chunk([{ text: 'a' }]));
    partial.onEnd();
    expect(cut.finishReasons).toEqual([]);
  });

  it('a blocked prompt in a stream is content_filter', () => {
    const c = call();
    const observer = new GenerateContentStreamObserver(c, undefined);
    observer.onChunk({ promptFeedback: { blockReason: 'PROHIBITED_CONTENT' } });
    observer.onEnd();
    expect(c.finishReasons).toEqual(['content_filter']);
  });

  it('tolerates malformed chunks', () => {
    const observer = new GenerateContentStreamObserver(
      call(new ContentCapture()),
      new ContentCapture(),
    );
    for (const value of [null, 1, 'x', {}, { candidates: 'no' }, { candidates: [null, 3] }]) {
      expect(observer.onChunk(value)).toBe(false);
    }
    observer.onChunk({ candidates: [{ content: { parts: [null, 7, { text: 3 }] } }] });
    observer.onEnd();
  });
});
