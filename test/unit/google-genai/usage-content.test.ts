import { trace } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import {
  ContentCapture,
  GenAiCall,
  PriceBook,
  SHIPPED_PRICES,
} from '../../../instrumentations/genai';
import { modelId } from '../../../instrumentations/google-genai/client';
import {
  callsFunctions,
  inputMessages,
  outputMessage,
  systemInstructions,
} from '../../../instrumentations/google-genai/content';
import {
  embedRequestAttributes,
  readEmbedContentResponse,
} from '../../../instrumentations/google-genai/embed';
import { finishReason } from '../../../instrumentations/google-genai/finish-reasons';
import {
  generateRequestAttributes,
  readGenerateContentResponse,
} from '../../../instrumentations/google-genai/generate';
import { readUsage } from '../../../instrumentations/google-genai/usage';
import type { GoogleUsage } from '../../../instrumentations/google-genai/usage';

function call(content?: ContentCapture): GenAiCall {
  return new GenAiCall(
    {
      tracer: trace.getTracer('test'),
      metrics: undefined,
      prices: new PriceBook([SHIPPED_PRICES]),
      content,
    },
    { operation: 'chat', provider: 'gcp.gemini', requestModel: 'gemini-2.5-flash', attributes: {} },
  );
}

const parsed = (value: string | undefined): unknown => JSON.parse(value ?? 'null');

describe('Gemini usage, as Google bills it', () => {
  it('output = answer + thinking tokens; input includes the cached part and tool-use prompts', () => {
    const usage: GoogleUsage = {};
    readUsage(usage, {
      promptTokenCount: 1200,
      cachedContentTokenCount: 200,
      candidatesTokenCount: 300,
      thoughtsTokenCount: 100,
      toolUsePromptTokenCount: 50,
      totalTokenCount: 1650,
    });
    expect(usage).toEqual({
      inputTokens: 1250,
      outputTokens: 400,
      reasoningOutputTokens: 100,
      cacheReadTokens: 200,
    });
    // input + output is the total the API reports.
    expect(usage.inputTokens! + usage.outputTokens!).toBe(1650);
  });

  it('a model without thinking: no reasoning count; a later chunk overwrites an earlier one', () => {
    const usage: GoogleUsage = {};
    readUsage(usage, { promptTokenCount: 10, candidatesTokenCount: 1, totalTokenCount: 11 });
    expect(usage).toEqual({ inputTokens: 10, outputTokens: 1 });
    readUsage(usage, { promptTokenCount: 10, candidatesTokenCount: 7, totalTokenCount: 17 });
    expect(usage.outputTokens).toBe(7);
  });

  it('ignores what is not usage, and leaves the call alone without counts', () => {
    const usage: GoogleUsage = {};
    for (const value of [undefined, null, 'x', 3, {}, { promptTokenCount: 'many' }]) {
      readUsage(usage, value);
    }
    expect(usage).toEqual({});
  });

  it('the cost counts thinking tokens at the output price and cached tokens at the cache price', () => {
    const c = call();
    readGenerateContentResponse(
      c,
      {
        modelVersion: 'gemini-2.5-flash',
        usageMetadata: {
          promptTokenCount: 1200,
          cachedContentTokenCount: 200,
          candidatesTokenCount: 300,
          thoughtsTokenCount: 100,
        },
      },
      undefined,
    );
    // 1000 × 0.30 + 200 × 0.03 + 400 × 2.50, per million.
    expect(new PriceBook([SHIPPED_PRICES]).cost(c.responseModel, c)).toBeCloseTo(0.001306, 12);
  });
});

