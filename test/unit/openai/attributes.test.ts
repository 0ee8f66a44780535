import { describe, expect, it } from 'vitest';
import { chatInputMessages, chatRequestAttributes } from '../../../instrumentations/openai/chat';
import { embeddingsRequestAttributes } from '../../../instrumentations/openai/embeddings';
import { responsesRequestAttributes } from '../../../instrumentations/openai/responses';
import { readUsage } from '../../../instrumentations/openai/usage';
import { ContentCapture } from '../../../instrumentations/genai';
import type { TokenUsage } from '../../../instrumentations/genai';

describe('request attributes', () => {
  it('chat: every parameter the conventions name, only when set', () => {
    expect(
      chatRequestAttributes({
        model: 'gpt-4o',
        temperature: 0,
        max_completion_tokens: 100,
        max_tokens: 5,
        top_p: 1,
        frequency_penalty: -0.5,
        presence_penalty: 0.5,
        stop: 'END',
        seed: 42,
        n: 3,
        response_format: { type: 'json_schema' },
      }),
    ).toEqual({
      'gen_ai.request.temperature': 0,
      'gen_ai.request.max_tokens': 100,
      'gen_ai.request.top_p': 1,
      'gen_ai.request.frequency_penalty': -0.5,
      'gen_ai.request.presence_penalty': 0.5,
      'gen_ai.request.stop_sequences': ['END'],
      'gen_ai.request.seed': 42,
      'gen_ai.request.choice.count': 3,
      'gen_ai.output.type': 'json',
    });
    expect(chatRequestAttributes({ model: 'x', n: 1, temperature: 'hot', stop: [1, 'a'] })).toEqual(
      {
        'gen_ai.request.stop_sequences': ['a'],
      },
    );
  });

  it('responses and embeddings', () => {
    expect(
      responsesRequestAttributes({
        max_output_tokens: 10,
        temperature: 0.1,
        top_p: 0.5,
        text: { format: { type: 'text' } },
      }),
    ).toEqual({
      'gen_ai.request.max_tokens': 10,
      'gen_ai.request.temperature': 0.1,
      'gen_ai.request.top_p': 0.5,
      'gen_ai.output.type': 'text',
    });
    expect(embeddingsRequestAttributes({ encoding_format: 'base64', dimensions: 256 })).toEqual({
      'gen_ai.request.encoding_formats': ['base64'],
      'gen_ai.embeddings.dimension.count': 256,
    });
  });

  it('usage: chat and Responses API shapes, cached tokens included in input', () => {
    const chat: TokenUsage = {};
    readUsage(chat, {
      prompt_tokens: 10,
      completion_tokens: 2,
      prompt_tokens_details: { cached_tokens: 4 },
    });
    expect(chat).toEqual({ inputTokens: 10, outputTokens: 2, cacheReadTokens: 4 });
    const responses: TokenUsage = {};
    readUsage(responses, {
      input_tokens: 7,
      output_tokens: 3,
      input_tokens_details: { cached_tokens: 0 },
    });
    expect(responses).toEqual({ inputTokens: 7, outputTokens: 3, cacheReadTokens: 0 });
    const none: TokenUsage = {};
    readUsage(none, null);
    expect(none).toEqual({});
  });
});

describe('input messages', () => {
  it('text, multi-part, tool calls and tool results in the conventions shape; media kept as kind only', () => {
    const content = new ContentCapture({ maxChars: 8 });
    const json = chatInputMessages(
      {
        messages: [
          { role: 'developer', content: 'rules' },
          {
            role: 'user',
            content: [
              { type: 'text', text: 'look' },
              { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA' } },
            ],
          },
          {
            role: 'assistant',
            content: null,
            tool_calls: [
              {
                id: 't1',
                type: 'function',
                function: { name: 'f', arguments: '{"a":"0123456789"}' },
              },
            ],
          },
          { role: 'tool', tool_call_id: 't1', content: 'result' },
        ],
      },
      content,
    );
    expect(JSON.parse(json!)).toEqual([
      { role: 'developer', parts: [{ type: 'text', content: 'rules' }] },
      { role: 'user', parts: [{ type: 'text', content: 'look' }, { type: 'image_url' }] },
      {
        role: 'assistant',
        parts: [{ type: 'tool_call', id: 't1', name: 'f', arguments: '{"a":"01…[truncated]' }],
      },
      { role: 'tool', parts: [{ type: 'tool_call_response', id: 't1', response: 'result' }] },
    ]);
    expect(json).not.toContain('AAAA');
  });
});
