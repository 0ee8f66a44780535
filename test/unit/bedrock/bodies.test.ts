import { describe, expect, it } from 'vitest';
import type { BodyCodec } from '../../../instrumentations/bedrock/bodies/codec';
import { jsonBody } from '../../../instrumentations/bedrock/bodies/json';
import {
  chunkCodec,
  requestCodec,
  responseCodec,
} from '../../../instrumentations/bedrock/bodies/select';
import { ANTHROPIC_BODIES } from '../../../instrumentations/bedrock/bodies/anthropic';
import { GENERIC_BODIES } from '../../../instrumentations/bedrock/bodies/generic';
import { LLAMA_BODIES } from '../../../instrumentations/bedrock/bodies/llama';
import { NOVA_BODIES } from '../../../instrumentations/bedrock/bodies/nova';
import {
  TITAN_EMBED_BODIES,
  TITAN_TEXT_BODIES,
} from '../../../instrumentations/bedrock/bodies/titan';
import { InvokeStreamObserver } from '../../../instrumentations/bedrock/invoke-stream';
import { bedrockCall, chunk, CONTENT } from './support';

const METRICS = {
  'amazon-bedrock-invocationMetrics': {
    inputTokenCount: 10,
    outputTokenCount: 4,
    cacheReadInputTokenCount: 5,
    cacheWriteInputTokenCount: 1,
    invocationLatency: 9,
    firstByteLatency: 2,
  },
};

/** Reads `chunks` with the codec's reader, as the stream observer does; returns the call. */
function readChunks(codec: BodyCodec, chunks: Record<string, unknown>[], capture = false) {
  const call = bedrockCall('m', capture ? CONTENT : undefined);
  const reader = codec.chunkReader(call, capture ? CONTENT : undefined);
  for (const c of chunks) reader.read(c);
  reader.end();
  return call;
}

const output = (call: { outputMessages?: string | undefined }) =>
  JSON.parse(call.outputMessages!) as unknown;