describe('Gemini finish reasons', () => {
  it("map to the conventions' values where they have one, else Gemini's in lower case", () => {
    expect(finishReason('STOP', false)).toBe('stop');
    expect(finishReason('STOP', true)).toBe('tool_call');
    expect(finishReason('MAX_TOKENS', false)).toBe('length');
    for (const r of ['SAFETY', 'RECITATION', 'BLOCKLIST', 'PROHIBITED_CONTENT', 'SPII']) {
      expect(finishReason(r, false)).toBe('content_filter');
    }
    expect(finishReason('MALFORMED_FUNCTION_CALL', true)).toBe('error');
    expect(finishReason('OTHER', false)).toBe('other');
    expect(finishReason('TOO_MANY_TOOL_CALLS', true)).toBe('too_many_tool_calls');
  });

  it('one per candidate; a blocked prompt (no candidates) is content_filter', () => {
    const c = call();
    readGenerateContentResponse(
      c,
      {
        responseId: 'r1',
        candidates: [
          { content: { parts: [{ functionCall: { name: 'f', args: {} } }] }, finishReason: 'STOP' },
          { content: { parts: [{ text: 'x' }] }, finishReason: 'MAX_TOKENS' },
          null,
        ],
      },
      undefined,
    );
    expect(c.finishReasons).toEqual(['tool_call', 'length']);
    expect(c.responseId).toBe('r1');
    const blocked = call();
    readGenerateContentResponse(blocked, { promptFeedback: { blockReason: 'SAFETY' } }, undefined);
    expect(blocked.finishReasons).toEqual(['content_filter']);
    const empty = call();
    readGenerateContentResponse(empty, { candidates: [] }, undefined);
    expect(empty.finishReasons).toBeUndefined();
  });
});

describe('Gemini content in the conventions shape', () => {
  const content = new ContentCapture();

  it('contents given as a string, parts, a Content, or a conversation', () => {
    expect(parsed(inputMessages('Hi', content))).toEqual([
      { role: 'user', parts: [{ type: 'text', content: 'Hi' }] },
    ]);
    expect(parsed(inputMessages(['Hi', { text: 'there' }], content))).toEqual([
      {
        role: 'user',
        parts: [
          { type: 'text', content: 'Hi' },
          { type: 'text', content: 'there' },
        ],
      },
    ]);
    expect(parsed(inputMessages({ text: 'part' }, content))).toEqual([
      { role: 'user', parts: [{ type: 'text', content: 'part' }] },
    ]);
    expect(parsed(inputMessages({ role: 'user', parts: [{ text: 'c' }] }, content))).toEqual([
      { role: 'user', parts: [{ type: 'text', content: 'c' }] },
    ]);
    expect(inputMessages(undefined, content)).toBeUndefined();
    expect(inputMessages([], content)).toBeUndefined();
  });

  it('model turns are assistant; function calls and responses; media by kind only', () => {
    const conversation = [
      {
        role: 'user',
        parts: [
          { text: 'Weather? mail me at jane.doe@example.com' },
          { inlineData: { mimeType: 'image/png', data: 'AAAA' } },
          { fileData: { fileUri: 'gs://b/f.pdf', mimeType: 'application/pdf' } },
        ],
      },
      {
        role: 'model',
        parts: [
          { text: 'thinking…', thought: true },
          { functionCall: { id: 'c1', name: 'get_weather', args: { city: 'Paris' } } },
          { thoughtSignature: 'c2lnbmF0dXJl' },
        ],
      },
      {
        role: 'user',
        parts: [{ functionResponse: { id: 'c1', name: 'get_weather', response: { t: 21 } } }],
      },
      { role: 'model', parts: [{ executableCode: { code: 'print(1)' } }] },
    ];
    expect(parsed(inputMessages(conversation, content))).toEqual([
      {
        role: 'user',
        parts: [
          { type: 'text', content: 'Weather? mail me at [REDACTED:email]' },
          { type: 'blob' },
          { type: 'file' },
        ],
      },
      {
        role: 'assistant',
        parts: [
          { type: 'reasoning', content: 'thinking…' },
          { type: 'tool_call', id: 'c1', name: 'get_weather', arguments: '{"city":"Paris"}' },
        ],
      },
      { role: 'tool', parts: [{ type: 'tool_call_response', id: 'c1', response: '{"t":21}' }] },
      { role: 'assistant', parts: [{ type: 'executable_code' }] },
    ]);
    expect(JSON.stringify(inputMessages(conversation, content))).not.toContain('AAAA');
    expect(JSON.stringify(inputMessages(conversation, content))).not.toContain('gs://');
  });

  it('system instructions as a string, parts or a Content; nothing when absent', () => {
    const expected = [{ type: 'text', content: 'Be terse.' }];
    expect(parsed(systemInstructions('Be terse.', content))).toEqual(expected);
    expect(parsed(systemInstructions([{ text: 'Be terse.' }], content))).toEqual(expected);
    expect(parsed(systemInstructions({ parts: [{ text: 'Be terse.' }] }, content))).toEqual(
      expected,
    );
    expect(systemInstructions(undefined, content)).toBeUndefined();
    expect(systemInstructions([], content)).toBeUndefined();
  });

  it('output messages per candidate, with the mapped finish reason', () => {
    const candidate = { content: { role: 'model', parts: [{ text: 'Hi' }] }, finishReason: 'STOP' };
    expect(outputMessage(candidate, 'stop', content)).toEqual({
      role: 'assistant',
      parts: [{ type: 'text', content: 'Hi' }],
      finish_reason: 'stop',
    });
    expect(callsFunctions(candidate)).toBe(false);
    expect(callsFunctions({ content: { parts: [{ functionCall: { name: 'f' } }] } })).toBe(true);
    const c = call(content);
    readGenerateContentResponse(c, { candidates: [candidate] }, content);
    expect(parsed(c.outputMessages)).toEqual([
      { role: 'assistant', parts: [{ type: 'text', content: 'Hi' }], finish_reason: 'stop' },
    ]);
  });

  it('nothing is read into content fields when capture is off', () => {
    const c = call();
    readGenerateContentResponse(
      c,
      { candidates: [{ content: { parts: [{ text: 'secret' }] }, finishReason: 'STOP' }] },
      undefined,
    );
    expect(c.outputMessages).toBeUndefined();
  });
});

