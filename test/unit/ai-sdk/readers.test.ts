/**
 * What the AI SDK instrumentation reads from the SDK: provider ids, usage objects, messages and
 * results (content capture), call settings.
 */
import { describe, expect, it } from 'vitest';
import { ContentCapture, loadPriceBook } from '../../../instrumentations/genai';
import {
  captureInput,
  captureJsonPrompt,
  captureLegacyOutput,
  captureOutput,
} from '../../../instrumentations/ai-sdk/content';
import { providerName } from '../../../instrumentations/ai-sdk/provider-name';
import { functionOf, requestAttributes } from '../../../instrumentations/ai-sdk/request-attributes';
import { usageOf } from '../../../instrumentations/ai-sdk/usage';

describe('gen_ai.provider.name of AI SDK provider ids', () => {
  it('the conventions’ well-known names by prefix', () => {
    expect(providerName('openai.chat')).toBe('openai');
    expect(providerName('openai.responses')).toBe('openai');
    expect(providerName('anthropic.messages')).toBe('anthropic');
    expect(providerName('google.generative-ai')).toBe('gcp.gemini');
    expect(providerName('google.vertex.chat')).toBe('gcp.vertex_ai');
    expect(providerName('google.vertex.anthropic.messages')).toBe('gcp.vertex_ai');
    expect(providerName('amazon-bedrock')).toBe('aws.bedrock');
    expect(providerName('azure.chat')).toBe('azure.ai.openai');
    expect(providerName('mistral.chat')).toBe('mistral_ai');
    expect(providerName('xai.chat')).toBe('x_ai');
    expect(providerName('groq.chat')).toBe('groq');
    expect(providerName('deepseek.chat')).toBe('deepseek');
  });

  it('another provider by its first segment; none at all is _OTHER', () => {
    expect(providerName('togetherai.chat')).toBe('togetherai');
    expect(providerName('OpenAI.Chat')).toBe('openai');
    // Not a prefix match: `openaicompat` is no `openai`.
    expect(providerName('openaicompat.chat')).toBe('openaicompat');
    expect(providerName(undefined)).toBe('_OTHER');
    expect(providerName('')).toBe('_OTHER');
  });
});

describe('usage', () => {
  it('ai 6/7: input with cache details, output with reasoning', () => {
    expect(
      usageOf({
        inputTokens: 1300,
        inputTokenDetails: { noCacheTokens: 1000, cacheReadTokens: 200, cacheWriteTokens: 100 },
        outputTokens: 300,
        outputTokenDetails: { textTokens: 250, reasoningTokens: 50 },
        totalTokens: 1600,
      }),
    ).toEqual({
      inputTokens: 1300,
      outputTokens: 300,
      cacheReadTokens: 200,
      cacheWriteTokens: 100,
      reasoningTokens: 50,
    });
  });

  it('ai 5 names, embeddings, nothing usable', () => {
    expect(
      usageOf({ inputTokens: 10, outputTokens: 2, cachedInputTokens: 4, reasoningTokens: 1 }),
    ).toEqual({
      inputTokens: 10,
      outputTokens: 2,
      cacheReadTokens: 4,
      cacheWriteTokens: undefined,
      reasoningTokens: 1,
    });
    expect(usageOf({ tokens: 8 })).toEqual({ inputTokens: 8 });
    expect(usageOf({ inputTokens: undefined, outputTokens: NaN })).toBeUndefined();
    expect(usageOf({ inputTokens: -1 })).toBeUndefined();
    expect(usageOf(null)).toBeUndefined();
  });
});

describe('call settings', () => {
  it('gen_ai.request.* of the settings that are set', () => {
    expect(
      requestAttributes({
        maxOutputTokens: 50,
        temperature: 0,
        topP: 0.9,
        topK: 40,
        presencePenalty: 0.1,
        frequencyPenalty: 0.2,
        stopSequences: ['END'],
        seed: 7,
      }),
    ).toEqual({
      'gen_ai.request.max_tokens': 50,
      'gen_ai.request.temperature': 0,
      'gen_ai.request.top_p': 0.9,
      'gen_ai.request.top_k': 40,
      'gen_ai.request.presence_penalty': 0.1,
      'gen_ai.request.frequency_penalty': 0.2,
      'gen_ai.request.stop_sequences': ['END'],
      'gen_ai.request.seed': 7,
    });
    expect(requestAttributes({ maxTokens: 10, temperature: undefined })).toEqual({
      'gen_ai.request.max_tokens': 10,
    });
  });

  it('the instrumented functions, by operation id', () => {
    expect(functionOf('ai.generateText')).toBe('generateText');
    expect(functionOf('ai.embedMany')).toBe('embedMany');
    expect(functionOf('ai.rerank')).toBeUndefined();
    expect(functionOf('ai.generateText.doGenerate')).toBeUndefined();
    expect(functionOf('ai.constructor')).toBeUndefined();
    expect(functionOf(42)).toBeUndefined();
  });
});