describe('InvokeModel bodies', () => {
  it('decodes strings and bytes; anything else, or too large, is no body', () => {
    expect(jsonBody('{"a":1}')).toEqual({ a: 1 });
    expect(jsonBody(new TextEncoder().encode('{"a":2}'))).toEqual({ a: 2 });
    expect(jsonBody(Buffer.from('{"a":3}'))).toEqual({ a: 3 });
    expect(jsonBody(new TextEncoder().encode('{"a":4}').buffer)).toEqual({ a: 4 });
    for (const body of ['not json', '"a string"', 42, null, undefined, {}]) {
      expect(jsonBody(body)).toBeUndefined();
    }
    expect(jsonBody(`{"a":"${'x'.repeat(5 * 1024 * 1024)}"}`)).toBeUndefined();
  });

  it('the codec: the model id family, else the body shape, else generic', () => {
    expect(requestCodec('llama', { messages: [] })).toBe(LLAMA_BODIES);
    expect(requestCodec(undefined, { anthropic_version: 'bedrock-2023-05-31' })).toBe(
      ANTHROPIC_BODIES,
    );
    expect(requestCodec(undefined, { schemaVersion: 'messages-v1' })).toBe(NOVA_BODIES);
    expect(requestCodec(undefined, { inputText: 'x', textGenerationConfig: {} })).toBe(
      TITAN_TEXT_BODIES,
    );
    expect(requestCodec(undefined, { inputText: 'x' })).toBe(TITAN_EMBED_BODIES);
    expect(requestCodec(undefined, { prompt: 'x', max_gen_len: 5 })).toBe(LLAMA_BODIES);
    expect(requestCodec(undefined, { prompt: 'x' })).toBe(GENERIC_BODIES);
    expect(responseCodec(undefined, { type: 'message' })).toBe(ANTHROPIC_BODIES);
    expect(responseCodec(undefined, { output: { message: {} } })).toBe(NOVA_BODIES);
    expect(responseCodec(undefined, { results: [] })).toBe(TITAN_TEXT_BODIES);
    expect(responseCodec(undefined, { embedding: [] })).toBe(TITAN_EMBED_BODIES);
    expect(responseCodec(undefined, { generation: '' })).toBe(LLAMA_BODIES);
    expect(responseCodec(undefined, { outputs: [] })).toBe(GENERIC_BODIES);
    expect(chunkCodec(undefined, { type: 'message_start' })).toBe(ANTHROPIC_BODIES);
    expect(chunkCodec(undefined, { contentBlockDelta: {} })).toBe(NOVA_BODIES);
    expect(chunkCodec(undefined, { outputText: '' })).toBe(TITAN_TEXT_BODIES);
    expect(chunkCodec(undefined, { generation: '' })).toBe(LLAMA_BODIES);
    expect(chunkCodec(undefined, { outputs: [] })).toBe(GENERIC_BODIES);
  });

  it('Claude: the Messages API, and the legacy Text Completions', () => {
    const body = {
      anthropic_version: 'bedrock-2023-05-31',
      max_tokens: 10,
      temperature: 0.5,
      top_k: 7,
      system: 'be brief',
      messages: [{ role: 'user', content: 'hi' }],
    };
    expect(ANTHROPIC_BODIES.operation(body)).toBe('chat');
    expect(ANTHROPIC_BODIES.requestAttributes(body)).toMatchObject({
      'gen_ai.request.max_tokens': 10,
      'gen_ai.request.temperature': 0.5,
      'gen_ai.request.top_k': 7,
    });
    const call = bedrockCall('m', CONTENT);
    ANTHROPIC_BODIES.captureInput(call, body, CONTENT);
    expect(JSON.parse(call.systemInstructions!)).toEqual([{ type: 'text', content: 'be brief' }]);
    ANTHROPIC_BODIES.readResponse(
      call,
      {
        id: 'msg_1',
        type: 'message',
        model: 'claude-x',
        content: [{ type: 'text', text: 'hello' }],
        stop_reason: 'end_turn',
        usage: { input_tokens: 3, output_tokens: 2, cache_read_input_tokens: 1 },
      },
      CONTENT,
    );
    expect([call.responseId, call.responseModel, call.inputTokens, call.finishReasons]).toEqual([
      'msg_1',
      'claude-x',
      4,
      ['end_turn'],
    ]);
    const legacy = { prompt: '\n\nHuman: hi\n\nAssistant:', max_tokens_to_sample: 20 };
    expect(ANTHROPIC_BODIES.operation(legacy)).toBe('text_completion');
    expect(ANTHROPIC_BODIES.requestAttributes(legacy)).toEqual({ 'gen_ai.request.max_tokens': 20 });
    const text = bedrockCall('m', CONTENT);
    ANTHROPIC_BODIES.captureInput(text, legacy, CONTENT);
    ANTHROPIC_BODIES.readResponse(
      text,
      { completion: ' hello', stop_reason: 'stop_sequence' },
      CONTENT,
    );
    expect(JSON.parse(text.inputMessages!)[0].parts[0].content).toContain('Human: hi');
    expect(output(text)).toEqual([
      {
        role: 'assistant',
        parts: [{ type: 'text', content: ' hello' }],
        finish_reason: 'stop_sequence',
      },
    ]);
  });

  it("Claude's stream: Anthropic's events, or the legacy completion pieces", () => {
    const call = readChunks(
      ANTHROPIC_BODIES,
      [
        {
          type: 'message_start',
          message: { id: 'msg_1', model: 'claude-x', usage: { input_tokens: 3, output_tokens: 1 } },
        },
        { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
        { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'hi' } },
        { type: 'message_delta', delta: { stop_reason: 'end_turn' }, usage: { output_tokens: 9 } },
        { type: 'message_stop' },
      ],
      true,
    );
    expect([call.responseId, call.inputTokens, call.outputTokens]).toEqual(['msg_1', 3, 9]);
    expect(output(call)).toEqual([
      { role: 'assistant', parts: [{ type: 'text', content: 'hi' }], finish_reason: 'end_turn' },
    ]);
    const legacy = readChunks(
      ANTHROPIC_BODIES,
      [{ completion: ' he' }, { completion: 'llo', stop_reason: 'stop_sequence' }],
      true,
    );
    expect(output(legacy)).toEqual([
      {
        role: 'assistant',
        parts: [{ type: 'text', content: ' hello' }],
        finish_reason: 'stop_sequence',
      },
    ]);
  });

  it('Nova: both spellings of its inference config; Converse blocks; its stream events', () => {
    expect(
      NOVA_BODIES.requestAttributes({
        inferenceConfig: { max_new_tokens: 5, top_p: 0.5, top_k: 3, stopSequences: ['X'] },
      }),
    ).toEqual({
      'gen_ai.request.max_tokens': 5,
      'gen_ai.request.top_p': 0.5,
      'gen_ai.request.top_k': 3,
      'gen_ai.request.stop_sequences': ['X'],
    });
    expect(NOVA_BODIES.requestAttributes({ inferenceConfig: { maxTokens: 6, topP: 0.4 } })).toEqual(
      { 'gen_ai.request.max_tokens': 6, 'gen_ai.request.top_p': 0.4 },
    );
    expect(NOVA_BODIES.requestAttributes({})).toEqual({});
    const call = bedrockCall('m', CONTENT);
    NOVA_BODIES.captureInput(
      call,
      { system: [{ text: 's' }], messages: [{ role: 'user', content: [{ text: 'q' }] }] },
      CONTENT,
    );
    NOVA_BODIES.readResponse(
      call,
      {
        output: { message: { role: 'assistant', content: [{ text: 'a' }] } },
        stopReason: 'end_turn',
        usage: { inputTokens: 3, outputTokens: 2, cacheReadInputTokenCount: 1 },
      },
      CONTENT,
    );
    expect([call.inputTokens, call.cacheReadTokens, call.finishReasons]).toEqual([
      4,
      1,
      ['end_turn'],
    ]);
    expect(JSON.parse(call.inputMessages!)).toEqual([
      { role: 'user', parts: [{ type: 'text', content: 'q' }] },
    ]);
    expect(output(call)).toEqual([
      { role: 'assistant', parts: [{ type: 'text', content: 'a' }], finish_reason: 'end_turn' },
    ]);
    const streamed = readChunks(
      NOVA_BODIES,
      [
        { messageStart: { role: 'assistant' } },
        { contentBlockDelta: { delta: { text: 'a' }, contentBlockIndex: 0 } },
        { messageStop: { stopReason: 'max_tokens' } },
        { metadata: { usage: { inputTokens: 3, outputTokens: 2 } } },
      ],
      true,
    );
    expect([streamed.outputTokens, streamed.finishReasons]).toEqual([2, ['max_tokens']]);
  });

  it('Titan Text and Embeddings, plain and streamed', () => {
    expect(
      TITAN_TEXT_BODIES.requestAttributes({
        inputText: 'q',
        textGenerationConfig: { maxTokenCount: 9, temperature: 0, topP: 1, stopSequences: 'X' },
      }),
    ).toEqual({
      'gen_ai.request.max_tokens': 9,
      'gen_ai.request.temperature': 0,
      'gen_ai.request.top_p': 1,
      'gen_ai.request.stop_sequences': ['X'],
    });
    const call = bedrockCall('m', CONTENT);
    TITAN_TEXT_BODIES.captureInput(call, { inputText: 'q' }, CONTENT);
    TITAN_TEXT_BODIES.readResponse(
      call,
      {
        inputTextTokenCount: 3,
        results: [
          { tokenCount: 2, outputText: 'a', completionReason: 'FINISH' },
          { tokenCount: 1, outputText: 'b', completionReason: 'LENGTH' },
          'junk',
        ],
      },
      CONTENT,
    );
    expect([call.inputTokens, call.outputTokens, call.finishReasons]).toEqual([
      3,
      3,
      ['FINISH', 'LENGTH'],
    ]);
    expect(JSON.parse(call.inputMessages!)).toEqual([
      { role: 'user', parts: [{ type: 'text', content: 'q' }] },
    ]);
    const streamed = readChunks(
      TITAN_TEXT_BODIES,
      [
        {
          outputText: 'a',
          index: 0,
          totalOutputTextTokenCount: 1,
          completionReason: null,
          inputTextTokenCount: 3,
        },
        { outputText: 'b', index: 0, totalOutputTextTokenCount: 2, completionReason: 'FINISH' },
      ],
      true,
    );
    expect([streamed.inputTokens, streamed.outputTokens, streamed.finishReasons]).toEqual([
      3,
      2,
      ['FINISH'],
    ]);
    expect(output(streamed)).toEqual([
      { role: 'assistant', parts: [{ type: 'text', content: 'ab' }], finish_reason: 'FINISH' },
    ]);
    const embed = bedrockCall();
    expect(TITAN_EMBED_BODIES.operation({})).toBe('embeddings');
    expect(TITAN_EMBED_BODIES.requestAttributes({ dimensions: 512 })).toEqual({
      'gen_ai.embeddings.dimension.count': 512,
    });
    TITAN_EMBED_BODIES.readResponse(embed, { embedding: [0.1], inputTextTokenCount: 7 }, undefined);
    expect(embed.inputTokens).toBe(7);
  });

  it('Llama, plain and streamed (running counts, prompt count on the first chunk)', () => {
    expect(
      LLAMA_BODIES.requestAttributes({ max_gen_len: 8, temperature: 0.3, top_p: 0.2 }),
    ).toEqual({
      'gen_ai.request.max_tokens': 8,
      'gen_ai.request.temperature': 0.3,
      'gen_ai.request.top_p': 0.2,
    });
    const call = bedrockCall('m', CONTENT);
    LLAMA_BODIES.readResponse(
      call,
      { generation: 'a', prompt_token_count: 3, generation_token_count: 2, stop_reason: 'length' },
      CONTENT,
    );
    expect([call.inputTokens, call.outputTokens, call.finishReasons]).toEqual([3, 2, ['length']]);
    const streamed = readChunks(
      LLAMA_BODIES,
      [
        { generation: 'a', prompt_token_count: 3, generation_token_count: 1, stop_reason: null },
        {
          generation: 'b',
          prompt_token_count: null,
          generation_token_count: 2,
          stop_reason: 'stop',
        },
      ],
      true,
    );
    expect([streamed.inputTokens, streamed.outputTokens, streamed.finishReasons]).toEqual([
      3,
      2,
      ['stop'],
    ]);
    expect(output(streamed)).toEqual([
      { role: 'assistant', parts: [{ type: 'text', content: 'ab' }], finish_reason: 'stop' },
    ]);
  });

  it('other families: common request names, usage and choices where they have them', () => {
    expect(GENERIC_BODIES.operation({ messages: [] })).toBe('chat');
    expect(GENERIC_BODIES.operation({ prompt: 'x' })).toBe('text_completion');
    expect(GENERIC_BODIES.operation({ texts: ['x'] })).toBe('embeddings');
    expect(GENERIC_BODIES.operation({})).toBe('chat');
    expect(
      GENERIC_BODIES.requestAttributes({
        max_tokens: 4,
        temperature: 1,
        top_p: 0.5,
        top_k: 2,
        stop: ['x'],
      }),
    ).toEqual({
      'gen_ai.request.max_tokens': 4,
      'gen_ai.request.temperature': 1,
      'gen_ai.request.top_p': 0.5,
      'gen_ai.request.top_k': 2,
      'gen_ai.request.stop_sequences': ['x'],
    });
    const call = bedrockCall('m', CONTENT);
    GENERIC_BODIES.captureInput(call, { messages: [{ role: 'user', content: 'q' }, 3] }, CONTENT);
    GENERIC_BODIES.readResponse(
      call,
      {
        choices: [{ message: { role: 'assistant', content: 'a' }, finish_reason: 'stop' }],
        usage: { prompt_tokens: 3, completion_tokens: 2 },
      },
      CONTENT,
    );
    expect([call.inputTokens, call.outputTokens, call.finishReasons]).toEqual([3, 2, ['stop']]);
    expect(output(call)).toEqual([
      { role: 'assistant', parts: [{ type: 'text', content: 'a' }], finish_reason: 'stop' },
    ]);
    const mistral = bedrockCall();
    GENERIC_BODIES.readResponse(
      mistral,
      { outputs: [{ text: 'a', stop_reason: 'length' }] },
      undefined,
    );
    expect(mistral.finishReasons).toEqual(['length']);
  });
});

