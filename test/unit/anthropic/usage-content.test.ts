import { describe, expect, it } from 'vitest';
import { ContentCapture } from '../../../instrumentations/genai';
import type { TokenUsage } from '../../../instrumentations/genai';
import { readUsage } from '../../../instrumentations/anthropic/usage';
import {
  inputMessages,
  outputMessages,
  systemInstructions,
} from '../../../instrumentations/anthropic/content';

describe('Anthropic usage', () => {
  it('input tokens include cache reads and writes, which are also reported apart', () => {
    const usage: TokenUsage = {};
    readUsage(usage, {
      input_tokens: 10,
      output_tokens: 1,
      cache_read_input_tokens: 5,
      cache_creation_input_tokens: 2,
    });
    expect(usage).toEqual({
      inputTokens: 17,
      outputTokens: 1,
      cacheReadTokens: 5,
      cacheWriteTokens: 2,
    });
  });

  it('a later event (message_delta) updates what it carries and keeps the rest', () => {
    const usage: TokenUsage = {};
    readUsage(usage, { input_tokens: 10, output_tokens: 1, cache_read_input_tokens: 5 });
    readUsage(usage, { output_tokens: 42 });
    expect(usage).toEqual({ inputTokens: 15, outputTokens: 42, cacheReadTokens: 5 });
    readUsage(usage, { input_tokens: 11 });
    expect(usage.inputTokens).toBe(16);
  });

  it('ignores what is not usage (null cache fields, non-objects)', () => {
    const usage: TokenUsage = {};
    readUsage(usage, { input_tokens: 3, cache_read_input_tokens: null });
    readUsage(usage, 'nonsense');
    readUsage(usage, null);
    expect(usage).toEqual({ inputTokens: 3 });
  });
});

describe('Anthropic content in the conventions shape', () => {
  const content = new ContentCapture();

  it('system as text parts, from a string or text blocks', () => {
    expect(JSON.parse(systemInstructions({ system: 'be brief' }, content)!)).toEqual([
      { type: 'text', content: 'be brief' },
    ]);
    const blocks = { system: [{ type: 'text', text: 'a', cache_control: { type: 'ephemeral' } }] };
    expect(JSON.parse(systemInstructions(blocks, content)!)).toEqual([
      { type: 'text', content: 'a' },
    ]);
    expect(systemInstructions({}, content)).toBeUndefined();
  });

  it('tool_use, tool_result, thinking and media blocks', () => {
    const body = {
      messages: [
        {
          role: 'user',
          content: [
            { type: 'image', source: { type: 'base64', data: 'AAAA' } },
            { type: 'text', text: 'what is this?' },
          ],
        },
        {
          role: 'assistant',
          content: [
            { type: 'thinking', thinking: 'hmm', signature: 'sig' },
            { type: 'tool_use', id: 't1', name: 'look', input: { q: 1 } },
          ],
        },
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: 't1', content: [{ type: 'text', text: 'ok' }] },
          ],
        },
      ],
    };
    expect(JSON.parse(inputMessages(body, content)!)).toEqual([
      { role: 'user', parts: [{ type: 'image' }, { type: 'text', content: 'what is this?' }] },
      {
        role: 'assistant',
        parts: [
          { type: 'reasoning', content: 'hmm' },
          { type: 'tool_call', id: 't1', name: 'look', arguments: '{"q":1}' },
        ],
      },
      { role: 'user', parts: [{ type: 'tool_call_response', id: 't1', response: 'ok' }] },
    ]);
    expect(JSON.stringify(inputMessages(body, content))).not.toContain('AAAA');
  });

  it('output with its finish reason', () => {
    expect(JSON.parse(outputMessages([{ type: 'text', text: 'hi' }], 'end_turn', content))).toEqual(
      [{ role: 'assistant', parts: [{ type: 'text', content: 'hi' }], finish_reason: 'end_turn' }],
    );
  });
});