describe('content capture', () => {
  const capture = new ContentCapture();
  const parse = (json: string | undefined): unknown => JSON.parse(json ?? 'null');

  it('model messages: system instructions apart, parts in the conventions’ shape, redacted', () => {
    const input = captureInput(
      'You are terse.',
      [
        { role: 'system', content: 'Mail jane.doe@example.com' },
        { role: 'user', content: 'Hi jane.doe@example.com' },
        {
          role: 'assistant',
          content: [
            { type: 'reasoning', text: 'thinking' },
            { type: 'tool-call', toolCallId: 'c1', toolName: 'get_weather', input: { city: 'P' } },
          ],
        },
        {
          role: 'tool',
          content: [
            {
              type: 'tool-result',
              toolCallId: 'c1',
              toolName: 'get_weather',
              output: { type: 'json', value: { forecast: 'sunny' } },
            },
          ],
        },
        { role: 'user', content: [{ type: 'image', image: 'data:…' }] },
      ],
      capture,
    );
    expect(parse(input.system)).toEqual([
      { type: 'text', content: 'You are terse.' },
      { type: 'text', content: 'Mail [REDACTED:email]' },
    ]);
    expect(parse(input.messages)).toEqual([
      { role: 'user', parts: [{ type: 'text', content: 'Hi [REDACTED:email]' }] },
      {
        role: 'assistant',
        parts: [
          { type: 'reasoning', content: 'thinking' },
          { type: 'tool_call', id: 'c1', name: 'get_weather', arguments: '{"city":"P"}' },
        ],
      },
      {
        role: 'tool',
        parts: [{ type: 'tool_call_response', id: 'c1', response: '{"forecast":"sunny"}' }],
      },
      // Media is recorded by kind only.
      { role: 'user', parts: [{ type: 'image' }] },
    ]);
  });

  it('ai 5/6 prompts (JSON) and replies; no prompt when the JSON does not parse', () => {
    const input = captureJsonPrompt(
      JSON.stringify([
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: [{ type: 'text', text: 'Hello' }] },
      ]),
      capture,
    );
    expect(parse(input.system)).toEqual([{ type: 'text', content: 'Be brief.' }]);
    expect(parse(input.messages)).toEqual([
      { role: 'user', parts: [{ type: 'text', content: 'Hello' }] },
    ]);
    expect(captureJsonPrompt('{not json', capture)).toEqual({
      messages: undefined,
      system: undefined,
    });
    const reply = captureLegacyOutput(
      {
        text: 'Done.',
        toolCalls: JSON.stringify([{ toolCallId: 'c1', toolName: 'f', input: '{"a":1}' }]),
      },
      'tool-calls',
      capture,
    );
    expect(parse(reply)).toEqual([
      {
        role: 'assistant',
        parts: [
          { type: 'text', content: 'Done.' },
          { type: 'tool_call', id: 'c1', name: 'f', arguments: '{"a":1}' },
        ],
        finish_reason: 'tool-calls',
      },
    ]);
  });

  it('ai 7 reply content parts, cut at the configured length', () => {
    const short = new ContentCapture({ maxChars: 5 });
    expect(parse(captureOutput([{ type: 'text', text: 'Hello there' }], 'stop', short))).toEqual([
      {
        role: 'assistant',
        parts: [{ type: 'text', content: 'Hello…[truncated]' }],
        finish_reason: 'stop',
      },
    ]);
  });
});

describe('prices of models the AI SDK providers reach', () => {
  const prices = loadPriceBook({});

  it('published ones, dated ids as their family', () => {
    expect(prices.lookup('gpt-5.4-2026-03-05')).toEqual({
      input: 2.5,
      cachedInput: 0.25,
      output: 15,
    });
    expect(prices.lookup('gpt-5.5')?.output).toBe(30);
    expect(prices.lookup('gpt-5.2-pro-2025-12-11')).toEqual({ input: 21, output: 168 });
    expect(prices.lookup('claude-opus-4-5-20251101')?.cacheWrite).toBe(6.25);
    expect(prices.lookup('claude-sonnet-4-6')?.input).toBe(3);
  });

  it('ids without a published price are not guessed', () => {
    for (const model of ['gpt-5.6', 'gpt-6-sol', 'claude-opus-4-7', 'claude-fable-5']) {
      expect(prices.lookup(model), model).toBeUndefined();
    }
  });
});