describe('InvokeModelWithResponseStream chunks', () => {
  it('decoded and read per family; the invocation metrics bill the call; nothing hidden', () => {
    const call = bedrockCall();
    const observer = new InvokeStreamObserver(call, undefined, 'llama');
    const first = chunk({ generation: 'a', prompt_token_count: 3, generation_token_count: 1 });
    const bytes = Uint8Array.from(first.chunk.bytes);
    expect(observer.onChunk(first)).toBe(false);
    expect(first.chunk.bytes).toEqual(bytes);
    expect(
      observer.onChunk(
        chunk({ generation: 'b', generation_token_count: 2, stop_reason: 'stop', ...METRICS }),
      ),
    ).toBe(false);
    observer.onEnd('completed');
    expect([
      call.inputTokens,
      call.outputTokens,
      call.cacheReadTokens,
      call.cacheWriteTokens,
    ]).toEqual([16, 4, 5, 1]);
    expect(call.finishReasons).toEqual(['stop']);
    expect(call.errorType).toBeUndefined();
  });

  it('a model id that names no family: the codec of the first chunk', () => {
    const call = bedrockCall(
      'arn:aws:bedrock:us-east-1:1:application-inference-profile/x',
      CONTENT,
    );
    const observer = new InvokeStreamObserver(call, CONTENT, undefined);
    observer.onChunk(
      chunk({ outputText: 'a', inputTextTokenCount: 3, totalOutputTextTokenCount: 1 }),
    );
    observer.onChunk(
      chunk({ outputText: 'b', totalOutputTextTokenCount: 2, completionReason: 'FINISH' }),
    );
    observer.onEnd('completed');
    expect(JSON.parse(call.outputMessages!)[0].parts).toEqual([{ type: 'text', content: 'ab' }]);
    // No invocation metrics: the stream ended before its last chunk.
    expect(call.errorType).toBe('stream_truncated');
  });

  it('with capture off, content-only deltas are skipped undecoded (recognised by their start)', () => {
    // A delta that (unlike any real one) also carried the metrics shows whether it was decoded.
    const delta = {
      type: 'content_block_delta',
      index: 0,
      delta: { type: 'text_delta', text: 'a' },
      ...METRICS,
    };
    const start = { type: 'message_start', message: { id: 'm', usage: { input_tokens: 3 } } };
    const off = bedrockCall();
    const skipping = new InvokeStreamObserver(off, undefined, 'anthropic');
    skipping.onChunk(chunk(start));
    skipping.onChunk(chunk(delta));
    expect(off.outputTokens).toBeUndefined();
    const on = bedrockCall('m', CONTENT);
    const reading = new InvokeStreamObserver(on, CONTENT, 'anthropic');
    reading.onChunk(chunk(start));
    reading.onChunk(chunk(delta));
    expect(on.outputTokens).toBe(4);
    // Nova's deltas likewise; other chunks are read.
    const nova = bedrockCall();
    const novaObserver = new InvokeStreamObserver(nova, undefined, 'nova');
    novaObserver.onChunk(chunk({ messageStart: { role: 'assistant' } }));
    novaObserver.onChunk(chunk({ contentBlockDelta: { delta: { text: 'a' } }, ...METRICS }));
    expect(nova.outputTokens).toBeUndefined();
    novaObserver.onChunk(chunk({ metadata: { usage: { outputTokens: 2 } }, ...METRICS }));
    expect(nova.outputTokens).toBe(4);
  });

  it('a stream stopped by the caller is not truncated; malformed events are skipped', () => {
    const call = bedrockCall();
    const observer = new InvokeStreamObserver(call, undefined, 'anthropic');
    for (const event of [
      null,
      {},
      { chunk: {} },
      { chunk: { bytes: 'x' } },
      chunk('not an object'),
    ]) {
      expect(observer.onChunk(event)).toBe(false);
    }
    observer.onEnd('cancelled');
    expect(call.errorType).toBeUndefined();
  });
});
