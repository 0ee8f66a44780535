/**
 * `ai` 5/6: the tracer the wrapped functions hand the SDK, driven the way the SDK drives it
 * (`startActiveSpan` with its attributes, `setAttributes` with the response, `recordException`
 * and `setStatus` on failure, `end`); the real `ai` 6 runs in test/integration/ai-sdk.test.ts.
 */
import { context, trace } from '@opentelemetry/api';
import type { Span } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  InMemorySpanExporter,
  SimpleSpanProcessor,
  TracerProvider,
} from '@opentelemetry/sdk-trace';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ContentCapture, loadPriceBook } from '../../../instrumentations/genai';
import type { GenAiTelemetry } from '../../../instrumentations/genai';
import { LegacyTracer } from '../../../instrumentations/ai-sdk/legacy-tracer';
import { StreamWatch } from '../../../instrumentations/ai-sdk/stream-watch';

const exporter = new InMemorySpanExporter();
const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });

beforeAll(() => {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
});
afterAll(() => context.disable());
beforeEach(() => exporter.reset());

function telemetry(content?: ContentCapture): GenAiTelemetry {
  return {
    tracer: provider.getTracer('test'),
    metrics: undefined,
    prices: loadPriceBook({}),
    content,
  };
}

const named = (name: string): ReadableSpan => {
  const found = exporter.getFinishedSpans().filter((s) => s.name === name);
  expect(found, name).toHaveLength(1);
  return found[0]!;
};

/** What `ai` 6 records for a generateText call with one tool step, as its spans. */
async function toolLoop(tracer: LegacyTracer): Promise<Record<string, string | undefined>> {
  const active: Record<string, string | undefined> = {};
  await tracer.startActiveSpan(
    'ai.generateText',
    {
      attributes: {
        'ai.operationId': 'ai.generateText',
        'ai.model.provider': 'openai.chat',
        'ai.model.id': 'gpt-4o-mini',
        'ai.telemetry.functionId': 'weather_agent',
        'ai.settings.seed': 7,
        'ai.settings.maxRetries': 2,
        'ai.request.headers.authorization': 'Bearer sk-secret',
        'ai.prompt': '{"prompt":"Weather? jane.doe@example.com"}',
      },
    },
    async (root: Span) => {
      await tracer.startActiveSpan(
        'ai.generateText.doGenerate',
        {
          attributes: {
            'ai.model.provider': 'openai.chat',
            'ai.model.id': 'gpt-4o-mini',
            'gen_ai.system': 'openai.chat',
            'gen_ai.request.model': 'gpt-4o-mini',
            'gen_ai.request.temperature': 0.3,
            'ai.prompt.messages': JSON.stringify([
              { role: 'system', content: 'Be brief.' },
              { role: 'user', content: [{ type: 'text', text: 'Weather? jane.doe@example.com' }] },
            ]),
          },
        },
        async (span: Span) => {
          active.model = trace.getActiveSpan()?.spanContext().spanId;
          span.setAttributes({
            'ai.response.finishReason': 'tool-calls',
            'ai.response.id': 'r1',
            'ai.response.model': 'gpt-4o-mini-2024-07-18',
            'ai.response.toolCalls': JSON.stringify([
              { toolCallId: 'c1', toolName: 'get_weather', input: '{"city":"Paris"}' },
            ]),
            'ai.usage.inputTokens': 100,
            'ai.usage.inputTokenDetails.cacheReadTokens': 10,
            'ai.usage.outputTokens': 20,
            'ai.usage.outputTokenDetails.reasoningTokens': 5,
            'gen_ai.usage.input_tokens': 100,
          });
          span.end();
        },
      );
      await tracer.startActiveSpan(
        'ai.toolCall',
        {
          attributes: {
            'ai.toolCall.name': 'get_weather',
            'ai.toolCall.id': 'c1',
            'ai.toolCall.args': '{"city":"Paris"}',
          },
        },
        async (span: Span) => {
          active.tool = trace.getActiveSpan()?.spanContext().spanId;
          span.setAttribute('ai.toolCall.result', '{"forecast":"sunny"}');
          span.end();
        },
      );
      root.setAttributes({
        'ai.response.finishReason': 'stop',
        'ai.response.text': 'Sunny.',
        'ai.usage.inputTokens': 100,
        'ai.usage.outputTokens': 20,
      });
      root.end();
    },
  );
  return active;
}