describe('Gemini requests', () => {
  it('model ids without the resource prefixes the SDK accepts', () => {
    expect(modelId('gemini-2.5-flash')).toBe('gemini-2.5-flash');
    expect(modelId('models/gemini-2.5-flash')).toBe('gemini-2.5-flash');
    expect(modelId('publishers/google/models/gemini-2.5-pro')).toBe('gemini-2.5-pro');
    expect(modelId('projects/p/locations/l/publishers/google/models/gemini-2.5-pro')).toBe(
      'gemini-2.5-pro',
    );
    expect(modelId('google/gemini-2.0-flash')).toBe('gemini-2.0-flash');
    expect(modelId('tunedModels/123')).toBe('tunedModels/123');
    expect(modelId('projects/p/locations/l/endpoints/9')).toBe(
      'projects/p/locations/l/endpoints/9',
    );
    expect(modelId(undefined)).toBeUndefined();
  });

  it('request attributes from the generation config', () => {
    expect(
      generateRequestAttributes({
        temperature: 0.2,
        topP: 0.9,
        topK: 40,
        maxOutputTokens: 50,
        stopSequences: ['END'],
        seed: 7,
        presencePenalty: 0.1,
        frequencyPenalty: 0.2,
        candidateCount: 2,
        responseMimeType: 'application/json',
      }),
    ).toEqual({
      'gen_ai.request.temperature': 0.2,
      'gen_ai.request.top_p': 0.9,
      'gen_ai.request.top_k': 40,
      'gen_ai.request.max_tokens': 50,
      'gen_ai.request.stop_sequences': ['END'],
      'gen_ai.request.seed': 7,
      'gen_ai.request.presence_penalty': 0.1,
      'gen_ai.request.frequency_penalty': 0.2,
      'gen_ai.request.choice.count': 2,
      'gen_ai.output.type': 'json',
    });
    expect(generateRequestAttributes(undefined)).toEqual({});
    expect(generateRequestAttributes({ candidateCount: 1, temperature: 'hot' })).toEqual({});
  });

  it('embeddings: dimensions; tokens from usageMetadata, else per-embedding statistics', () => {
    expect(embedRequestAttributes({ outputDimensionality: 64 })).toEqual({
      'gen_ai.embeddings.dimension.count': 64,
    });
    const vertex = call();
    readEmbedContentResponse(vertex, {
      embeddings: [{ statistics: { tokenCount: 8 } }, { statistics: { tokenCount: 5 } }],
    });
    expect([vertex.inputTokens, vertex.outputTokens]).toEqual([13, undefined]);
    const metadata = call();
    readEmbedContentResponse(metadata, {
      embeddings: [{ statistics: { tokenCount: 8 } }],
      usageMetadata: { promptTokenCount: 9 },
    });
    expect(metadata.inputTokens).toBe(9);
    const none = call();
    readEmbedContentResponse(none, { embeddings: [{ values: [0.1] }] });
    expect(none.inputTokens).toBeUndefined();
  });
});
