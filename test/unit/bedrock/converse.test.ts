import { describe, expect, it } from 'vitest';
import { ContentCapture, TRUNCATED } from '../../../instrumentations/genai';
import { converseAttributes, readConverse } from '../../../instrumentations/bedrock/converse';
import {
  inputMessages,
  systemInstructions,
} from '../../../instrumentations/bedrock/converse-content';
import { ConverseStreamObserver } from '../../../instrumentations/bedrock/converse-stream';
import { bedrockCall, CONTENT } from './support';

const USAGE = {
  inputTokens: 10,
  outputTokens: 4,
  cacheReadInputTokens: 5,
  cacheWriteInputTokens: 1,
};

describe('Converse requests and replies', () => {
  it('request parameters from inferenceConfig, top_k from the model fields', () => {
    expect(
      converseAttributes({
        inferenceConfig: { maxTokens: 9, temperature: 0.1, topP: 0.5, stopSequences: ['X'] },
        additionalModelRequestFields: { top_k: 3 },
      }),
    ).toEqual({
      'gen_ai.request.max_tokens': 9,
      'gen_ai.request.temperature': 0.1,
      'gen_ai.request.top_p': 0.5,
      'gen_ai.request.top_k': 3,
      'gen_ai.request.stop_sequences': ['X'],
    });
    expect(converseAttributes({ inferenceConfig: 'x', additionalModelRequestFields: 1 })).toEqual(
      {},
    );
  });

  it('a reply: stop reason, usage; its content only when capture is on', () => {
    const output = {
      output: { message: { role: 'assistant', content: [{ text: 'hi' }] } },
      stopReason: 'max_tokens',
      usage: USAGE,
      $metadata: { requestId: 'r-1' },
    };
    const off = bedrockCall();
    readConverse(off, output, undefined);
    expect([off.finishReasons, off.inputTokens, off.outputTokens]).toEqual([['max_tokens'], 16, 4]);
    expect(off.outputMessages).toBeUndefined();
    const on = bedrockCall('m', CONTENT);
    readConverse(on, output, CONTENT);
    expect(JSON.parse(on.outputMessages!)).toEqual([
      { role: 'assistant', parts: [{ type: 'text', content: 'hi' }], finish_reason: 'max_tokens' },
    ]);
    readConverse(bedrockCall(), null, CONTENT);
  });

  it('content blocks: text, tool use and results, reasoning, guarded text; media by kind only', () => {
    const messages = [
      {
        role: 'user',
        content: [
          { text: 'mail me at jane.doe@example.com' },
          { image: { format: 'png', source: { bytes: 'xxx' } } },
          { document: { name: 'a.pdf', format: 'pdf', source: { bytes: 'yyy' } } },
          { guardContent: { text: { text: 'guarded' } } },
          { cachePoint: { type: 'default' } },
        ],
      },
      {
        role: 'assistant',
        content: [
          { reasoningContent: { reasoningText: { text: 'thinking', signature: 's' } } },
          { toolUse: { toolUseId: 't1', name: 'f', input: { a: 1 } } },
        ],
      },
      {
        role: 'user',
        content: [
          { toolResult: { toolUseId: 't1', content: [{ text: 'ok ' }, { json: { b: 2 } }] } },
        ],
      },
      'not a message',
    ];
    expect(JSON.parse(inputMessages(messages, CONTENT)!)).toEqual([
      {
        role: 'user',
        parts: [
          { type: 'text', content: 'mail me at [REDACTED:email]' },
          { type: 'image' },
          { type: 'document' },
          { type: 'text', content: 'guarded' },
        ],
      },
      {
        role: 'assistant',
        parts: [
          { type: 'reasoning', content: 'thinking' },
          { type: 'tool_call', id: 't1', name: 'f', arguments: '{"a":1}' },
        ],
      },
      { role: 'user', parts: [{ type: 'tool_call_response', id: 't1', response: 'ok {"b":2}' }] },
    ]);
    expect(inputMessages('nope', CONTENT)).toBeUndefined();
    expect(systemInstructions([{ cachePoint: {} }], CONTENT)).toBeUndefined();
    expect(JSON.parse(systemInstructions([{ text: 'be brief' }], CONTENT)!)).toEqual([
      { type: 'text', content: 'be brief' },
    ]);
  });
});