describe('ai 5/6 spans as ours', () => {
  it('operation, model call and tool spans with the conventions’ names and attributes', async () => {
    const active = await toolLoop(new LegacyTracer(telemetry(), undefined));
    const root = named('invoke_agent weather_agent');
    expect(root.attributes).toMatchObject({
      'gen_ai.operation.name': 'invoke_agent',
      'gen_ai.agent.name': 'weather_agent',
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': 'gpt-4o-mini',
      'gen_ai.request.seed': 7,
      'gen_ai.response.finish_reasons': ['stop'],
      'sprintlens.usage.total_input_tokens': 100,
      'sprintlens.usage.total_output_tokens': 20,
    });
    const chat = named('chat gpt-4o-mini');
    expect(chat.parentSpanContext?.spanId).toBe(root.spanContext().spanId);
    expect(chat.attributes).toMatchObject({
      'gen_ai.operation.name': 'chat',
      'gen_ai.request.temperature': 0.3,
      // The call's settings reach its model calls (`ai` 6 puts `seed` on the call only).
      'gen_ai.request.seed': 7,
      'gen_ai.response.id': 'r1',
      'gen_ai.response.model': 'gpt-4o-mini-2024-07-18',
      'gen_ai.response.finish_reasons': ['tool-calls'],
      'gen_ai.usage.input_tokens': 100,
      'gen_ai.usage.cache_read.input_tokens': 10,
      'gen_ai.usage.output_tokens': 20,
      'gen_ai.usage.reasoning.output_tokens': 5,
    });
    expect(chat.attributes['sprintlens.cost.usd']).toBeCloseTo(
      (90 * 0.15 + 10 * 0.075 + 20 * 0.6) / 1e6,
      15,
    );
    const tool = named('execute_tool get_weather');
    expect(tool.attributes).toMatchObject({
      'gen_ai.tool.name': 'get_weather',
      'gen_ai.tool.call.id': 'c1',
    });
    // The SDK's work runs with our spans active (where its provider sends the request).
    expect(active).toEqual({ model: chat.spanContext().spanId, tool: tool.spanContext().spanId });
  });

  it('nothing of theirs is copied: no ai.* attribute, no header, no content with capture off', async () => {
    await toolLoop(new LegacyTracer(telemetry(), undefined));
    for (const s of exporter.getFinishedSpans()) {
      for (const key of Object.keys(s.attributes)) expect(key).not.toMatch(/^ai\./);
      const text = JSON.stringify(s.attributes);
      for (const secret of ['sk-secret', 'jane.doe', 'Weather', 'sunny', 'Paris', 'Sunny']) {
        expect(text).not.toContain(secret);
      }
      expect(s.attributes).not.toHaveProperty('gen_ai.system');
    }
  });

  it('content capture on: their content as the conventions’ messages, redacted', async () => {
    await toolLoop(new LegacyTracer(telemetry(new ContentCapture()), undefined));
    const chat = named('chat gpt-4o-mini');
    expect(JSON.parse(chat.attributes['gen_ai.system_instructions'] as string)).toEqual([
      { type: 'text', content: 'Be brief.' },
    ]);
    expect(JSON.parse(chat.attributes['gen_ai.input.messages'] as string)).toEqual([
      { role: 'user', parts: [{ type: 'text', content: 'Weather? [REDACTED:email]' }] },
    ]);
    expect(JSON.parse(chat.attributes['gen_ai.output.messages'] as string)).toEqual([
      {
        role: 'assistant',
        parts: [
          { type: 'tool_call', id: 'c1', name: 'get_weather', arguments: '{"city":"Paris"}' },
        ],
        finish_reason: 'tool-calls',
      },
    ]);
    const tool = named('execute_tool get_weather');
    expect(tool.attributes['gen_ai.tool.call.arguments']).toBe('{"city":"Paris"}');
    expect(tool.attributes['gen_ai.tool.call.result']).toBe('{"forecast":"sunny"}');
  });

  it('failures: the exception’s class as error.type; an abort ends streams as aborted', async () => {
    const tracer = new LegacyTracer(telemetry(), undefined);
    await tracer.startActiveSpan(
      'ai.generateText',
      { attributes: { 'ai.model.provider': 'openai.chat', 'ai.model.id': 'm' } },
      async (root: Span) => {
        await tracer.startActiveSpan(
          'ai.generateText.doGenerate',
          { attributes: { 'ai.model.id': 'm' } },
          async (span: Span) => {
            span.recordException({ name: 'AI_APICallError', message: 'quoted prompt' });
            span.setStatus({ code: 2, message: 'quoted prompt' });
            span.end();
          },
        );
        root.recordException({ name: 'AI_RetryError', message: 'quoted prompt' });
        root.setStatus({ code: 2, message: 'quoted prompt' });
        root.end();
      },
    );
    expect(named('chat m').attributes['error.type']).toBe('APICallError');
    expect(named('invoke_agent generateText').status).toEqual({ code: 2, message: 'RetryError' });
    exporter.reset();

    const controller = new AbortController();
    const streaming = new LegacyTracer(telemetry(), new StreamWatch(controller.signal));
    await streaming.startActiveSpan(
      'ai.streamText',
      { attributes: { 'ai.model.id': 'm' } },
      async (root: Span) => {
        // The doStream span the SDK leaves open on an abort; the call's span ends with no error.
        streaming.startSpan('ai.streamText.doStream', { attributes: { 'ai.model.id': 'm' } });
        controller.abort();
        root.end();
      },
    );
    expect(named('invoke_agent streamText').attributes['sprintlens.stream.outcome']).toBe(
      'aborted',
    );
    expect(named('chat m').attributes['sprintlens.stream.outcome']).toBe('aborted');
    expect(named('chat m').status.code).not.toBe(2);
  });

  it('a span it does not know is not recorded; what runs in it nests under the call', async () => {
    const tracer = new LegacyTracer(telemetry(), undefined);
    await tracer.startActiveSpan(
      'ai.embedMany',
      { attributes: { 'ai.model.id': 'e' } },
      async (root: Span) => {
        await tracer.startActiveSpan('ai.somethingNew', {}, async (unknown: Span) => {
          expect(unknown.spanContext().spanId).toBe(root.spanContext().spanId);
          await tracer.startActiveSpan(
            'ai.embedMany.doEmbed',
            { attributes: { 'ai.model.id': 'e' } },
            async (span: Span) => {
              span.setAttribute('ai.usage.tokens', 8);
              span.end();
            },
          );
          unknown.end();
        });
        root.setAttribute('ai.usage.tokens', 8);
        root.end();
      },
    );
    expect(
      exporter
        .getFinishedSpans()
        .map((s) => s.name)
        .sort(),
    ).toEqual(['embeddings e', 'invoke_workflow embedMany']);
    expect(named('embeddings e').attributes['gen_ai.usage.input_tokens']).toBe(8);
  });
});