describe('ConverseStream events', () => {
  const events = [
    { messageStart: { role: 'assistant' } },
    { contentBlockDelta: { contentBlockIndex: 0, delta: { text: 'Hel' } } },
    { contentBlockDelta: { contentBlockIndex: 0, delta: { text: 'lo' } } },
    { contentBlockStop: { contentBlockIndex: 0 } },
    {
      contentBlockStart: {
        contentBlockIndex: 1,
        start: { toolUse: { toolUseId: 't', name: 'f' } },
      },
    },
    { contentBlockDelta: { contentBlockIndex: 1, delta: { toolUse: { input: '{"a":' } } } },
    { contentBlockDelta: { contentBlockIndex: 1, delta: { toolUse: { input: '1}' } } } },
    { messageStop: { stopReason: 'tool_use' } },
    { metadata: { usage: USAGE, metrics: { latencyMs: 1 } } },
  ];

  it('stop reason and usage; nothing hidden; no content when capture is off', () => {
    const call = bedrockCall();
    const observer = new ConverseStreamObserver(call, undefined);
    for (const event of events) expect(observer.onChunk(event)).toBe(false);
    observer.onEnd('completed');
    expect(call.finishReasons).toEqual(['tool_use']);
    expect([call.inputTokens, call.outputTokens, call.cacheReadTokens]).toEqual([16, 4, 5]);
    expect(call.outputMessages).toBeUndefined();
    expect(call.errorType).toBeUndefined();
  });

  it('with capture on: the streamed text, tool input and reasoning as one reply', () => {
    const call = bedrockCall('m', CONTENT);
    const observer = new ConverseStreamObserver(call, CONTENT);
    for (const event of [
      { contentBlockDelta: { contentBlockIndex: 2, delta: { reasoningContent: { text: 'hmm' } } } },
      ...events,
    ]) {
      observer.onChunk(event);
    }
    observer.onEnd('completed');
    expect(JSON.parse(call.outputMessages!)).toEqual([
      {
        role: 'assistant',
        parts: [
          { type: 'text', content: 'Hello' },
          { type: 'tool_call', id: 't', name: 'f', arguments: '{"a":1}' },
          { type: 'reasoning', content: 'hmm' },
        ],
        finish_reason: 'tool_use',
      },
    ]);
  });

  it('a stream that ended quietly before messageStop is truncated; cancelled or aborted is not', () => {
    for (const outcome of ['completed', 'cancelled', 'aborted'] as const) {
      const call = bedrockCall();
      const observer = new ConverseStreamObserver(call, undefined);
      observer.onChunk(events[0]);
      observer.onChunk(events[1]);
      observer.onEnd(outcome);
      expect(call.errorType, outcome).toBe(
        outcome === 'completed' ? 'stream_truncated' : undefined,
      );
    }
  });

  it('keeps no more text than can reach the span', () => {
    const content = new ContentCapture({ maxChars: 5 });
    const call = bedrockCall('m', content);
    const observer = new ConverseStreamObserver(call, content);
    for (let i = 0; i < 2000; i++) {
      observer.onChunk({
        contentBlockDelta: { contentBlockIndex: 0, delta: { text: 'abcdefgh' } },
      });
    }
    observer.onChunk({ messageStop: { stopReason: 'max_tokens' } });
    observer.onEnd('completed');
    expect(JSON.parse(call.outputMessages!)[0].parts[0].content).toBe(`abcde${TRUNCATED}`);
  });

  it('tolerates malformed events', () => {
    const observer = new ConverseStreamObserver(bedrockCall('m', CONTENT), CONTENT);
    for (const event of [
      null,
      1,
      {},
      { contentBlockDelta: { contentBlockIndex: -1, delta: { text: 'x' } } },
      { contentBlockDelta: { contentBlockIndex: 99999, delta: 'x' } },
      { contentBlockDelta: { delta: { unknown: 1 } } },
      { contentBlockStart: { start: { image: {} } } },
      { messageStop: {} },
      { metadata: {} },
    ]) {
      expect(observer.onChunk(event)).toBe(false);
    }
    observer.onEnd('completed');
  });
});
